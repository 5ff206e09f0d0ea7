import { VENDOR_IDS } from '@shared/catalog';
import type { VendorStates } from '@shared/ipc/jobs';
import type { HandlersFor } from '../ipc/dispatcher';
import type { VendorRegistry } from '../vendors/registry';
import type { JobEngine } from './engine';

export type JobsRequest = 'jobs.submit' | 'jobs.list' | 'jobs.get' | 'jobs.cancel' | 'jobs.retry' | 'jobs.resolve' | 'jobs.delete' | 'jobs.clearFinished' | 'jobs.vendors';

export function vendorStates(engine: JobEngine, vendors: VendorRegistry): VendorStates {
  return Object.fromEntries(VENDOR_IDS.map((vendor) => [vendor, { mode: vendors.mode(vendor), paused: engine.isPaused(vendor) }])) as VendorStates;
}

/** The `jobs.*` slice of the IPC handlers; input is already schema-checked by the dispatcher. */
export function jobsHandlers(engine: JobEngine, vendors: VendorRegistry): HandlersFor<JobsRequest> {
  return {
    'jobs.submit': (input) =>
      engine.submit({
        operation: input.operation,
        params: input.params,
        ...(input.file ? { file: input.file } : {}),
        ...(input.parentItemId ? { parentItemId: input.parentItemId } : {}),
      }),
    'jobs.list': (input) => engine.list(input.status ? { status: input.status, offset: input.offset, limit: input.limit } : { offset: input.offset, limit: input.limit }),
    'jobs.get': ({ id }) => engine.get(id),
    'jobs.cancel': ({ id }) => engine.cancel(id),
    'jobs.retry': ({ id }) => engine.retry(id),
    'jobs.resolve': ({ id, action }) => engine.resolve(id, action),
    'jobs.delete': ({ id }) => ({ ids: engine.deleteFinished([id]) }),
    'jobs.clearFinished': () => ({ ids: engine.deleteFinished() }),
    'jobs.vendors': () => vendorStates(engine, vendors),
  };
}
