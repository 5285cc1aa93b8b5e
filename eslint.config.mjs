// Type-aware lint: the rules that catch what tests miss (a promise nobody awaits, an async
// callback where a sync one is expected) plus typescript-eslint's recommended set.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'test/fuzz/support/fault-preload.js', 'node_modules/**', 'coverage/**', '.data/**', 'eslint.config.mjs', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Async methods without await implement async interfaces (Nest hooks, key sources): not a defect.
      '@typescript-eslint/require-await': 'off',
      // Optional transports (nats, grpc-js) are loaded lazily with require, so only their users install them.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^nats$', '^@grpc/grpc-js$'] }],
      // Control characters are matched on purpose: header and realm validation refuses them.
      'no-control-regex': 'off',
      // A server's callback reads the object it is later assigned to (`let proxy; ...; proxy = new ...`); const cannot express that.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests read untyped JSON bodies (supertest, fetch) on purpose; the unsafe-any family would only add casts.
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
