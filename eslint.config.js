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
  // src/lti and src/store implement the services' ports: they may import their types, never their code.
  {
    files: ['src/lti/**', 'src/store/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['**/services/**'], allowTypeImports: true, message: 'src/lti and src/store implement services/ports: import only types from services (`import type`).' }],
      }],
    },
  },
  // Only src/lti (and the LMS emulator) knows LTI Advantage scope URIs; use-cases ask LtiServices.grants for a capability.
  {
    files: ['src/**'],
    ignores: ['src/lti/**', 'src/devplatform/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'Literal[value=/purl\\.imsglobal\\.org\\/spec\\/lti-(ags|nrps)\\/scope/]',
        message: 'LTI Advantage scopes belong in src/lti: ask LtiServices.grants for a capability, or use LtiTool.scopes.',
      }],
    },
  },
  layer(['src/web/**', 'src/jobs/**'], ['**/store/**', '**/devplatform/**', 'kysely', 'pg', 'better-sqlite3'],
    'web and jobs call services; only main.ts wires concrete classes.'),
  layer(['src/devplatform/**'], ['**/domain/**', '**/services/**', '**/store/**', '**/lti/**', '**/web/**', '**/jobs/**'],
    'The LMS emulator reaches the app over HTTP only.'),
);
