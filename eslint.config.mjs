import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// Workflow code is replayed deterministically inside Temporal's sandbox: no Node built-ins, no I/O
// libraries, no OpenAI SDK. Only @temporalio/workflow, src/contract and type-only imports.
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

// The rooms of src/ and which way imports run (README, "Layout"): the contract at the bottom, then
// the providers, then the results store and the activities; workflows see only the contract (and
// the activities' types); the client sees the contract (and the workflows' types);
// worker, cli and webhooks sit on top. The zones cannot tell type imports apart: that the
// workflows import the activities, and everyone else the workflows, as types only is checked below.
const room = (name) => `./src/${name}`;
const ROOMS = [
  'contract',
  'providers',
  'results',
  'activities',
  'workflows',
  'client',
  'webhooks',
  'worker',
  'cli',
];
const TOP = ['./src/index.ts', './src/worker.ts'];
const allBut = (...allowed) => [...ROOMS.filter((r) => !allowed.includes(r)).map(room), ...TOP];
const layerZones = [
  {
    target: room('contract'),
    from: allBut('contract'),
    message: 'The contract imports nothing of the product.',
  },
  {
    target: room('providers'),
    from: allBut('contract', 'providers'),
    message: 'A provider imports only the contract (and its own folder).',
  },
  {
    target: room('results'),
    from: allBut('contract', 'providers', 'results'),
    message: 'The results store imports only providers and the contract.',
  },
  {
    target: room('activities'),
    from: allBut('contract', 'providers', 'results', 'activities'),
    message: 'Activities import only providers, the results store and the contract.',
  },
  {
    target: room('workflows'),
    from: allBut('contract', 'workflows', 'activities'),
    message: "Workflows import only the contract (and the activities' types).",
  },
  {
    target: room('client'),
    from: allBut('contract', 'client', 'workflows', 'results', 'providers'),
    message: 'The client imports the contract, the results store and providers, never the worker or the CLI.',
  },
  {
    target: room('webhooks'),
    from: [room('worker'), room('cli'), ...TOP],
    message: 'The webhook receiver sits beside the worker and the CLI: it cannot import them.',
  },
];

export default tseslint.config(
  { ignores: ['lib/**', 'node_modules/**', '.tools/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins,
            'openai',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/activity',
          ],
          patterns: [
            { group: ['openai/*'], message: 'Workflow code must not talk to OpenAI: call an activity.' },
            {
              group: ['**/activities/*', '**/openai/*', '**/results/*', '**/simulator/*'],
              allowTypeImports: true,
              message: 'Workflow code may only import types from here.',
            },
          ],
        },
      ],
    },
  },
  {
    // The package ships src/ only: product code must not depend on the repository's tooling.
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/**/*.ts', 'src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tools/**', '**/test/**', '**/bench/**'],
              message: 'src/ is the published package: it cannot import tooling.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only a provider's own folder may import its SDK, even as a type: everything else speaks the
    // port (src/providers/types.ts), so a second batch API is one more folder. Azure OpenAI is
    // reached through the openai SDK's own Azure support, so its folder imports that SDK too.
    files: ['src/**/*.ts'],
    ignores: [
      'src/providers/openai/**/*.ts',
      'src/providers/azure-openai/**/*.ts',
      'src/workflows/**/*.ts',
      'src/contract/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'openai', message: 'Use the provider port (src/providers/types.ts).' }],
          patterns: [
            {
              group: ['**/tools/**', '**/test/**', '**/bench/**'],
              message: 'src/ is the published package: it cannot import tooling.',
            },
            { group: ['openai/*'], message: 'Call OpenAI through src/providers/openai.' },
            {
              group: ['**/workflows', '**/workflows/*'],
              allowTypeImports: true,
              message:
                'Outside src/workflows a workflow is a type only: start it by name; the worker bundles it from workflowsPath.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      'import-x/no-cycle': 'error',
    },
  },
);
