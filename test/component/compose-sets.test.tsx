// @vitest-environment jsdom
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultMembership } from '@shared/catalog';
import type { Job } from '@shared/jobs';
import { ComposeView } from '@renderer/features/compose/ComposeView';
import { PRESETS_STORAGE_KEY, usePresets } from '@renderer/features/compose/presets';
import { useSets } from '@renderer/features/compose/sets';
import { useCompose } from '@renderer/features/compose/store';
import { useNavigation } from '@renderer/lib/navigation';
import { installApi, makeJob, setLanguage } from './harness';

const settings = { 'settings.get': () => ({ values: { membership: defaultMembership() }, recovery: null }) };

beforeEach(async () => {
  localStorage.clear();
  useCompose.setState({ operation: 'haiper.generate', drafts: {}, history: {}, revision: 0 });
  useSets.setState({ drafts: {} });
  usePresets.setState({ presets: {} });
  useNavigation.setState({ section: 'compose' });
  await setLanguage('en');
});

async function openSet(): Promise<HTMLElement> {
  await userEvent.click(screen.getByRole('checkbox', { name: 'Make a set' }));
  return screen.getByRole('region', { name: 'Set' });
}

describe('the set panel', () => {
  it('submits 4 variations as one group and says how many tasks it starts and how fast', async () => {
    const api = installApi({
      ...settings,
      'jobs.submitGroup': () => ({ group: { id: 'g1', operation: 'haiper.generate', kind: 'seeds', field: null, size: 4, createdAt: 1 }, jobs: [makeJob({ groupId: 'g1' })] as Job[] }),
    });
    render(<ComposeView />);
    await userEvent.type(screen.getByLabelText('Prompt'), 'a paper boat');
    const panel = await openSet();
    const count = within(panel).getByLabelText('How many');
    await userEvent.clear(count);
    await userEvent.type(count, '4');
    expect(within(panel).getByRole('status').textContent).toBe(
      'Starts 4 vendor tasks in 4 jobs. Haiper takes 10 videos a minute: all start right away. At most 2 run at a time.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Submit a set of 4' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'jobs.submitGroup')?.input).toMatchObject({ operation: 'haiper.generate', params: { prompt: 'a paper boat' }, set: { kind: 'seeds', count: 4 } }));
    expect(api.calls.some((c) => c.name === 'jobs.submit')).toBe(false);
  });

  it('counts HiDream images as tasks and spreads what the per-minute limit holds back', async () => {
    installApi(settings);
    useCompose.setState({ operation: 'hidream.txt2img' });
    render(<ComposeView />);
    await userEvent.type(screen.getByLabelText('Prompt'), 'a kite');
    const images = screen.getByLabelText('Images');
    await userEvent.clear(images);
    await userEvent.type(images, '4');
    const panel = await openSet();
    const count = within(panel).getByLabelText('How many');
    await userEvent.clear(count);
    await userEvent.type(count, '30');
    expect(within(panel).getByRole('status').textContent).toBe(
      'Starts 120 vendor tasks in 30 jobs. HiDream takes 100 images a minute: the last starts about 1 min after the first. At most 1 run at a time.',
    );
  });

  it('takes a prompt list with the prompt box empty, and places a bad line instead of submitting', async () => {
    installApi(settings);
    useCompose.setState({ operation: 'hidream.txt2video' });
    render(<ComposeView />);
    const panel = await openSet();
    await userEvent.click(within(panel).getByRole('radio', { name: 'A list of prompts' }));
    const list = within(panel).getByLabelText('Prompts, one per line');
    await userEvent.type(list, 'a fox{enter}a kite{enter}');
    expect(within(panel).getByRole('status').textContent).toContain('Starts 2 vendor tasks in 2 jobs.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit a set of 2' }).disabled).toBe(false);
    await userEvent.click(within(panel).getByRole('radio', { name: 'A CSV table' }));
    await userEvent.type(within(panel).getByLabelText('CSV: the first row names fields'), 'prompt,motion_strength{enter}a,3{enter}b,99{enter}');
    expect(within(panel).getByRole('alert').textContent).toBe('Row 3: Motion strength must be a number above 0 and at most 30.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit' }).disabled).toBe(true);
  });

  it('varies a choice: ticked styles in the catalog’s order', async () => {
    const api = installApi({ ...settings, 'jobs.submitGroup': () => ({ group: { id: 'g', operation: 'haiper.generate', kind: 'values', field: 'settings.aspectRatio', size: 2, createdAt: 1 }, jobs: [] }) });
    render(<ComposeView />);
    await userEvent.type(screen.getByLabelText('Prompt'), 'a fox');
    const panel = await openSet();
    await userEvent.click(within(panel).getByRole('radio', { name: 'Several values' }));
    await userEvent.selectOptions(within(panel).getByLabelText('Field to vary'), 'Aspect ratio');
    const values = within(panel).getByRole('group', { name: 'Aspect ratio' });
    await userEvent.click(within(values).getByRole('checkbox', { name: '1:1' }));
    await userEvent.click(within(values).getByRole('checkbox', { name: '9:16' }));
    await userEvent.click(screen.getByRole('button', { name: 'Submit a set of 2' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'jobs.submitGroup')?.input).toMatchObject({ set: { kind: 'values', field: 'settings.aspectRatio', values: ['9:16', '1:1'] } }));
  });

  it('speaks Chinese in zh-CN', async () => {
    installApi(settings);
    await setLanguage('zh-CN');
    render(<ComposeView />);
    await userEvent.type(screen.getByLabelText('提示词'), '纸船');
    await userEvent.click(screen.getByRole('checkbox', { name: '批量生成' }));
    const panel = screen.getByRole('region', { name: '批量' });
    expect(within(panel).getByRole('status').textContent).toBe('将启动 4 个服务商任务，共 4 个任务。Haiper 每分钟可接收 10 个视频：全部会立即开始。同时最多运行 2 个。');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '提交 4 个任务' }).disabled).toBe(false);
  });
});

