// ESLint for the PWA's sources (flat config): the recommended JavaScript rules and the hooks rules
// (rules-of-hooks, exhaustive-deps). Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

export default [
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  {
    files: ['src/**/*.{js,jsx}', 'test/**/*.{js,jsx}', '*.config.js', 'scripts/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { ...globals.browser },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // `_name` marks a value left out on purpose (a destructured field the request must not carry).
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['src/sw.js', 'src/sw-push.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['test/**', '*.config.js', 'scripts/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
]
