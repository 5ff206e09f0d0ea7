import type { z } from 'zod';

/**
 * A request is declared once: its input schema (checked in main before any handler runs) and its
 * result type (a phantom, since main trusts its own answers). Everything else — the preload bridge,
 * the browser-shell bridge, main's registration and the renderer's types — derives from it.
 */
export interface RequestDef<I extends z.ZodType, O> {
  readonly input: I;
  /** Phantom marker for the result type; never set at run time. */
  readonly __output?: O;
}

export function request<I extends z.ZodType>(input: I): { returns<O>(): RequestDef<I, O> } {
  return {
    returns<O>(): RequestDef<I, O> {
      return { input };
    },
  };
}

/** An event main pushes to the renderer; its payload type is a phantom like a request's result. */
export interface EventDef<P> {
  readonly __payload?: P;
}

export function event<P>(): EventDef<P> {
  return {};
}
