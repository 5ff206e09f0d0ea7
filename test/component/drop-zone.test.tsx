// @vitest-environment jsdom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MAX_VIDEO_BYTES } from '@shared/files';
import { DropZone } from '@renderer/features/stylize-drop/DropZone';
import { installApi } from './harness';

/** The head of a real MP4 (an `ftyp` box): all a sniffer reads. */
const CLIP = Uint8Array.from([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypisom'), 0, 0, 2, 0, ...new TextEncoder().encode('isomiso2avc1mp41')]);

/** A drop of files on the window, as the OS delivers it. */
function drop(...files: File[]): void {
  const dataTransfer = { types: ['Files'], files: Object.assign([...files], { item: (i: number) => files[i] ?? null }), dropEffect: 'none' };
  act(() => {
    fireEvent.dragEnter(window, { dataTransfer });
    fireEvent.dragOver(window, { dataTransfer });
  });
  act(() => {
    fireEvent.drop(window, { dataTransfer });
  });
}

describe('dropping a file on the window', () => {
  it('refuses a file that is not a video, says why, and submits nothing', async () => {
    const api = installApi();
    render(<DropZone />);
    // A video's name and type prove nothing: the first bytes decide.
    drop(new File(['just some notes, not a movie'], 'holiday.mp4', { type: 'video/mp4' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('“holiday.mp4” is not a video. Drop an MP4, MOV, WebM, MKV or AVI file.');
    expect(alert.textContent).toContain('Nothing was submitted.');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.calls).toEqual([]);
  });

  it('refuses a file over the size cap, naming the cap', async () => {
    const api = installApi();
    render(<DropZone />);
    const big = new File([CLIP], 'long-take.mp4', { type: 'video/mp4' });
    Object.defineProperty(big, 'size', { value: MAX_VIDEO_BYTES + 1 });
    drop(big);
    expect((await screen.findByRole('alert')).textContent).toContain('videos up to 200 MB can be stylized');
    expect(api.calls).toEqual([]);
  });

  it('refuses a file it cannot read', async () => {
    installApi();
    render(<DropZone />);
    const gone = new File([CLIP], 'moved.mp4');
    Object.defineProperty(gone, 'slice', { value: () => ({ arrayBuffer: () => Promise.reject(new Error('NotReadableError')) }) });
    drop(gone);
    expect((await screen.findByRole('alert')).textContent).toContain('“moved.mp4” could not be read.');
  });

  it('opens the stylize sheet for a real video, without submitting yet', async () => {
    const api = installApi();
    render(<DropZone />);
    drop(new File([CLIP], 'clip.mp4', { type: 'video/mp4' }));
    const sheet = await screen.findByRole('dialog', { name: 'Stylize a video' });
    expect(sheet.textContent).toContain('clip.mp4');
    expect(screen.getByRole('group', { name: 'Style' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Stylize' })).toBeTruthy();
    // The file is the source: no URL field to fill.
    expect(screen.queryByLabelText('Source video')).toBeNull();
    expect(api.calls).toEqual([]);
  });
});
