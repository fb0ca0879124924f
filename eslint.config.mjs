// ESLint flat config: typescript-eslint's recommended rules plus the architecture's import boundaries
// (DEVELOPERS.md: only src/extension may import 'vscode'; the webview never reaches into the engine).
import tseslint from 'typescript-eslint';

const noVscode = {
  name: 'vscode',
  message:
    "Only src/extension (and VS Code tests) may import 'vscode': the engine, worker, protocol, CLI and webview run outside VS Code.",
};
const noEngine = {
  group: ['**/src/engine', '**/src/engine/**', '**/engine/**', '../engine', '../engine/**'],
  message: 'The webview runs in a browser: talk to the engine through src/protocol messages, not by importing it.',
};

const protocolIsGround = {
  group: ['../*', '../**'],
  message:
    'src/protocol is the ground floor: engine, worker, host, CLI and webview import it; it imports nothing of theirs.',
};
// The host runs engine code only in the worker; in-process it uses these vscode-free helpers and nothing else.
const hostEngineAllowed = [
  'cancel',
  'models/format',
  'pairing',
  'report/escape',
  'report/read',
  'report/targets',
  'report/write',
  'disentangler/settings',
  'models/model-hash',
  'storage-error',
];
const hostEngineOnly = {
  regex: `/engine/(?!(${hostEngineAllowed.join('|')})$)`,
  message: `The extension host may import only ${hostEngineAllowed.map((m) => `engine/${m}`).join(', ')}: the engine runs in the worker.`,
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.test-output/**', '.vscode-test/**', 'samples/**', '**/*.d.ts'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // vscode-jsonrpc's idiom: `export namespace FooRequest { export const type = new RequestType(...) }`.
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    // CommonJS files (test fixtures run as plain node scripts) load modules with require.
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/engine/**', 'src/worker/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [protocolIsGround] }] },
  },
  {
    files: ['src/extension/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [hostEngineOnly] }] },
  },
  {
    files: ['webview/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noEngine] }] },
  },
);
