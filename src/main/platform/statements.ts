import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * Prepares each SQL text once per connection and hands back the same statement after: the stores'
 * queries are fixed texts, and preparing is the costly part of a small query.
 */
export function statementCache(db: DatabaseSync): (sql: string) => StatementSync {
  const statements = new Map<string, StatementSync>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
