import type { DatabaseSync } from 'node:sqlite';

/** One step of the schema's history (see migrations.ts); each domain's steps live in schema/. */
export interface Migration {
  /** What the step does, for humans reading the list. */
  name: string;
  up(db: DatabaseSync): void;
}
