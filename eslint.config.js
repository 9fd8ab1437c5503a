// House lint: typescript-eslint's type-aware rules over the TypeScript, React's hooks rules
// where React lives, and the recommended JavaScript rules for plain .js/.mjs files.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const ROOMS = ['redis', 'model', 'worker', 'pool', 'console', 'metrics', 'cli'];

/** A room's files may not import from the rooms named (relative imports, any depth). */
function layer(files, above) {
  return [
    {
      files: [files.replace('**', '**/*.{ts,tsx}')],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: above.map((room) => ({
              group: [`**/${room}/*`, `../${room}/*`],
              message: `${files.split('/')[1]}/ sits below ${room}/: move the shared piece down instead.`,
            })),
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'screenshots/**', '.tmp/**', '.prof/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_name` marks a binding kept for its position (destructuring, callbacks).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  // Rooms depend one way (the table in docs/architecture.md, which test/architecture.test.ts
  // holds the imports to): the files at src/'s top, then redis, model, worker, pool and
  // console side by side, metrics, and cli on top. An import that runs back up fails here.
  {
    files: ['src/*.ts'],
    ignores: ['src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ROOMS.map((room) => `./${room}/*`),
              message: 'The files at the top of src/ sit below every room: they import none.',
            },
          ],
        },
      ],
    },
  },
  ...layer('src/redis/**', ['model', 'worker', 'pool', 'console', 'metrics', 'cli']),
  ...layer('src/model/**', ['worker', 'pool', 'console', 'metrics', 'cli']),
  ...layer('src/worker/**', ['pool', 'console', 'metrics', 'cli']),
  ...layer('src/pool/**', ['console', 'metrics', 'cli']),
  ...layer('src/console/**', ['pool', 'metrics', 'cli']),
  ...layer('src/metrics/**', ['pool', 'cli']),
  {
    // Tests read replies and JSON they just wrote, and fake async APIs with plain bodies.
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/console/**/*.{ts,tsx}', 'test/console/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
);