describe('saved presets', () => {
  it('saves the form as a named preset, applies, renames and deletes it, and keeps it across a reload', async () => {
    installApi(settings);
    render(<ComposeView />);
    const prompt = screen.getByLabelText<HTMLTextAreaElement>('Prompt');
    await userEvent.type(prompt, 'a paper boat');
    await userEvent.click(screen.getByRole('button', { name: 'Save as preset…' }));
    await userEvent.type(screen.getByLabelText('Preset name'), 'Boat{enter}');
    expect(localStorage.getItem(PRESETS_STORAGE_KEY)).toContain('"name":"Boat"');

    await userEvent.clear(screen.getByLabelText('Prompt'));
    await userEvent.type(screen.getByLabelText('Prompt'), 'something else');
    await userEvent.selectOptions(screen.getByLabelText('Preset'), 'Boat');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('a paper boat');

    // A second preset of the same name is refused, in words.
    await userEvent.click(screen.getByRole('button', { name: 'Save as preset…' }));
    await userEvent.type(screen.getByLabelText('Preset name'), 'boat{enter}');
    expect(screen.getByRole('alert').textContent).toBe('There is already a preset “boat” for this operation.');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    const name = screen.getByLabelText('Preset name');
    await userEvent.clear(name);
    await userEvent.type(name, 'Paper boat{enter}');
    expect(within(screen.getByLabelText('Preset')).getAllByRole('option').map((o) => o.textContent)).toEqual(['No preset', 'Paper boat']);

    // A reload reads the presets back.
    const saved = localStorage.getItem(PRESETS_STORAGE_KEY);
    usePresets.setState({ presets: {} });
    localStorage.setItem(PRESETS_STORAGE_KEY, saved ?? '');
    await usePresets.persist.rehydrate();
    expect(usePresets.getState().presets['haiper.generate']?.map((p) => p.name)).toEqual(['Paper boat']);

    await userEvent.selectOptions(screen.getByLabelText('Preset'), 'Paper boat');
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(screen.queryByLabelText('Preset')).toBeNull();
    expect(usePresets.getState().presets['haiper.generate']).toEqual([]);
  });

  it('keeps presets per operation and in zh-CN', async () => {
    installApi(settings);
    usePresets.getState().save('hidream.txt2img', '横幅', { prompt: 'x' });
    await setLanguage('zh-CN');
    render(<ComposeView />);
    expect(screen.queryByLabelText('预设')).toBeNull();
    await userEvent.click(screen.getByRole('tab', { name: 'HiDream · 文生图' }));
    expect(within(screen.getByLabelText('预设')).getAllByRole('option').map((o) => o.textContent)).toEqual(['不使用预设', '横幅']);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: '另存为预设…' }).disabled).toBe(false);
  });
});
