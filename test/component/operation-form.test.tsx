// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPERATION_IDS, OPERATIONS, type OperationId } from '@shared/catalog';
import { OperationForm, type Submission } from '@renderer/features/compose/OperationForm';
import { paramsToDraft } from '@renderer/features/compose/model';
import { setLanguage } from './harness';

afterEach(async () => {
  await setLanguage('en');
});

function renderForm(operation: OperationId, onSubmit = vi.fn<(s: Submission) => Promise<void>>(() => Promise.resolve())) {
  const spec = OPERATIONS[operation];
  const view = render(<OperationForm spec={spec} onSubmit={onSubmit} pickFromLibrary={() => Promise.resolve(undefined)} />);
  return { spec, onSubmit, view };
}

/** A field's control by its accessible name: a fieldset (option groups) or a labelled input. */
function control(label: string): HTMLElement {
  return screen.queryByRole('group', { name: label }) ?? screen.getByLabelText(label);
}

const submitButton = (name = 'Submit'): HTMLElement => screen.getByRole('button', { name });

describe('the form generator', () => {
  it.each(OPERATION_IDS)('renders every field of %s with its label and help', (operation) => {
    const { spec } = renderForm(operation);
    expect(screen.getByRole('form', { name: spec.title.en })).toBeTruthy();
    for (const field of spec.fields) {
      const label = field.label.en;
      const element = control(label);
      expect(element, `${operation}.${field.key}`).toBeTruthy();
      expect(screen.getAllByText(field.help.en).length).toBeGreaterThan(0);
    }
  });

  it('draws each field type as its presentation asks', () => {
    renderForm('hidream.txt2video');
    expect(screen.getByLabelText('Prompt').tagName).toBe('TEXTAREA');
    expect(within(control('Resolution')).getAllByRole('radio')).toHaveLength(3);
    expect(screen.getByLabelText('Horizontal camera move').getAttribute('type')).toBe('range');
    expect(screen.getByLabelText('Horizontal camera move').getAttribute('min')).toBe('-5');
    expect(screen.getByLabelText('Horizontal camera move').getAttribute('max')).toBe('5');
    // Motion strength must be above 0, so the slider starts one step up.
    expect(screen.getByLabelText('Motion strength').getAttribute('min')).toBe('0.5');
    cleanupAnd(() => renderForm('hidream.video_stylize'));
    const gallery = control('Style');
    expect(within(gallery).getByRole('radio', { name: /Ink wash · 水墨/ })).toBeTruthy();
    expect(screen.getByLabelText('Choose file…').getAttribute('type')).toBe('file');
    cleanupAnd(() => renderForm('haiper.generate'));
    expect(screen.getByLabelText('Source image').getAttribute('type')).toBe('url');
    expect(screen.getByRole('button', { name: 'From library…' })).toBeTruthy();
    expect(within(control('Duration')).getAllByRole('radio').map((r) => r.closest('label')?.textContent)).toEqual(['2 s', '4 s', '8 s']);
  });

  it('shows the spec’s message under an out-of-range number and keeps submit disabled', async () => {
    renderForm('haiper.generate');
    await userEvent.type(screen.getByLabelText('Prompt'), 'a lighthouse at dusk');
    await waitFor(() => expect(submitButton().hasAttribute('disabled')).toBe(false));
    const seed = screen.getByLabelText('Seed');
    expect((seed as HTMLInputElement).value).toBe('-1');
    await userEvent.clear(seed);
    await userEvent.type(seed, '99999999999');
    const message = await screen.findByText('Seed must be a whole number from −1 to 4,294,967,295.');
    expect(message.getAttribute('role')).toBe('alert');
    expect(seed.getAttribute('aria-invalid')).toBe('true');
    expect(seed.getAttribute('aria-describedby')).toContain(message.id);
    expect(submitButton().hasAttribute('disabled')).toBe(true);
  });

  it('applies the at-least-one rule: a style or a prompt', async () => {
    const { onSubmit } = renderForm('hidream.video_stylize');
    await userEvent.type(screen.getByLabelText('Source video'), 'https://example.com/clip.mp4');
    await userEvent.type(screen.getByLabelText('Prompt'), 'x');
    await userEvent.clear(screen.getByLabelText('Prompt'));
    expect(await screen.findByText('Choose a style or write a prompt (or both).')).toBeTruthy();
    expect(submitButton().hasAttribute('disabled')).toBe(true);

    await userEvent.click(within(control('Style')).getByRole('radio', { name: /Ink wash/ }));
    await waitFor(() => expect(screen.queryByText('Choose a style or write a prompt (or both).')).toBeNull());
    await waitFor(() => expect(submitButton().hasAttribute('disabled')).toBe(false));
    await userEvent.click(submitButton());
    expect(onSubmit).toHaveBeenCalledTimes(1);
    // The emptied prompt stays out, as the CLI leaves it out: "" beside a style could be read as prompt mode.
    expect(onSubmit.mock.calls[0]?.[0].params).toEqual({ video_name: 'https://example.com/clip.mp4', style: 'ink_wash' });
  });

  it('leaves every blank optional field out of a Haiper clip (no "negativePrompt": "")', async () => {
    const { onSubmit } = renderForm('haiper.generate');
    await userEvent.type(screen.getByLabelText('Prompt'), 'a kite');
    await waitFor(() => expect(submitButton().hasAttribute('disabled')).toBe(false));
    await userEvent.click(submitButton());
    const params = onSubmit.mock.calls[0]?.[0].params ?? {};
    expect(params['prompt']).toBe('a kite');
    expect(params).not.toHaveProperty('negativePrompt');
    expect(JSON.stringify(params)).not.toContain('""');
  });

  it('names what is still missing instead of showing errors on untouched fields', () => {
    renderForm('haiper.upscale');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Still needed: Source video')).toBeTruthy();
    expect(submitButton().hasAttribute('disabled')).toBe(true);
  });

  it('submits with Ctrl+Enter, every default filled in', async () => {
    const { onSubmit } = renderForm('hidream.txt2video');
    const prompt = screen.getByLabelText('Prompt');
    await userEvent.type(prompt, 'a paper boat on a river');
    fireEvent.change(screen.getByLabelText('Depth camera move'), { target: { value: '-3' } });
    await userEvent.click(within(control('Resolution')).getByRole('radio', { name: /1280 × 720/ }));
    prompt.focus();
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit.mock.calls[0]?.[0].params).toEqual({
      prompt: 'a paper boat on a river',
      negative_prompt: '',
      version: 'v2',
      resolution: '1280*720',
      camera_move_horizontal: 0,
      camera_move_vertical: 0,
      camera_move_depth: -3,
      motion_strength: 9,
    });
  });

  it('does not submit invalid input with Ctrl+Enter; it reveals every problem instead', async () => {
    const { onSubmit } = renderForm('haiper.extend');
    screen.getByLabelText('Prompt').focus();
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByText('Source video is required.')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('words every problem with the field’s label, never its wire key: a range, a choice, a required field, a URL', async () => {
    // A job made when 3-second clips existed, duplicated now: its duration is no longer one of the choices.
    const spec = OPERATIONS['haiper.generate'];
    const draft = paramsToDraft(spec, { prompt: '', config: { sourceImage: 'cat.png' }, settings: { seed: -2, duration: 3 } });
    const onSubmit = vi.fn(() => Promise.resolve());
    render(<OperationForm spec={spec} initial={draft} onSubmit={onSubmit} />);
    screen.getByLabelText('Prompt').focus();
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByText('Seed must be a whole number from −1 to 4,294,967,295.')).toBeTruthy();
    expect(screen.getByText('Duration must be one of: 2 s, 4 s, 8 s.')).toBeTruthy();
    expect(screen.getByText('Prompt is required.')).toBeTruthy();
    expect(screen.getByText('Source image must be a public http(s) URL.')).toBeTruthy();
    const alerts = screen.getAllByRole('alert').map((a) => a.textContent).join(' ');
    expect(alerts).not.toMatch(/settings\.|config\.|sourceImage|seed\b/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('words an issue main sends back in the UI’s language, from its code', async () => {
    await setLanguage('zh-CN');
    const { IpcError } = await import('@renderer/lib/ipc');
    const onSubmit = vi.fn(() =>
      Promise.reject(
        new IpcError({
          kind: 'invalid_input',
          message: 'Duration must be one of: 2 s, 4 s, 8 s.',
          issues: [{ path: 'settings.duration', code: 'not_one_of', message: 'Duration must be one of: 2 s, 4 s, 8 s.' }],
        }),
      ),
    );
    renderForm('haiper.generate', onSubmit);
    await userEvent.type(screen.getByLabelText('提示词'), 'ok');
    await waitFor(() => expect(submitButton('提交').hasAttribute('disabled')).toBe(false));
    await userEvent.click(submitButton('提交'));
    expect(await screen.findByText('时长必须是以下之一：2 秒、4 秒、8 秒。')).toBeTruthy();
  });

  it('words a refusal about no field (a file the operation cannot take) in the UI’s language too', async () => {
    await setLanguage('zh-CN');
    const { IpcError } = await import('@renderer/lib/ipc');
    const english = 'Haiper · Generate video does not take a local file (only HiDream · Stylize a video does).';
    const onSubmit = vi.fn(() =>
      Promise.reject(new IpcError({ kind: 'invalid_input', message: english, issues: [{ path: 'file', code: 'file_not_accepted', message: english }] })),
    );
    renderForm('haiper.generate', onSubmit);
    await userEvent.type(screen.getByLabelText('提示词'), 'ok');
    await waitFor(() => expect(submitButton('提交').hasAttribute('disabled')).toBe(false));
    await userEvent.click(submitButton('提交'));
    expect(await screen.findByText(/Haiper · 生成视频不接受本地文件（只有HiDream · 视频风格化接受）。/)).toBeTruthy();
    expect(screen.queryByText(new RegExp(english.replace(/[.()]/g, '\\$&')))).toBeNull();
  });

  it('shows issues main returns under their fields', async () => {
    const { IpcError } = await import('@renderer/lib/ipc');
    const onSubmit = vi.fn(() =>
      Promise.reject(new IpcError({ kind: 'invalid_input', message: 'bad', issues: [{ path: 'params.prompt', message: 'The vendor refused this prompt.' }] })),
    );
    renderForm('haiper.generate', onSubmit);
    await userEvent.type(screen.getByLabelText('Prompt'), 'ok');
    await waitFor(() => expect(submitButton().hasAttribute('disabled')).toBe(false));
    await userEvent.click(submitButton());
    expect(await screen.findByText('The vendor refused this prompt.')).toBeTruthy();
  });

  it('refills a job’s parameters for duplicate-and-edit', () => {
    const spec = OPERATIONS['haiper.extend'];
    const draft = paramsToDraft(spec, {
      config: { sourceVideo: 'https://cdn.example/clip.mp4', extendDuration: 2 },
      prompt: 'keep walking',
      negativePrompt: '',
      settings: { seed: 42, guidanceScale: 9 },
    });
    render(<OperationForm spec={spec} initial={draft} onSubmit={() => Promise.resolve()} />);
    expect(screen.getByLabelText<HTMLInputElement>('Source video').value).toBe('https://cdn.example/clip.mp4');
    expect(screen.getByLabelText<HTMLTextAreaElement>('Prompt').value).toBe('keep walking');
    expect(screen.getByLabelText<HTMLInputElement>('Seed').value).toBe('42');
    expect(screen.getByLabelText<HTMLInputElement>('Guidance scale').value).toBe('9');
    expect(within(control('Extend by')).getByRole<HTMLInputElement>('radio', { name: '+2 s' }).checked).toBe(true);
  });

  it('speaks 简体中文: labels from the spec, messages rebuilt from it', async () => {
    await setLanguage('zh-CN');
    renderForm('haiper.generate');
    expect(screen.getByLabelText('提示词')).toBeTruthy();
    expect(control('画面比例')).toBeTruthy();
    expect(screen.getByRole('button', { name: '提交' })).toBeTruthy();
    await userEvent.clear(screen.getByLabelText('随机种子'));
    await userEvent.type(screen.getByLabelText('随机种子'), '-7');
    expect(await screen.findByText('随机种子须为 −1 到 4,294,967,295 之间的整数。')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('提示词'), 'x');
    await userEvent.clear(screen.getByLabelText('提示词'));
    expect(await screen.findByText('请填写提示词。')).toBeTruthy();
  });
});

function cleanupAnd(next: () => void): void {
  cleanup();
  next();
}
