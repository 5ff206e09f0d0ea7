import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getParam } from '@shared/catalog';
import { summarizeGroup } from '@shared/groups';
import type { GroupRecord } from '@shared/ipc/groups';
import type { Envelope, RequestInput } from '@shared/ipc';
import type { JobPage } from '@shared/ipc/jobs';
import { isFinalStatus, type Job } from '@shared/jobs';
import { startSandbox } from '@main/sandbox';
import { createEngine, type Runtime } from '@main/runtime';
import { createLogger } from '@main/core/log';
import { eventually } from '../support/cli-process';

/*
 * Sets through the runtime's dispatcher, as the compose form sends them, against the built-in sandbox
 * over loopback HTTP, with the jobs in a real SQLite file.
 */
let runtime: Runtime;
let dataDir: string;
const ctx = { origin: 'test' };

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'promptreel-groups-'));
  runtime = createEngine(dataDir, {
    host: { transport: 'browser', log: createLogger({ sink: () => {} }) },
    vendors: { sandbox: () => startSandbox({ timeScale: 0.02 }) },
  });
});

afterAll(async () => {
  await runtime.close();
});

async function submitGroup(input: RequestInput<'jobs.submitGroup'>): Promise<Envelope<GroupRecord>> {
  return (await runtime.dispatch({ name: 'jobs.submitGroup', input }, ctx)) as Envelope<GroupRecord>;
}

async function settled(id: string): Promise<GroupRecord> {
  const read = async (): Promise<GroupRecord> => {
    const answer = (await runtime.dispatch({ name: 'jobs.group', input: { id } }, ctx)) as Envelope<GroupRecord>;
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.value;
  };
  let last = await read();
  await eventually(() => (last.jobs.every((job) => isFinalStatus(job.status)) ? true : (void read().then((r) => (last = r)), undefined)), 60_000, 'every member final');
  return read();
}

function rows(sql: string): unknown[] {
  const db = new DatabaseSync(join(dataDir, 'promptreel.db'), { readOnly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('a set of jobs made by one submit', () => {
  it('makes 4 variations as 4 jobs with their own seeds, which all succeed, and the group says so', async () => {
    const answer = await submitGroup({ operation: 'haiper.generate', params: { prompt: 'a paper boat', settings: { seed: 10 } }, set: { kind: 'seeds', count: 4 } });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    const { group, jobs } = answer.value;
    expect(group).toMatchObject({ operation: 'haiper.generate', kind: 'seeds', size: 4 });
    expect(jobs.map((job) => [job.groupId, job.groupIndex, getParam(job.params, 'settings.seed')])).toEqual([
      [group.id, 0, 10],
      [group.id, 1, 11],
      [group.id, 2, 12],
      [group.id, 3, 13],
    ]);
    const done = await settled(group.id);
    expect(done.jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(summarizeGroup(done.jobs)).toMatchObject({ total: 4, succeeded: 4, state: 'succeeded' });
    // The list the UI loads carries the group on every member.
    const list = (await runtime.dispatch({ name: 'jobs.list', input: {} }, ctx)) as Envelope<JobPage>;
    expect(list.ok && list.value.jobs.filter((job) => job.groupId === group.id)).toHaveLength(4);
  });

  it('keeps going when the vendor refuses one member, and the group says one failed, in the vendor’s words', async () => {
    const answer = await submitGroup({ operation: 'hidream.txt2video', params: {}, set: { kind: 'prompts', text: 'a fox\na kite\na [code] lamp\na dog' } });
    if (!answer.ok) throw new Error(answer.error.message);
    const done = await settled(answer.value.group.id);
    expect(done.jobs.map((job) => job.status)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded']);
    expect(done.jobs[2]?.error?.message).toContain('code 2031: 模型已下线');
    expect(summarizeGroup(done.jobs)).toMatchObject({ total: 4, succeeded: 3, failed: 1, running: 0, state: 'partial' });

    // Retrying the refused member puts the new attempt in its place: still a set of 4.
    const refused = done.jobs[2];
    if (!refused) throw new Error('expected a third member');
    const retried = (await runtime.dispatch({ name: 'jobs.retry', input: { id: refused.id } }, ctx)) as Envelope<Job>;
    if (!retried.ok) throw new Error(retried.error.message);
    expect(retried.value).toMatchObject({ groupId: answer.value.group.id, groupIndex: 2 });
    const again = await settled(answer.value.group.id);
    expect(again.jobs.map((job) => job.id)).toEqual([done.jobs[0]?.id, done.jobs[1]?.id, retried.value.id, done.jobs[3]?.id]);
  });

  it('refuses a set with a bad row, placing it, and stores neither the group nor any member', async () => {
    const before = rows('SELECT id FROM jobs').length;
    const groupsBefore = rows('SELECT id FROM job_groups').length;
    const answer = await submitGroup({ operation: 'haiper.generate', params: { prompt: 'x' }, set: { kind: 'csv', text: 'seed\n1\n-5\n3\n' } });
    expect(answer).toMatchObject({
      ok: false,
      error: { kind: 'invalid_input', message: 'Row 3: Seed must be a whole number from \u22121 to 4,294,967,295.', issues: [{ path: 'rows.3.settings.seed', code: 'too_small' }] },
    });
    expect(rows('SELECT id FROM jobs')).toHaveLength(before);
    expect(rows('SELECT id FROM job_groups')).toHaveLength(groupsBefore);
  });

  it('checks the set in main: a count over the cap is refused by the schema', async () => {
    const answer = await submitGroup({ operation: 'haiper.generate', params: { prompt: 'x' }, set: { kind: 'seeds', count: 51 } });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
  });
});
