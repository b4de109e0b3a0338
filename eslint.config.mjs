// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '.test-build/**',
      'test-output/**',
      'src/admin-ui/public/**',
      'eslint.config.mjs',
      'jest.config.js',
      'drizzle.config.ts',
      'scripts/**',
      '.dependency-cruiser.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Port implementations are async by contract even when one of them has nothing to await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // One logger signature: message first, then fields (Nest's Logger takes `any` and lost messages before).
    files: ['src/**/*.ts'],
    ignores: ['src/logging/**', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@nestjs/common', importNames: ['Logger'], message: 'Use AppLogger from src/logging/app-logger.' }] },
      ],
    },
  },
  {
    // One clock (src/common/clock.ts): time that decides behaviour comes from the injected `Clock` (or a `now`
    // argument). A direct read that only records a timestamp carries a disable comment saying so.
    files: ['src/**/*.ts'],
    ignores: ['src/common/clock.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Use the injected Clock (clock.now()) or a `now` argument; see docs/architecture.md, "Time".',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Use new Date(clock.now()) from the injected Clock; see docs/architecture.md, "Time".',
        },
      ],
    },
  },
  {
    // supertest and JSON.parse hand back `any` bodies by design; tests assert on them directly.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'demo/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  prettier,
);
