import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'node:http',
  'node:https',
  'http',
  'https',
  'node:net',
  'node:child_process',
  'child_process',
  'execa',
  'undici',
  'better-sqlite3',
];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', 'dist/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The pure core: planning, config, generators. No I/O of any kind.
    files: ['bot/core/**/*.ts', 'bot/config/**/*.ts', 'generators/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'The pure core does no I/O; do it in an adapter and pass the result in.',
          })),
          patterns: [
            {
              group: ['@octokit/*', '**/adapters/**', '**/cli/**', '**/server/**'],
              message: 'The pure core must not depend on adapters or composition roots.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'The pure core does no I/O; inject a port instead.' },
        { name: 'process', message: 'Pass env and argv in; do not read process in the core.' },
      ],
    },
  },
  {
    // Node 20's recursive mkdir never returns on some paths (`/proc/x`): see make-dirs.ts.
    files: ['bot/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression:matches([callee.name=/^mkdir/], [callee.property.name=/^mkdir/]) > ObjectExpression > Property[key.name='recursive']",
          message:
            'Use makeDirs (bot/adapters/system/make-dirs.ts): it fails once instead of spinning.',
        },
      ],
    },
  },
);
