// ESLint flat config. Besides the recommended sets, it holds the layer boundaries that used to be
// prose only (CONTRIBUTING "Layout"): the build fails when one is crossed.
//   src/core, src/server, src/shared — plain Node: no `vscode`, nothing from src/extension or src/webview
//   src/webview                      — browser code: no `vscode`, no Node built-ins, nothing from src/core
//                                      runtime internals, src/extension or src/server
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

const noVscode = { name: 'vscode', message: 'Only src/extension (and tests) may import vscode.' };
const noExtensionLayer = {
  group: ['**/extension', '**/extension/**'],
  message: 'src/core, src/server and src/shared must not depend on the VS Code glue in src/extension.',
};
const noWebviewLayer = { group: ['**/webview', '**/webview/**'], message: 'Only the webview bundle imports src/webview.' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/**', '**/*.js', '**/*.mjs', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_name` marks a deliberately unused parameter or binding.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A handler declared before the server it closes over is assigned once, later: that is fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `import X = require(...)` only where a package's CommonJS build must be bundled (web-tree-sitter's
      // ESM build needs import.meta.url) or a CommonJS `export =` is extended (mocha).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^web-tree-sitter$', '^mocha$'] }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/server/**/*.ts', 'src/shared/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noExtensionLayer, noWebviewLayer] }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...nodeBuiltins.map((name) => ({ name, message: 'The webview runs in a browser: no Node built-ins.' }))],
          patterns: [
            { group: ['**/extension', '**/extension/**', '**/server', '**/server/**', '**/core', '**/core/**'], message: 'The webview talks to the host only through src/shared messages.' },
          ],
        },
      ],
    },
  },
);
