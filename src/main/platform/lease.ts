import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { statementCache } from './statements';

/*
 * Leases: how several processes sharing one database (the app, a CLI run, a crashed run's leftovers)
 * agree on who works on a row. A row names its owner and the time its claim lapses; the owner renews
 * it while it works. Another process takes a row over only when nobody holds it: no owner, a lapsed
 * lease, or an owner on this machine that is dead.
 */

/**
 * Names a worker (a job engine, a downloader) in leases: `host:pid:nonce`, so a process on this machine
 * can tell a crashed owner from a live one, and two workers of one process stay apart.
 */
export function ownerName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The host and process an owner name points at (null when it is not one of ours). */
export function parseOwner(owner: string): { host: string; pid: number } | null {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (!host || !Number.isInteger(pid) || pid <= 0) return null;
  return { host, pid };
}

/**
 * True when `owner` names a process on this machine that no longer runs: it exited, crashed or was
 * killed. A process killed with -9 stays a zombie until its parent reaps it (seconds on a desktop,
 * forever in a container without an init), and signal 0 still reaches a zombie; so on Linux the state
 * in /proc decides. Elsewhere (macOS, Windows) a zombie counts as alive, and its lease has to lapse.
 */
export function isDeadOwner(owner: string): boolean {
  const parsed = parseOwner(owner);
  if (!parsed || parsed.host !== hostname() || parsed.pid === process.pid) return false;
  try {
    process.kill(parsed.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    // EPERM: it exists (another user's process), so only its state can tell.
  }
  return isZombie(parsed.pid);
}

/** Linux only: the process has exited and only waits to be reaped (state Z), or is being torn down (X). */
export function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // Gone between the two looks.
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
  // `pid (comm) S …`: the name may hold spaces and parentheses, the state follows the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

export interface LeaseHolder {
  owner: string | null;
  leaseUntil: number | null;
}

/** Whether `me` may take a row held by `holder`: nobody holds it, it is mine, the lease lapsed, or its owner died. */
export function isLeaseFree(holder: LeaseHolder, me: string, now: number, isDead: (owner: string) => boolean = isDeadOwner): boolean {
  return holder.owner === null || holder.owner === me || (holder.leaseUntil ?? 0) < now || isDead(holder.owner);
}

/**
 * The lease SQL for one table with `id`, `owner` and `lease_until` columns. `active` is the SQL condition
 * of rows whose lease matters (e.g. unfinished jobs, running downloads). The table and condition are
 * code, never input.
 */
export class LeaseTable {
  private readonly stmt: (sql: string) => StatementSync;

  constructor(
    db: DatabaseSync,
    private readonly table: string,
    private readonly active: string,
  ) {
    this.stmt = statementCache(db);
  }

  /** Rows in the active state with their holders, in rowid order unless `orderBy` says otherwise. */
  holders(orderBy = 'rowid'): (LeaseHolder & { id: string })[] {
    const rows = this.stmt(`SELECT id, owner, lease_until FROM ${this.table} WHERE ${this.active} ORDER BY ${orderBy}`).all() as unknown as {
      id: string;
      owner: string | null;
      lease_until: number | null;
    }[];
    return rows.map((r) => ({ id: r.id, owner: r.owner, leaseUntil: r.lease_until }));
  }

  holder(id: string): LeaseHolder | undefined {
    const row = this.stmt(`SELECT owner, lease_until FROM ${this.table} WHERE id = ? AND ${this.active}`).get(id) as
      | { owner: string | null; lease_until: number | null }
      | undefined;
    return row ? { owner: row.owner, leaseUntil: row.lease_until } : undefined;
  }

  /**
   * Writes `set` to the row only if it is still held as `seen`: two processes taking a row over at once
   * cannot both win, and a holder that renewed meanwhile keeps it. Returns whether this caller won.
   */
  takeOver(id: string, seen: LeaseHolder, set: Record<string, SQLInputValue>): boolean {
    const entries = Object.entries(set);
    const sql =
      `UPDATE ${this.table} SET ${entries.map(([column]) => `${column} = ?`).join(', ')} ` +
      `WHERE id = ? AND ${this.active} AND owner IS ? AND lease_until IS ?`;
    return this.stmt(sql).run(...entries.map(([, value]) => value), id, seen.owner, seen.leaseUntil).changes > 0;
  }

  /** Takes the row for `me` until `until` if it is free (see `isLeaseFree`); returns whether it is now mine. */
  claim(id: string, me: string, until: number, now: number, isDead: (owner: string) => boolean = isDeadOwner): boolean {
    const seen = this.holder(id);
    if (!seen || !isLeaseFree(seen, me, now, isDead)) return false;
    return this.takeOver(id, seen, { owner: me, lease_until: until });
  }

  /** Extends `owner`'s leases (only the row `id`, if given); returns the ids it still holds. */
  renew(owner: string, until: number, id?: string): Set<string> {
    const only = id === undefined ? '' : ' AND id = ?';
    const rows = this
      .stmt(`UPDATE ${this.table} SET lease_until = ? WHERE owner = ? AND ${this.active}${only} RETURNING id`)
      .all(until, owner, ...(id === undefined ? [] : [id])) as unknown as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /** Lets other processes take `owner`'s rows at once (a clean shutdown). */
  release(owner: string): void {
    this.stmt(`UPDATE ${this.table} SET owner = NULL, lease_until = NULL WHERE owner = ?`).run(owner);
  }
}
