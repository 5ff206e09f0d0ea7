import type { Download } from '@shared/downloads';
import type { ErrorInfo } from '@shared/errors';
import type { Job, JobStatus } from '@shared/jobs';
import { promptOf } from '@shared/catalog';

/** The CLI's machine-readable contract: one of these per job per line with `--json`. Keys are fixed. */
export interface JobLine {
  id: string;
  operation: string;
  status: JobStatus;
  error: { kind: ErrorInfo['kind']; message: string } | null;
  outputs: { url: string; path: string | null; bytes: number | null; sha256: string | null }[];
}

export type DownloadLookup = (id: string) => Download | undefined;

/** A queued or running job waiting for a new key (the engine paused its vendor). */
export function isPausedJob(job: Job): boolean {
  return (job.status === 'queued' || job.status === 'running') && job.error?.kind === 'auth';
}

export function jobLine(job: Job, downloads: DownloadLookup): JobLine {
  return {
    id: job.id,
    operation: job.operation,
    status: job.status,
    error: job.error ? { kind: job.error.kind, message: job.error.message } : null,
    outputs: job.outputs.flatMap((output) => {
      if (!output.url) return [];
      const download = output.downloadId ? downloads(output.downloadId) : undefined;
      const done = download?.status === 'completed';
      return [{ url: output.url, path: done ? download.path : null, bytes: done ? download.bytesDone : null, sha256: done ? download.sha256 : null }];
    }),
  };
}

function percent(progress: number): string {
  return `${Math.round(progress * 100)}%`;
}

function excerpt(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** One line per job for people: id, status, operation and where its files are. */
export function humanLine(job: Job, downloads: DownloadLookup): string {
  const line = jobLine(job, downloads);
  const status = job.status === 'running' ? `running ${percent(job.progress)}` : isPausedJob(job) ? `${job.status} (paused)` : job.status;
  const parts = [`${job.id}  ${status}  ${job.operation}`];
  if (job.error) parts.push(`  ${job.error.kind}: ${job.error.message}`);
  else if (job.attention) parts.push(`  ${job.attention}`);
  for (const output of line.outputs) parts.push(`  ${output.path ?? `${output.url} (not downloaded)`}`);
  return parts.join('\n');
}

export function jobsTable(jobs: Job[]): string {
  if (!jobs.length) return 'No jobs yet. Start one with: promptreel run <operation> --params <json>';
  const rows = jobs.map((job) => [
    job.id,
    job.status === 'running' ? `running ${percent(job.progress)}` : isPausedJob(job) ? `${job.status} (paused)` : job.status,
    job.operation,
    new Date(job.createdAt).toISOString().slice(0, 16).replace('T', ' '),
    excerpt(promptOf(job.params)),
  ]);
  const header = ['ID', 'STATUS', 'OPERATION', 'CREATED', 'PROMPT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (r: string[]): string => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [format(header), ...rows.map(format)].join('\n');
}

export function showJob(job: Job, downloads: DownloadLookup): string {
  const lines = [
    `id         ${job.id}`,
    `operation  ${job.operation}`,
    `status     ${job.status}${job.status === 'running' ? ` ${percent(job.progress)}` : ''}${isPausedJob(job) ? ' (paused)' : ''}`,
    `created    ${new Date(job.createdAt).toISOString()}`,
  ];
  if (job.taskId) lines.push(`task       ${job.taskId}`);
  if (job.finishedAt) lines.push(`finished   ${new Date(job.finishedAt).toISOString()}`);
  if (job.error) lines.push(`error      ${job.error.kind}: ${job.error.message}`);
  if (job.attention && job.attention !== job.error?.message) lines.push(`attention  ${job.attention}`);
  lines.push(`params     ${JSON.stringify(job.params)}`);
  if (job.inputFile) lines.push(`file       ${job.inputFile}`);
  for (const output of job.outputs) {
    const download = output.downloadId ? downloads(output.downloadId) : undefined;
    const where = download?.status === 'completed' ? `${download.path ?? ''} (${download.bytesDone} bytes, sha256 ${download.sha256 ?? ''})` : download ? `download ${download.status}` : (output.url ?? '');
    lines.push(`output ${output.index + 1}   ${output.status}${output.error ? ` (${output.error.kind}: ${output.error.message})` : ''}  ${where}`);
  }
  return lines.join('\n');
}
