import { resolve } from 'node:path';
import { isAppError } from '@shared/errors';
import type { ReelExportProgress, ReelSummary } from '@shared/reels';
import type { Logger } from '@main/core/log';
import type { Runtime } from '@main/runtime';
import { EXIT, UsageError } from './usage';

/** `promptreel reel list` and `promptreel reel export <reel> [--out file.mp4]`, over the app's engine. */
export type ReelCommand = { name: 'reel'; action: 'list'; json: boolean } | { name: 'reel'; action: 'export'; reel: string; out: string | undefined; json: boolean };

export function parseReelCommand(rest: readonly string[], values: { out?: string | undefined; json?: boolean | undefined }, cwd: string): ReelCommand {
  const [action, reel, extra] = rest;
  const json = values.json ?? false;
  if (action === 'list') {
    if (reel !== undefined) throw new UsageError(`Unexpected argument "${reel}" for "promptreel reel list".`);
    if (values.out !== undefined) throw new UsageError('--out is not an option of "promptreel reel list".');
    return { name: 'reel', action, json };
  }
  if (action !== 'export') throw new UsageError(`reel: unknown action "${action ?? ''}"; one of list, export.`);
  if (reel === undefined || reel.trim() === '') throw new UsageError('reel: which reel to export is missing (its id or its exact name; see promptreel reel list).');
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}" for "promptreel reel export".`);
  if (values.out !== undefined && !/\.mp4$/i.test(values.out)) throw new UsageError(`--out: an export is an MP4 file; name it ….mp4 (got "${values.out}").`);
  return { name: 'reel', action, reel, out: values.out === undefined ? undefined : resolve(cwd, values.out), json };
}

export interface ReelIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal | undefined;
}

function findReel(reels: readonly ReelSummary[], wanted: string): ReelSummary {
  const byId = reels.find((r) => r.id === wanted);
  if (byId) return byId;
  const named = reels.filter((r) => r.name === wanted);
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) throw new UsageError(`reel: ${named.length} reels are named “${wanted}” (ids ${named.map((r) => r.id).join(', ')}); give its id.`);
  throw new UsageError(`reel: no reel with id or name “${wanted}” (see promptreel reel list).`);
}

function seconds(value: number): string {
  return `${value.toFixed(1)} s`;
}

/** Progress on stderr: one line rewritten in a terminal, a line per tenth otherwise (logs, CI). */
function reporter(io: ReelIo, name: string): (p: ReelExportProgress) => void {
  let lastTenth = -1;
  return (p) => {
    if (p.phase !== 'encoding') return;
    const percent = Math.floor(p.fraction * 100);
    const line = `Exporting “${name}”: ${percent}% (${seconds(p.outSeconds)} of ${seconds(p.totalSeconds)}${p.speed ? `, ${p.speed.toFixed(1)}× real time` : ''})`;
    if (io.stderr.isTTY) io.stderr.write(`\r${line}\u001b[K`);
    else if (Math.floor(percent / 10) > lastTenth) {
      lastTenth = Math.floor(percent / 10);
      io.stderr.write(`${line}\n`);
    }
  };
}

export async function runReelCommand(command: ReelCommand, engine: Runtime, io: ReelIo, log: Logger): Promise<number> {
  const reels = engine.reels.list();
  if (command.action === 'list') {
    if (command.json) io.stdout.write(reels.map((r) => `${JSON.stringify(r)}\n`).join(''));
    else if (!reels.length) io.stderr.write('No reels yet: make one in the app’s Reels section.\n');
    else io.stdout.write(`${reels.map((r) => `${r.id}\t${r.name}\t${r.resolution.width}×${r.resolution.height}\t${r.shotCount} shots\t${r.durationSeconds === null ? '?' : seconds(r.durationSeconds)}`).join('\n')}\n`);
    return EXIT.ok;
  }
  const reel = findReel(reels, command.reel);
  const report = reporter(io, reel.name);
  const unsubscribe = engine.events.subscribe((name, payload) => {
    if (name === 'reels.exportProgress') report(payload as ReelExportProgress);
  });
  try {
    let run;
    try {
      run = await engine.exporter.start(reel.id, command.out ? { out: command.out } : {});
    } catch (error) {
      if (!isAppError(error)) throw error;
      const lines = error.issues?.length ? error.issues.map((i) => `  ${i.message}`).join('\n') : `  ${error.message}`;
      io.stderr.write(`promptreel: the reel “${reel.name}” cannot be exported; nothing was written:\n${lines}\n`);
      return error.kind === 'invalid_input' && !error.issues?.length ? EXIT.usage : EXIT.failed;
    }
    const onAbort = (): void => void engine.exporter.cancel(run.start.exportId);
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const end = await run.finished;
    io.signal?.removeEventListener('abort', onAbort);
    if (io.stderr.isTTY) io.stderr.write('\n');
    if (end.phase === 'done') {
      for (const warning of end.warnings ?? []) io.stderr.write(`promptreel: ${warning}\n`);
      io.stdout.write(
        command.json
          ? `${JSON.stringify({ reelId: reel.id, path: end.path, itemId: end.itemId, seconds: end.totalSeconds, shotListJson: end.shotListJson, shotListCsv: end.shotListCsv })}\n`
          : `${end.path ?? ''}\n`,
      );
      return EXIT.ok;
    }
    if (end.phase === 'canceled') {
      io.stderr.write('promptreel: export canceled; no file was left behind.\n');
      return 130;
    }
    log.debug('reel export failed', { error: end.error });
    io.stderr.write(`promptreel: the export failed and no file was left behind: ${end.error?.message ?? 'unknown error'}\n`);
    return EXIT.failed;
  } finally {
    unsubscribe();
  }
}
