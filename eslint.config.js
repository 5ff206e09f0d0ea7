import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layers.js';

/**
 * The import directions between the layers: shared ← platform ← engine ← runtime ← hosts, the sandbox beside the
 * engine, and a renderer whose features import lib/ and never each other. A file belongs to the first
 * layer whose pattern matches its path (without extension, with a trailing slash).
 */
const LAYERS = {
  root: import.meta.dirname,
  aliases: { '@shared/': 'src/shared', '@main/': 'src/main', '@renderer/': 'src/renderer/src' },
  layers: [
    { name: 'shared', files: '^src/shared/', may: [], why: 'shared holds contracts and facts and depends on nothing but itself and libraries' },
    {
      name: 'platform',
      files: '^src/main/platform/',
      may: ['shared'],
      why: 'platform helpers (clock, periodic timers, leases) know no domain, so every layer above can use them',
    },
    {
      name: 'engine',
      files: '^src/main/core/',
      may: ['shared', 'platform'],
      why: 'the engine runs under every host, so it never imports a host, the sandbox or the renderer (src/main/runtime.ts wires them in)',
    },
    { name: 'sandbox', files: '^src/main/sandbox/', may: ['shared', 'platform'], why: 'the sandbox plays the vendors and knows only the shared contracts' },
    { name: 'runtime', files: '^src/main/runtime/', may: ['shared', 'platform', 'engine', 'sandbox'], why: 'the composition root builds the engine for the hosts and knows none of them' },
    { name: 'host', files: '^src/(?:main/)?(shell|cli)/', may: ['shared', 'platform', 'engine', 'runtime'], why: 'a host builds the engine with createEngine and moves frames; it uses no other host' },
    { name: 'desktop host', files: '^src/main/[^/]+/$', may: ['shared', 'platform', 'engine', 'runtime'], why: 'a host builds the engine with createEngine and moves frames; it uses no other host' },
    { name: 'preload', files: '^src/preload/', may: ['shared'], why: 'the preload runs beside the renderer and knows only the shared contracts' },
    { name: 'feature', files: '^src/renderer/src/features/([^/]+)/', may: ['shared', 'lib', 'i18n'], why: 'renderer features import lib/, never each other or the app around them' },
    { name: 'lib', files: '^src/renderer/src/lib/', may: ['shared'], why: 'lib/ serves every feature and knows none of them' },
    { name: 'i18n', files: '^src/renderer/src/i18n/', may: ['shared'], why: 'the strings are registered here; the features use them' },
    { name: 'app', files: '^src/renderer/src/app/', may: ['shared', 'lib', 'i18n', 'feature'], why: 'the app composes features and is used by none' },
    { name: 'renderer', files: '^src/renderer/', may: ['shared', 'lib', 'i18n', 'feature', 'app'], why: 'the renderer reaches main only through window.api' },
  ],
  // Each exception names its files, so a new wrong-way import still fails; `why` is for the reader.
  exceptions: [
    {
      from: '^src/main/sandbox/',
      to: '^src/main/core/(log|credentials)/$',
      why: 'logging is a platform helper and the key shapes are what the sandbox hands out; they move to platform/ and shared/',
    },
    { from: '^src/renderer/src/i18n/index/$', to: '^src/renderer/src/(features/[^/]+|app)/locales/$', why: 'the one registry of every feature’s strings' },
    {
      from: '^src/renderer/src/features/compose/(ResultPicker|submit)/$',
      to: '^src/renderer/src/features/jobs/(store|format)/$',
      why: 'compose submits jobs and picks earlier results: it reads the job records until they live in lib/records',
    },
    {
      from: '^src/renderer/src/features/jobs/actions/$',
      to: '^src/renderer/src/features/compose/(model|store)/$',
      why: '“Use these settings again” opens a job’s parameters in the compose form',
    },
    {
      from: '^src/renderer/src/features/stylize-drop/StylizeSheet/$',
      to: '^src/renderer/src/features/compose/(OperationForm|model|submit)/$',
      why: 'the drop sheet is the compose form for a dropped video',
    },
    {
      from: '^src/renderer/src/features/(compose/submit|jobs/JobDetail|stylize-drop/StylizeSheet)/$',
      to: '^src/renderer/src/features/preview/(media|JobPreview|MediaPreview)/$',
      why: 'one media preview for a job, a dropped file and a submitted local video',
    },
    { from: '^src/renderer/src/features/preview/JobPreview/$', to: '^src/renderer/src/features/downloads/store/$', why: 'a job’s preview plays its downloaded file' },
    {
      from: '^src/renderer/src/features/studio/(StudioFeed|ResultCard)/$',
      to: '^src/renderer/src/features/jobs/(store|JobList|outcome)/$',
      why: 'the studio’s feed shows the job records with the jobs feature’s own progress bar, badge and waiting words',
    },
    {
      from: '^src/renderer/src/features/studio/(StudioFeed|ResultCard)/$',
      to: '^src/renderer/src/features/library/(Lightbox|drag)/$',
      why: 'a result in the feed enlarges in the library’s lightbox and drags out as the library’s items do',
    },
    {
      from: '^src/renderer/src/features/studio/(StudioFeed|ResultCard)/$',
      to: '^src/renderer/src/features/(preview/(media|MediaPreview)|downloads/store)/$',
      why: 'a result plays from its downloaded file, and a stylize job shows its local input',
    },
    {
      from: '^src/renderer/src/features/reels/PlanSheet/$',
      to: '^src/renderer/src/features/compose/(OperationForm|model)/$',
      why: 'a planned shot is the compose form’s operation and parameters, kept for later instead of submitted',
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/component/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The engine must run under plain Node: the CLI, the browser shell and the tests depend on it.
    files: ['src/main/core/**/*.ts', 'src/main/platform/**/*.ts', 'src/main/sandbox/**/*.ts', 'src/main/shell/**/*.ts', 'src/cli/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine must not depend on Electron.' }] }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { layers },
    rules: { 'layers/imports': ['error', LAYERS] },
  },
  {
    files: ['**/*.{js,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' },
    },
  },
);
