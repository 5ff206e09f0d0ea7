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
}
