import { randomUUID } from 'node:crypto';
import type { StatementSync } from 'node:sqlite';
import type { SetKind } from '@shared/batch';
import type { OperationId } from '@shared/catalog';
import type { JobGroup } from '@shared/groups';
import { statementCache } from '@main/platform/statements';
import type { Database } from '../db/database';

interface GroupRow {
  id: string;
  operation: string;
  kind: string;
  field: string | null;
  size: number;
  created_at: number;
}

function toGroup(row: GroupRow): JobGroup {
  return { id: row.id, operation: row.operation as OperationId, kind: row.kind as SetKind, field: row.field, size: row.size, createdAt: row.created_at };
}

export type NewGroup = Pick<JobGroup, 'operation' | 'kind' | 'field' | 'size'>;

/** The `job_groups` rows (SQL only); the engine writes one in the same transaction as its members. */
export class GroupRepo {
  private readonly stmt: (sql: string) => StatementSync;

  constructor(db: Database) {
    this.stmt = statementCache(db);
  }

  create(group: NewGroup, now: number): JobGroup {
    const id = randomUUID();
    this.stmt('INSERT INTO job_groups (id, operation, kind, field, size, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, group.operation, group.kind, group.field, group.size, now);
    return { id, ...group, createdAt: now };
  }

  get(id: string): JobGroup | undefined {
    const row = this.stmt('SELECT * FROM job_groups WHERE id = ?').get(id) as GroupRow | undefined;
    return row ? toGroup(row) : undefined;
  }

  /** Member job ids in the set's order. */
  memberIds(id: string): string[] {
    return (this.stmt('SELECT id FROM jobs WHERE group_id = ? ORDER BY group_index').all(id) as { id: string }[]).map((r) => r.id);
  }
}
