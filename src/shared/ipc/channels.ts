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
export const SHELL_TOKEN_COOKIE = 'promptreel_token';
