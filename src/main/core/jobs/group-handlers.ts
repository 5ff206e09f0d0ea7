import { expandSet, formatSetIssue, setIssueCode, setIssuePath, type SetSpec } from '@shared/batch';
import { OPERATIONS } from '@shared/catalog';
import { AppError } from '@shared/errors';
import type { HandlersFor } from '../ipc/dispatcher';
import type { JobEngine } from './engine';

export type GroupsRequest = 'jobs.submitGroup' | 'jobs.group';

/** The group's own row: what the set varied, for lists and the CLI. */
function fieldOf(set: SetSpec): string | null {
  return set.kind === 'values' ? set.field : null;
}

/** The `jobs.submitGroup` / `jobs.group` handlers; input is already schema-checked by the dispatcher. */
export function groupHandlers(engine: JobEngine): HandlersFor<GroupsRequest> {
  return {
    'jobs.submitGroup': async (input) => {
      const spec = OPERATIONS[input.operation];
      const hasFile = input.file !== undefined;
      const expanded = expandSet(input.operation, input.params, input.set, engine.validationContext(input.operation, hasFile));
      if (!expanded.ok) {
        const issues = expanded.issues.map((issue) => ({ path: setIssuePath(issue), code: setIssueCode(issue), message: formatSetIssue(spec, issue, 'en') }));
        throw new AppError('invalid_input', issues.map((issue) => issue.message).join(' '), { issues });
      }
      return engine.submitGroup(
        { operation: input.operation, kind: input.set.kind, field: fieldOf(input.set) },
        expanded.members.map((member) => ({
          operation: input.operation,
          params: member.params,
          ...(input.file ? { file: input.file } : {}),
          ...(input.parentItemId ? { parentItemId: input.parentItemId } : {}),
        })),
      );
    },
    'jobs.group': ({ id }) => engine.group(id),
  };
}
