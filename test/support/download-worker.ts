/**
 * A download manager in its own process, for the crash test: it opens the data dir's database and either
 * downloads a URL (`<dataDir> <url>`) or picks up what a previous process left (`<dataDir> --resume`).
 * It prints one JSON line per milestone (and per problem reported by a background task) on stdout.
 */
import { join } from 'node:path';
import { openDatabase } from '@main/core/db/database';
import { DownloadManager } from '@main/core/downloads/manager';
import { DEFAULT_FILE_NAME_TEMPLATE } from '@main/core/downloads/naming';
import { createLogger } from '@main/core/log';

const [dataDir, target] = process.argv.slice(2);
if (!dataDir || !target) throw new Error('usage: download-worker <dataDir> <url|--resume>');

const say = (line: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const db = openDatabase(join(dataDir, 'promptreel.db'));
// How long a write waits for another connection's lock before SQLITE_BUSY (tests of a busy database).
const busyTimeout = process.env['WORKER_BUSY_TIMEOUT_MS'];
if (busyTimeout) db.exec(`PRAGMA busy_timeout = ${Number(busyTimeout)}`);
const manager = new DownloadManager({
  db,
  log: createLogger({ level: 'warn', sink: (line) => process.stderr.write(`${line}\n`) }),
  settings: () => ({
    concurrency: 1,
    sizeCapBytes: 1024 ** 3,
    fileNameTemplate: DEFAULT_FILE_NAME_TEMPLATE,
    autoDownload: true,
    directory: join(dataDir, 'library'),
  }),
  onProgress: (progress) => say({ event: 'progress', bytesDone: progress.bytesDone }),
  retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
  onProblem: (problem) => say({ event: 'problem', ...problem }),
});

let id: string;
if (target === '--resume') {
  manager.resume();
  const [pending] = manager.list({ status: ['queued', 'active'] }).downloads;
  if (!pending) throw new Error('nothing to resume');
  id = pending.id;
} else {
  id = manager.enqueueUrl(target, { name: 'crash test' }).id;
}
say({ event: 'enqueued', download: manager.get(id) });
const settled = await manager.whenSettled(id);
say({ event: 'settled', download: settled });
await manager.close();
db.close();
