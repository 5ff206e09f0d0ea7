import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
// Through the engine's old import path, so the zombie case runs against the code that used to miss it.
import { isDeadOwner } from '@main/core/owner';
import { isLeaseFree, LeaseTable, ownerName, parseOwner } from '@main/platform/lease';

function state(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * A real zombie: `sh` starts a grandchild, prints its pid and becomes `sleep`, which never reaps it; so
 * once the grandchild is killed with -9 it stays a zombie (as under a container without an init).
 */
async function zombie(): Promise<{ pid: number; release: () => void }> {
  const keeper = spawn('sh', ['-c', 'sleep 300 & echo $!; exec sleep 300'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const first = await createInterface({ input: keeper.stdout })[Symbol.asyncIterator]().next();
  const pid = Number(first.value);
  process.kill(pid, 'SIGKILL');
  await expect.poll(() => state(pid), { timeout: 5_000, interval: 10 }).toBe('Z');
  return { pid, release: () => keeper.kill('SIGKILL') };
}

describe.runIf(process.platform === 'linux')('isDeadOwner on Linux', () => {
  it('treats a process killed with -9 that lingers as a zombie as dead (signal 0 still reaches it)', async () => {
    const { pid, release } = await zombie();
    try {
      // What the old check relied on still succeeds on the zombie:
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(isDeadOwner(`${hostname()}:${pid}:abcd1234`)).toBe(true);
    } finally {
      release();
    }
  });

  it('keeps a live process, this process and other hosts alive; a pid that is gone is dead', async () => {
    const live = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = live.pid ?? 0;
    try {
      expect(isDeadOwner(`${hostname()}:${pid}:abcd1234`)).toBe(false);
      expect(isDeadOwner(`${hostname()}:${process.pid}:abcd1234`)).toBe(false);
      expect(isDeadOwner(`elsewhere:${pid}:abcd1234`)).toBe(false);
      expect(isDeadOwner('not an owner')).toBe(false);
    } finally {
      live.kill('SIGKILL');
    }
    await new Promise((resolve) => live.once('exit', resolve));
    await expect.poll(() => isDeadOwner(`${hostname()}:${pid}:abcd1234`)).toBe(true);
  });
});

describe('lease helper', () => {
  const table = (): { db: DatabaseSync; leases: LeaseTable } => {
    const db = new DatabaseSync(':memory:');
    db.exec("CREATE TABLE work (id TEXT PRIMARY KEY, status TEXT NOT NULL, owner TEXT, lease_until INTEGER)");
    db.exec("INSERT INTO work VALUES ('a', 'active', NULL, NULL), ('b', 'active', 'other', 2000), ('c', 'done', 'other', 0)");
    return { db, leases: new LeaseTable(db, 'work', "status = 'active'") };
  };
  const alive = (): boolean => false;

  it('claims a free row, not a live holder’s, and a lapsed or dead holder’s', () => {
    const { leases } = table();
    expect(leases.claim('a', 'me', 5000, 1000, alive)).toBe(true);
    expect(leases.claim('b', 'me', 5000, 1000, alive)).toBe(false);
    expect(leases.claim('b', 'me', 5000, 2001, alive)).toBe(true);
    // Finished rows are nobody's business.
    expect(leases.claim('c', 'me', 5000, 9999, alive)).toBe(false);
    const { leases: again } = table();
    expect(again.claim('b', 'me', 5000, 1000, (owner) => owner === 'other')).toBe(true);
    expect(again.holders()).toEqual([
      { id: 'a', owner: null, leaseUntil: null },
      { id: 'b', owner: 'me', leaseUntil: 5000 },
    ]);
  });

  it('takes over only as seen: a holder that renewed meanwhile keeps its row, and of two claimers one wins', () => {
    const { leases } = table();
    const seen = leases.holder('b');
    expect(seen).toEqual({ owner: 'other', leaseUntil: 2000 });
    expect(leases.renew('other', 3000)).toEqual(new Set(['b']));
    expect(leases.takeOver('b', seen ?? { owner: null, leaseUntil: null }, { owner: 'me', lease_until: 9000 })).toBe(false);
    const now = leases.holder('b') ?? { owner: null, leaseUntil: null };
    expect(leases.takeOver('b', now, { status: 'active', owner: 'x', lease_until: 9000 })).toBe(true);
    expect(leases.takeOver('b', now, { owner: 'y', lease_until: 9000 })).toBe(false);
    expect(leases.holder('b')).toEqual({ owner: 'x', leaseUntil: 9000 });
  });

  it('renews one row or all of an owner’s, and releases them all', () => {
    const { leases } = table();
    leases.claim('a', 'me', 5000, 1000, alive);
    leases.claim('b', 'me', 5000, 3000, alive);
    expect(leases.renew('me', 8000, 'a')).toEqual(new Set(['a']));
    expect(leases.holders().map((h) => h.leaseUntil)).toEqual([8000, 5000]);
    expect(leases.renew('me', 9000)).toEqual(new Set(['a', 'b']));
    expect(leases.renew('nobody', 9000)).toEqual(new Set());
    leases.release('me');
    expect(leases.holders()).toEqual([
      { id: 'a', owner: null, leaseUntil: null },
      { id: 'b', owner: null, leaseUntil: null },
    ]);
  });

  it('names owners host:pid:nonce, and says when a lease is free', () => {
    const name = ownerName();
    expect(parseOwner(name)).toEqual({ host: hostname(), pid: process.pid });
    expect(parseOwner('garbage')).toBe(null);
    expect(isLeaseFree({ owner: null, leaseUntil: null }, 'me', 0, alive)).toBe(true);
    expect(isLeaseFree({ owner: 'me', leaseUntil: 10 }, 'me', 0, alive)).toBe(true);
    expect(isLeaseFree({ owner: 'x', leaseUntil: 10 }, 'me', 5, alive)).toBe(false);
    expect(isLeaseFree({ owner: 'x', leaseUntil: 10 }, 'me', 11, alive)).toBe(true);
  });
});
