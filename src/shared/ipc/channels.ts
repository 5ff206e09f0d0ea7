/** Electron IPC channel names; kept free of schemas so the sandboxed preload stays tiny. */
export const IPC_INVOKE_CHANNEL = 'promptreel:invoke';
export const IPC_EVENT_CHANNEL = 'promptreel:event';
/**
 * The preload alone sends on this one: the real path of a file the user dropped or chose, as
 * `webUtils.getPathForFile` gives it. The page cannot reach it (context isolation), so main may treat
 * these paths as granted by the user.
 */
export const IPC_GRANT_FILE_CHANNEL = 'promptreel:grant-file';

/** The browser shell's WebSocket path, and the bridge script it injects in place of a preload. */
export const SHELL_WS_PATH = '/__shell/ws';
export const SHELL_BRIDGE_PATH = '/shell-bridge.js';
/**
 * The shell's token travels in the address's fragment (`/#token=…`, never sent to a server), is kept
 * by the page in sessionStorage (per origin, port included) and is offered in the WebSocket handshake
 * as a subprotocol beside `SHELL_WS_PROTOCOL`. No cookie: cookies ignore ports, so every other server
 * on loopback would receive one.
 */
export const SHELL_TOKEN_PARAM = 'token';
export const SHELL_TOKEN_STORAGE_KEY = 'promptreel.shell.token';
export const SHELL_WS_PROTOCOL = 'promptreel.v1';
export const SHELL_TOKEN_PROTOCOL_PREFIX = 'promptreel.token.';
/** Media routes: `/media/<per-run media key>/<id>`, so <video src> works without a cookie. */
export const SHELL_MEDIA_PATH = '/media/';
