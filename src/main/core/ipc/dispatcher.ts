import { AppError, type ErrorInfo } from '@shared/errors';
import {
  isRequestName,
  requests,
  type Envelope,
  type RequestName,
  type RequestOutput,
  type RequestParsed,
} from '@shared/ipc';
import type { Logger } from '../log';

export interface CallContext {
  /** Where the call came from, for logs: a frame URL or a WebSocket peer. */
  origin: string;
  /** The host's handle on the caller (Electron's WebContents), for host services such as a native drag. */
  sender?: unknown;
}

export type Handler<N extends RequestName> = (
  input: RequestParsed<N>,
  ctx: CallContext,
) => Promise<RequestOutput<N>> | RequestOutput<N>;

export type Handlers = { [N in RequestName]: Handler<N> };

/** A slice of the handler map, as each domain service provides it. */
export type HandlersFor<K extends RequestName> = { [N in K]: Handler<N> };

export type Dispatch = (frame: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

function fail(error: ErrorInfo): Envelope<never> {
  return { ok: false, error };
}

/**
 * Turns an untrusted frame into a handler call. The input is parsed with the request's schema before
 * the handler sees it, so a handler never runs on bad data and never half-acts on it. Every outcome is
 * an envelope: the transports never see a thrown error.
 */
export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (frame, ctx) => {
    if (typeof frame !== 'object' || frame === null) {
      log.warn('ipc: malformed frame', { origin: ctx.origin });
      return fail({ kind: 'invalid_input', message: 'A request must be an object with a name and an input.' });
    }
    const { name, input } = frame as { name?: unknown; input?: unknown };
    if (!isRequestName(name)) {
      log.warn('ipc: unknown channel', { origin: ctx.origin, name: String(name).slice(0, 100) });
      return fail({ kind: 'unknown_channel', message: `Unknown request "${String(name).slice(0, 100)}".` });
    }
    const parsed = requests[name].input.safeParse(input ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
      log.warn('ipc: invalid input', { origin: ctx.origin, name, issues });
      const first = issues[0];
      return fail({
        kind: 'invalid_input',
        message: first ? `Invalid ${first.path || 'input'} for ${name}: ${first.message}` : `Invalid input for ${name}.`,
        issues,
      });
    }
    try {
      const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown;
      const value = await handler(parsed.data, ctx);
      return { ok: true, value };
    } catch (error) {
      if (error instanceof AppError) {
        log.info('ipc: request failed', { name, kind: error.kind, message: error.message });
        return fail(error.toInfo());
      }
      log.error('ipc: handler crashed', { name, error });
      return fail({ kind: 'internal', message: `${name} failed unexpectedly; the details are in the log.` });
    }
  };
}
