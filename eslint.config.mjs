import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code is replayed deterministically inside Temporal's sandbox: no Node built-ins, no I/O
// libraries, no OpenAI SDK. Only @temporalio/workflow, src/shared and type-only imports.
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

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
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
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
    ignores: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
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
    // All HTTP to OpenAI goes through src/openai (the adapter): elsewhere the SDK is a type only.
    files: ['src/**/*.ts'],
    ignores: ['src/openai/**/*.ts', 'src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'openai', allowTypeImports: true, message: 'Call OpenAI through src/openai.' }],
          patterns: [
            {
              group: ['**/tools/**', '**/test/**', '**/bench/**'],
              message: 'src/ is the published package: it cannot import tooling.',
            },
            { group: ['openai/*'], message: 'Call OpenAI through src/openai.' },
          ],
        },
      ],
    },
  },
);
