import type { Envelope, RequestName, RequestOutput } from '@shared/ipc';
import type { Runtime } from '@main/runtime';

/** A typed request to a runtime, as the renderer makes it through the dispatcher. */
export type Call = <N extends RequestName>(name: N, input: unknown) => Promise<Envelope<RequestOutput<N>>>;

export function caller(runtime: Runtime): Call {
  return (name, input) => runtime.dispatch({ name, input }, { origin: 'test' }) as Promise<Envelope<RequestOutput<typeof name>>>;
}

/** The envelope's value; a refusal throws with its kind and words. */
export function value<T>(envelope: Envelope<T>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.kind}: ${envelope.error.message}`);
  return envelope.value;
}
