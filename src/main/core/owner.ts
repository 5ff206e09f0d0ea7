import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Names a worker (a job engine, a downloader) in leases stored in the database: `host:pid:nonce`, so a
 * process on this machine can tell a crashed owner from a live one.
 */
export function ownerName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when `owner` names a process on this machine that no longer exists (it crashed or was killed). */
export function isDeadOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
