import { describe, expect, it } from 'vitest';
import type { Job } from '@shared/jobs';
import { ProgressReporter } from '../../src/cli/progress';

function stream(tty: boolean) {
  let text = '';
  return { isTTY: tty, columns: 80, write: (chunk: string) => ((text += chunk), true), get text() { return text; } };
}

const job = (patch: Partial<Job>): Job =>
  ({ id: 'abcdef12-0000', operation: 'hidream.txt2video', status: 'queued', progress: 0, error: null, ...patch }) as Job;

describe('CLI progress on stderr', () => {
  it('writes one plain line per status change when stderr is not a terminal, with the reason for a retry', () => {
    const out = stream(false);
    const reporter = new ProgressReporter(out as unknown as NodeJS.WritableStream);
    reporter.track(job({}));
    reporter.update(job({ status: 'running', progress: 0.2 }));
    reporter.update(job({ status: 'running', progress: 0.5 }));
    reporter.update(job({ status: 'queued', error: { kind: 'rate_limit', message: 'HiDream says slow down' } }));
    reporter.finish();
    expect(out.text).toBe(
      'abcdef12 hidream.txt2video: queued\nabcdef12 hidream.txt2video: running\nabcdef12 hidream.txt2video: queued (will retry: HiDream says slow down)\n',
    );
  });

  it('redraws one bar in place on a terminal and clears it at the end', () => {
    const out = stream(true);
    const reporter = new ProgressReporter(out as unknown as NodeJS.WritableStream);
    reporter.track(job({}));
    reporter.update(job({ status: 'running', progress: 0.5 }));
    reporter.finish();
    expect(out.text).toContain('\r\x1b[2K[████████████░░░░░░░░░░░░]  50% running hidream.txt2video');
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    expect(out.text).not.toContain('\n');
  });
});
