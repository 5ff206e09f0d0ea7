import { act, cleanup, configure } from '@testing-library/react';
import i18next from 'i18next';
import { afterEach } from 'vitest';
import type { Api, Envelope, EventName, EventPayload, RequestName } from '@shared/ipc';
import type { Locale } from '@shared/i18n-text';
import type { Job, JobOutput } from '@shared/jobs';
import { initI18n } from '@renderer/i18n';

initI18n('en');
// Two cores shared with other work: give async queries room before calling a slow render a failure.
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => {
  cleanup();
});

export async function setLanguage(locale: Locale): Promise<void> {
  await act(async () => {
    await i18next.changeLanguage(locale);
  });
}

type Handler = (input: never) => unknown;

export interface FakeApi {
  calls: { name: string; input: unknown }[];
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/**
 * A stand-in for the preload's `window.api`: requests go to the given handlers (an unknown one fails
 * like main would), events are pushed with `emit`.
 */
export function installApi(handlers: Partial<Record<RequestName, Handler>> = {}): FakeApi {
  const calls: FakeApi['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: Api = {
    invoke: (async (name: RequestName, input: unknown): Promise<Envelope<unknown>> => {
      calls.push({ name, input });
      const handler = handlers[name] as ((input: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { kind: 'internal', message: `${name} is not available in this test.` } };
      try {
        return { ok: true, value: await handler(input) };
      } catch (error) {
        return { ok: false, error: { kind: 'internal', message: String(error) } };
      }
    }) as Api['invoke'],
    on: ((name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    }) as Api['on'],
  };
  Object.defineProperty(window, 'api', { value: api, configurable: true });
  return {
    calls,
    emit: (name, payload) => {
      act(() => {
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    },
  };
}

let seq = 0;

export function makeJob(overrides: Partial<Job> = {}): Job {
  seq++;
  const createdAt = overrides.createdAt ?? 1_700_000_000_000 + seq * 1000;
  return {
    id: `job-${seq}`,
    operation: 'hidream.txt2video',
    vendor: 'hidream',
    status: 'running',
    params: { prompt: `clip number ${seq}` },
    inputFile: null,
    parentItemId: null,
    requestId: null,
    taskId: null,
    progress: 0.4,
    error: null,
    attention: null,
    waiting: null,
    attempts: 1,
    retryOf: null,
    retriedBy: null,
    discarded: false,
    expectedMs: null,
    createdAt,
    updatedAt: createdAt,
    submittedAt: createdAt,
    finishedAt: null,
    outputDir: null,
    notBefore: null,
    outputs: [],
    ...overrides,
  };
}

/** A finished output with a vendor link. */
export function makeOutput(overrides: Partial<JobOutput> = {}): JobOutput {
  seq++;
  return { id: `out-${seq}`, index: 0, subTaskId: null, status: 'succeeded', progress: 1, kind: 'video', url: `https://cdn.example/${seq}.mp4`, expiresAt: null, error: null, downloadId: null, ...overrides };
}
