import WebSocket from 'ws';
import { SHELL_TOKEN_PROTOCOL_PREFIX, SHELL_WS_PATH, SHELL_WS_PROTOCOL } from '@shared/ipc/channels';

export interface SocketOptions {
  /** The page's origin; null sends none. Defaults to the shell's own origin. */
  origin?: string | null;
  /** The token offered in the handshake; null offers none. Defaults to the shell's token. */
  token?: string | null;
  /** Connect by this host name instead of 127.0.0.1 (e.g. `localhost`). */
  host?: string;
  maxPayload?: number;
}

/** Opens the shell's WebSocket the way the bridge does: our subprotocol plus the token subprotocol. */
export function openShellSocket(shell: { port: number; token: string; origin: string }, options: SocketOptions = {}): Promise<WebSocket> {
  const token = options.token === undefined ? shell.token : options.token;
  const origin = options.origin === undefined ? shell.origin : options.origin;
  const protocols = token === null ? [SHELL_WS_PROTOCOL] : [SHELL_WS_PROTOCOL, `${SHELL_TOKEN_PROTOCOL_PREFIX}${token}`];
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${options.host ?? '127.0.0.1'}:${shell.port}${SHELL_WS_PATH}`, protocols, {
      headers: origin === null ? {} : { origin },
      ...(options.maxPayload ? { maxPayload: options.maxPayload } : {}),
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
}
