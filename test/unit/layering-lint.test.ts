import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/*
 * The project's own eslint.config.js, as `npm run lint` uses it, on code planted at a path inside each
 * layer. Only the layering rule runs (the type-aware rules need the file on disk and in a tsconfig).
 */
const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({
  cwd: root,
  ruleFilter: ({ ruleId }) => ruleId === 'layers/imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('layering lint', () => {
  it('fails the engine importing the sandbox, however the path is spelled', async () => {
    const relative = await problems('src/main/core/jobs/planted.ts', "import { startSandbox } from '../../sandbox';\nexport const s = startSandbox;\n");
    expect(relative).toEqual([
      expect.stringMatching(/^layers\/imports: src\/main\/core\/jobs\/planted \(engine\) must not import \.\.\/\.\.\/sandbox \(sandbox\): the engine runs under every host/),
    ]);
    const aliased = await problems('src/main/core/planted.ts', "import type { Sandbox } from '@main/sandbox';\nexport type S = Sandbox;\n");
    expect(aliased).toHaveLength(1);
    expect(aliased[0]).toContain('(engine) must not import @main/sandbox (sandbox)');
  });

  it('fails the engine importing a host or the composition root', async () => {
    const code = "import { createEngine } from '../runtime';\nimport { startShell } from '../shell/server';\nimport { main } from '../../cli/main';\nexport const all = [createEngine, startShell, main];\n";
    const found = await problems('src/main/core/planted.ts', code);
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/\(runtime\)[\s\S]*\(host shell\)[\s\S]*\(host cli\)/);
  });

  it('fails shared importing anything but shared, and the sandbox importing the engine', async () => {
    expect(await problems('src/shared/planted.ts', "import { createLogger } from '@main/core/log';\nexport const l = createLogger;\n")).toEqual([
      expect.stringContaining('(shared) must not import @main/core/log (engine): shared holds contracts and facts'),
    ]);
    expect(await problems('src/main/sandbox/planted.ts', "import { JobEngine } from '../core/jobs/engine';\nexport const e = JobEngine;\n")).toEqual([
      expect.stringContaining('(sandbox) must not import ../core/jobs/engine (engine)'),
    ]);
  });

  it('fails a renderer feature importing another feature or the app', async () => {
    const code = "import { OperationForm } from '../compose/OperationForm';\nimport { App } from '../../app/App';\nexport const all = [OperationForm, App];\n";
    const found = await problems('src/renderer/src/features/library/Planted.tsx', code);
    expect(found).toEqual([
      expect.stringContaining('(feature library) must not import ../compose/OperationForm (feature compose): renderer features import lib/, never each other'),
      expect.stringContaining('(feature library) must not import ../../app/App (app)'),
    ]);
  });

  it('passes imports in the allowed direction', async () => {
    expect(
      await problems(
        'src/main/core/jobs/planted.ts',
        "import { AppError } from '@shared/errors';\nimport { createLogger } from '../log';\nimport { JobStore } from '@main/core/jobs/store';\nimport { z } from 'zod';\nexport const all = [AppError, createLogger, JobStore, z];\n",
      ),
    ).toEqual([]);
    expect(await problems('src/main/planted.ts', "import { createEngine } from './runtime';\nimport { JobStore } from './core/jobs/store';\nexport const all = [createEngine, JobStore];\n")).toEqual([]);
    expect(await problems('src/main/runtime.ts', "import { startSandbox } from './sandbox';\nexport const s = startSandbox;\n")).toEqual([]);
    expect(
      await problems('src/renderer/src/features/library/Planted.tsx', "import { call } from '../../lib/ipc';\nimport { useLibrary } from './store';\nimport { formatBytes } from '@shared/format';\nexport const all = [call, useLibrary, formatBytes];\n"),
    ).toEqual([]);
  });
});
