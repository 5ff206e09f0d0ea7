import { SHELL_TOKEN_PARAM, SHELL_TOKEN_PROTOCOL_PREFIX, SHELL_TOKEN_STORAGE_KEY, SHELL_WS_PATH, SHELL_WS_PROTOCOL } from '@shared/ipc/channels';
import type { Api, Envelope, EventFrame } from '@shared/ipc';

/**
 * The browser shell's stand-in for the preload: it defines the same `window.api` over a WebSocket to
 * the same main-side dispatcher, so the renderer runs unchanged. Served only by the shell, which
 * injects it ahead of the app bundle.
 */
interface Pending {
  resolve: (envelope: Envelope<unknown>) => void;
}

const pending = new Map<number, Pending>();
const listeners = new Map<string, Set<(payload: unknown) => void>>();
const outbox: string[] = [];
let nextId = 1;
let socket: WebSocket | undefined;
let retryMs = 250;

const TOKEN = /^[\w-]{16,200}$/;

/**
 * The token from the address's fragment (`#token=…`, which no server ever receives), kept in this
 * tab's sessionStorage so a reload still works, and then dropped from the address bar and history.
 * sessionStorage is per origin including the port, so no other local server's page can read it.
 */
function takeToken(): string | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get(SHELL_TOKEN_PARAM);
  let kept: string | null = null;
  try {
    if (given !== null && TOKEN.test(given)) sessionStorage.setItem(SHELL_TOKEN_STORAGE_KEY, given);
    kept = sessionStorage.getItem(SHELL_TOKEN_STORAGE_KEY);
  } catch {
    // Storage switched off in this browser: the page still works until it is reloaded.
  }
  if (given !== null) {
    fragment.delete(SHELL_TOKEN_PARAM);
    const rest = fragment.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  }
  const found = given !== null && TOKEN.test(given) ? given : kept;
  return found !== null && TOKEN.test(found) ? found : undefined;
}

const token = takeToken();

const NO_TOKEN: Envelope<never> = {
  ok: false,
  error: { kind: 'forbidden', message: 'This page has no access token: open the address the shell printed when it started (it ends in #token=…).' },
};

function connect(key: string): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SHELL_WS_PATH}`, [
    SHELL_WS_PROTOCOL,
    `${SHELL_TOKEN_PROTOCOL_PREFIX}${key}`,
  ]);
  socket = ws;
  ws.addEventListener('open', () => {
    retryMs = 250;
    for (const frame of outbox.splice(0)) ws.send(frame);
  });
  ws.addEventListener('message', (message) => {
    const data = JSON.parse(String(message.data)) as { id?: number; envelope?: Envelope<unknown>; event?: EventFrame };
    if (data.event) {
      for (const listener of listeners.get(data.event.name) ?? []) listener(data.event.payload);
    } else if (typeof data.id === 'number' && data.envelope) {
      pending.get(data.id)?.resolve(data.envelope);
      pending.delete(data.id);
    }
  });
  ws.addEventListener('close', () => {
    // Calls in flight cannot be known to have run; report them as lost instead of hanging forever.
    for (const [id, call] of pending) {
      call.resolve({ ok: false, error: { kind: 'network', message: 'Lost the connection to Promptreel; please retry.' } });
      pending.delete(id);
    }
    socket = undefined;
    setTimeout(() => connect(key), retryMs);
    retryMs = Math.min(retryMs * 2, 5_000);
  });
}

const api: Api = {
  invoke: (name, input) =>
    new Promise((resolve) => {
      if (!token) {
        resolve(NO_TOKEN);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve: resolve as (envelope: Envelope<unknown>) => void });
      const frame = JSON.stringify({ id, name, input });
      if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
      else outbox.push(frame);
    }),
  on: (name, listener) => {
    const set = listeners.get(name) ?? new Set();
    listeners.set(name, set);
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
};

Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false, configurable: false });
if (token) connect(token);
