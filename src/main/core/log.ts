/**
 * The one logger of the engine. Every line passes through `redact`, so a key that is registered as a
 * secret can never reach stderr or a log file, even inside an error message or a vendor body.
 */
const secrets = new Set<string>();
/** Secrets too short to mask wherever they occur (a user id such as `4711`): masked as whole words only. */
const shortSecrets = new Set<string>();

/** Shortest string masked wherever it occurs: masking tiny strings inside words would shred ordinary text. */
const MIN_SECRET_LENGTH = 6;
/** Shortest string masked at all; one or two characters cannot be told apart from ordinary text. */
const MIN_WORD_SECRET_LENGTH = 3;
/** Below this length the last four characters would give most of a secret away. */
const SHOW_LAST4_FROM = 12;

export function registerSecret(value: string | undefined | null): void {
  if (!value) return;
  if (value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  else if (value.length >= MIN_WORD_SECRET_LENGTH) shortSecrets.add(value);
}

export function forgetSecret(value: string | undefined | null): void {
  if (!value) return;
  secrets.delete(value);
  shortSecrets.delete(value);
}

export function maskSecret(value: string): string {
  return value.length < SHOW_LAST4_FROM ? '****' : `****${value.slice(-4)}`;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
  }
  for (const secret of shortSecrets) {
    if (out.includes(secret)) out = out.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(secret)}(?![A-Za-z0-9])`, 'g'), '****');
  }
  // Bearer tokens we were never told about still do not belong in a log line.
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1****');
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogSink = (line: string) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

function describe(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    // The system's code (ENOTFOUND, CERT_HAS_EXPIRED) and the cause are what a bug report needs; the UI words them.
    const code = (value as { code?: unknown }).code;
    const cause = depth < 3 && value.cause !== undefined ? describe(value.cause, depth + 1) : undefined;
    return { name: value.name, message: value.message, ...(typeof code === 'string' ? { code } : {}), ...(cause === undefined ? {} : { cause }), stack: value.stack };
  }
  return value;
}

export function createLogger(options: { scope?: string; level?: LogLevel; sink?: LogSink } = {}): Logger {
  const fromEnv = process.env['PROMPTREEL_LOG_LEVEL'];
  const level: LogLevel = options.level ?? (fromEnv && fromEnv in LEVELS ? (fromEnv as LogLevel) : 'info');
  const threshold = LEVELS[level];
  const sink: LogSink = options.sink ?? ((line) => process.stderr.write(`${line}\n`));
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < threshold) return;
    const record: Record<string, unknown> = { t: new Date().toISOString(), level, scope: options.scope, msg: message };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = describe(v);
    sink(redact(JSON.stringify(record)));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (scope) => createLogger({ ...options, scope: options.scope ? `${options.scope}.${scope}` : scope }),
  };
}
