// ESLint flat config: typescript-eslint, plus the layer rules of ../shared/STYLE.md
// (web/jobs -> services -> domain; store and lti implement services/ports).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', '.dist-test-*/**', 'node_modules/**', 'bench/peers/**', 'data/**', 'coverage/**', 'public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  layer(['src/domain/**'], ['**/services/**', '**/store/**', '**/lti/**', '**/web/**', '**/jobs/**', '**/devplatform/**', 'express', 'kysely', 'pg', 'better-sqlite3', 'jose', 'node:*'],
    'src/domain is pure: it imports only src/domain.'),
  layer(['src/services/**'], ['**/store/**', '**/lti/**', '**/web/**', '**/jobs/**', '**/devplatform/**', 'express', 'kysely', 'pg', 'better-sqlite3'],
    'services depend on domain and their own ports only.'),
  layer(['src/lti/**'], ['**/store/**', '**/web/**', '**/jobs/**', '**/devplatform/**', 'express', 'kysely'],
    'src/lti speaks LTI only; it reaches storage through services/ports.'),
  layer(['src/store/**'], ['**/lti/**', '**/web/**', '**/jobs/**', '**/devplatform/**', 'express'],
    'src/store implements services/ports.'),
  layer(['src/web/**', 'src/jobs/**'], ['**/store/**', '**/devplatform/**', 'kysely', 'pg', 'better-sqlite3'],
    'web and jobs call services; only main.ts wires concrete classes.'),
  layer(['src/devplatform/**'], ['**/domain/**', '**/services/**', '**/store/**', '**/lti/**', '**/web/**', '**/jobs/**'],
    'The LMS emulator reaches the app over HTTP only.'),
);
