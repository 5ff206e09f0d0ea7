import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OPERATION_IDS, isOperationId, type OperationId } from '@shared/catalog';
import { parseReelCommand, type ReelCommand } from './reel';
import { UsageError } from './usage';

export type Command =
  | { name: 'run'; operation: OperationId; params: Record<string, unknown>; file: string | undefined; wait: boolean; out: string | undefined; json: boolean }
  | { name: 'jobs'; json: boolean }
  | { name: 'show'; id: string; json: boolean }
  | { name: 'resume'; wait: boolean; resubmit: boolean; json: boolean }
  | ReelCommand
  | { name: 'help' }
  | { name: 'version' };

const OPTIONS = {
  params: { type: 'string' },
  file: { type: 'string' },
  wait: { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  resubmit: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<'run' | 'jobs' | 'show' | 'resume' | 'reel', readonly OptionName[]> = {
  reel: ['out', 'json'],
  run: ['params', 'file', 'wait', 'out', 'json'],
  jobs: ['json'],
  show: ['json'],
  resume: ['wait', 'resubmit', 'json'],
};

function parse(argv: string[]): ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util names the offending option in its message.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--params` as JSON text, or `@path` to a JSON file; it must be an object. */
export function readParams(text: string, cwd: string): Record<string, unknown> {
  let json = text;
  if (text.startsWith('@')) {
    const path = resolve(cwd, text.slice(1));
    try {
      json = readFileSync(path, 'utf8');
    } catch (error) {
      throw new UsageError(`--params: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new UsageError(`--params: not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--params must be a JSON object, e.g. {"prompt": "a red fox in the snow"}.');
  }
  return value as Record<string, unknown>;
}

export function parseCommand(argv: string[], cwd: string): Command {
  const { values, positionals } = parse(argv);
  if (values.version) return { name: 'version' };
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help') return { name: 'help' };
  if (name !== 'run' && name !== 'jobs' && name !== 'show' && name !== 'resume' && name !== 'reel') {
    throw new UsageError(`Unknown command "${name}". Commands: run, jobs, show, resume, reel (see promptreel --help).`);
  }
  for (const option of Object.keys(values) as OptionName[]) {
    if (option !== 'help' && option !== 'version' && !ALLOWED[name].includes(option)) {
      throw new UsageError(`--${option} is not an option of "promptreel ${name}".`);
    }
  }
  const json = values.json ?? false;
  const extra = (allowed: number): void => {
    if (rest.length > allowed) throw new UsageError(`Unexpected argument "${rest[allowed] ?? ''}" for "promptreel ${name}".`);
  };
  switch (name) {
    case 'run': {
      extra(1);
      const operation = rest[0];
      if (operation === undefined) throw new UsageError(`operation: missing; one of ${OPERATION_IDS.join(', ')}.`);
      if (!isOperationId(operation)) throw new UsageError(`operation: unknown "${operation}"; one of ${OPERATION_IDS.join(', ')}.`);
      if (values.params === undefined) throw new UsageError('--params is required: a JSON object or @file.json with the operation\'s fields.');
      if (values.file !== undefined && values.file.trim() === '') throw new UsageError('--file: the path is empty.');
      if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out: the folder is empty.');
      return {
        name,
        operation,
        params: readParams(values.params, cwd),
        file: values.file === undefined ? undefined : resolve(cwd, values.file),
        wait: values.wait ?? false,
        out: values.out === undefined ? undefined : resolve(cwd, values.out),
        json,
      };
    }
    case 'jobs':
      extra(0);
      return { name, json };
    case 'show': {
      extra(1);
      const id = rest[0];
      if (!id) throw new UsageError('jobId: missing (see promptreel jobs).');
      return { name, id, json };
    }
    case 'reel':
      return parseReelCommand(rest, values, cwd);
    case 'resume':
      extra(0);
      return { name, wait: values.wait ?? false, resubmit: values.resubmit ?? false, json };
  }
}
