import type { Job, JobStatus } from '@shared/jobs';

interface Seen {
  status: JobStatus;
  progress: number;
  operation: string;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, otherwise one plain line per status change
 * (log files and CI stay readable). Results never go here.
 */
export class ProgressReporter {
  private readonly jobs = new Map<string, Seen>();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly enabled = true,
  ) {}

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  track(job: Job): void {
    this.jobs.set(job.id, { status: job.status, progress: job.progress, operation: job.operation });
    if (!this.tty) this.line(`${job.id.slice(0, 8)} ${job.operation}: ${job.status}`);
    this.draw(true);
  }

  update(job: Pick<Job, 'id' | 'status' | 'progress'> & { error?: Job['error'] }): void {
    const seen = this.jobs.get(job.id);
    if (!seen) return;
    const changed = seen.status !== job.status;
    seen.status = job.status;
    seen.progress = job.progress;
    if (changed) {
      // A job back in the queue says why (rate limit, vendor unreachable) and that it will try again.
      const why = job.status === 'queued' && job.error ? ` (will retry: ${job.error.message})` : '';
      if (why && this.tty) this.note(`${job.id.slice(0, 8)} ${seen.operation}: queued${why}`);
      else if (!this.tty) this.line(`${job.id.slice(0, 8)} ${seen.operation}: ${job.status}${why}`);
    }
    this.draw(changed);
  }

  /** A message for people (a pause, a hint), kept clear of the bar. */
  note(text: string): void {
    this.clear();
    if (this.enabled) this.stream.write(`${text}\n`);
    this.draw(true);
  }

  finish(): void {
    this.clear();
  }

  private line(text: string): void {
    if (this.enabled) this.stream.write(`${text}\n`);
  }

  private clear(): void {
    if (this.drawn && this.enabled) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.tty || !this.enabled || !this.jobs.size) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const all = [...this.jobs.values()];
    const progress = all.reduce((sum, j) => sum + (j.status === 'succeeded' || j.status === 'partial' ? 1 : j.progress), 0) / all.length;
    const width = 24;
    const filled = Math.round(progress * width);
    const counts = new Map<JobStatus, number>();
    for (const j of all) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
    const summary = all.length === 1 ? `${all[0]?.status ?? ''} ${all[0]?.operation ?? ''}` : [...counts].map(([s, n]) => `${n} ${s}`).join(' · ');
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(Math.round(progress * 100)).padStart(3)}% ${summary}`;
    this.stream.write(`\r\x1b[2K${text.slice(0, (this.stream.columns ?? 100) - 1)}`);
    this.drawn = true;
  }
}
