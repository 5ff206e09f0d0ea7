// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { VendorStates } from '@shared/ipc/jobs';
import { About } from '@renderer/app/About';
import { App } from '@renderer/app/App';
import { SandboxBanner } from '@renderer/app/Header';
import { useAppInfo, useVendorStates } from '@renderer/lib/appInfo';
import { installApi, setLanguage } from './harness';

const states = (hidream: 'live' | 'sandbox', haiper: 'live' | 'sandbox'): VendorStates => ({
  hidream: { mode: hidream, paused: false },
  haiper: { mode: haiper, paused: false },
});

beforeEach(() => {
  useVendorStates.setState({ states: undefined });
});

describe('the sandbox banner', () => {
  it('reads as a sentence for one vendor and for two', async () => {
    useVendorStates.setState({ states: states('sandbox', 'live') });
    const { rerender } = render(<SandboxBanner />);
    expect(screen.getByRole('note').textContent).toBe('Sandbox mode: HiDream answers with demo media. Nothing goes to the real service and nothing is billed.');
    act(() => useVendorStates.setState({ states: states('sandbox', 'sandbox') }));
    rerender(<SandboxBanner />);
    expect(screen.getByRole('note').textContent).toBe('Sandbox mode: HiDream and Haiper answer with demo media. Nothing goes to the real services and nothing is billed.');
    await setLanguage('zh-CN');
    expect(screen.getByRole('note').textContent).toBe('沙盒模式：HiDream和Haiper 返回演示素材，不会调用真实服务，也不会计费。');
    await setLanguage('en');
  });
});

describe('a refused drop', () => {
  it('is shown in the page flow above the view, not floating over its tabs', async () => {
    installApi();
    render(<App />);
    const dataTransfer = { types: ['Files'], files: Object.assign([new File(['notes'], 'notes.txt')], { item: () => null }), dropEffect: 'none' };
    act(() => {
      fireEvent.dragEnter(window, { dataTransfer });
      fireEvent.drop(window, { dataTransfer });
    });
    const alert = await screen.findByText(/is not a video/);
    const banner = alert.closest('.drop-rejection');
    const content = document.querySelector('main.content');
    expect(banner?.parentElement).toBe(content?.parentElement);
    // Before the view in document order, so it takes its own row above the tabs.
    expect(banner && content ? banner.compareDocumentPosition(content) & Node.DOCUMENT_POSITION_FOLLOWING : 0).toBeTruthy();
  });
});

describe('About', () => {
  it('says where keys are kept in the UI language, not in main\'s English', async () => {
    useAppInfo.setState({
      info: {
        name: 'Promptreel',
        version: '1.0.0',
        transport: 'electron',
        platform: 'linux',
        keyStorage: 'encrypted (gnome_libsecret)',
        keyStorageKind: 'encrypted',
        keyStorageBackend: 'gnome_libsecret',
        mediaUrlPrefix: 'promptreel-media://item/',
        canPickPaths: true,
        canRevealFiles: true,
      },
    });
    render(<About />);
    expect(screen.getByTestId('key-storage').textContent).toBe('encrypted by the system (gnome_libsecret)');
    await setLanguage('zh-CN');
    expect(screen.getByTestId('key-storage').textContent).toBe('由系统加密（gnome_libsecret）');
    await setLanguage('en');
  });
});
