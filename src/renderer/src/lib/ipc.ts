import type { ErrorInfo } from '@shared/errors';
import type { EventName, EventPayload, RequestInput, RequestName, RequestOutput } from '@shared/ipc';

/** A failed call, carrying main's typed error so views can show the right words and action. */
export class IpcError extends Error {
  readonly info: ErrorInfo;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'IpcError';
    this.info = info;
  }
}

/** The renderer's one way to call main: typed by the shared channel map, errors as exceptions. */
export async function call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
  const envelope = await window.api.invoke(name, input);
  if (!envelope.ok) throw new IpcError(envelope.error);
  return envelope.value;
}

export function subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return window.api.on(name, listener);
}
