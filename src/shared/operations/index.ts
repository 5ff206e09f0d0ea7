export * from './spec';
export { OPERATIONS } from './catalog';
export * from './validate';
export * from './describe';

import { OPERATIONS } from './catalog';
import { OPERATION_IDS, type OperationId, type OperationSpec } from './spec';

export function isOperationId(value: unknown): value is OperationId {
  return typeof value === 'string' && (OPERATION_IDS as readonly string[]).includes(value);
}

export function getOperation(id: OperationId): OperationSpec {
  return OPERATIONS[id];
}

/** The prompt of a parameter set, for titles and search; '' when the operation has none. */
export function promptOf(params: Record<string, unknown>): string {
  return typeof params['prompt'] === 'string' ? params['prompt'] : '';
}
