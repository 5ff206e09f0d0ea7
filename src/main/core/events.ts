import type { EventName, EventPayload } from '@shared/ipc';

export type EventListener = (name: EventName, payload: unknown) => void;

/** Main-side fan-out of typed events; each host subscribes once and forwards to its renderers. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One event, typed: for in-process listeners (the CLI), where hosts forward every frame with `subscribe`. */
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.subscribe((emitted, payload) => {
      if (emitted === name) listener(payload as EventPayload<E>);
    });
  }
}
