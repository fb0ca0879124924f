#!/usr/bin/env node
/**
 * Installs code-server <version> offline (npm registry only) into the user cache, the manual way described in
 * ../shared/docs/vscode-offline-testing.md, because `npm install -g code-server` fails offline.
 *   node scripts/install-code-server.mjs [version...]   (default 4.139.1; prints the install dir)
 * Idempotent: a finished install has a marker file and returns at once. Versions after 4.100.x need Node 22+:
 * they get Node 24 from npm (`npm i node@24`) in the cache dir, used for code-server only, never for the project.
 * Needs on the machine: ripgrep, libkrb5-dev, g++/make/python3 (native rebuilds); .ci/run installs them.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oldest VS Code the extension supports (engines.vscode ^1.100.0; Node 20) and the current one (Node 24). */
export const OLDEST = '4.100.3';
export const CURRENT = '4.139.1';
/** What CI tests on: the current VS Code (test:matrix runs both). Installing 4.139.1 with an empty npm cache took 33–39 s here. */
export const DEFAULT_VERSION = CURRENT;
const MARKER = '.kc-installed';

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'knowledge-consistency');
}

/** 4.100.x is the newest code-server that runs on Node 20; newer ones run on Node 24 from npm. */
export function needsNode24(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 4 || (major === 4 && minor > 100);
}

/** Where a version lives and how to start it: { dir, entry, node } (node = the binary that runs code-server). */
export function codeServerPaths(version) {
  const dir = join(cacheRoot(), `code-server-${version}`);
  const node = needsNode24(version) ? join(cacheRoot(), 'node24/node_modules/node/bin/node') : process.execPath;
  return { dir, entry: join(dir, 'out/node/entry.js'), node, installed: existsSync(join(dir, MARKER)) };
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function ensureNode24(log) {
  const prefix = join(cacheRoot(), 'node24');
  const bin = join(prefix, 'node_modules/node/bin/node');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'node@24'], { cwd: prefix }, log);
  }
  // node-gyp compiles against these headers; offline it cannot download them.
  return { bin, headers: join(prefix, `node_modules/node/node_modules/node-${process.platform}-${process.arch}`) };
}

function run(cmd, args, { cwd, env }, log) {
  appendFileSync(log, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  try {
    const out = execFileSync(cmd, args, {
      cwd,
      env: env ?? process.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 28,
    });
    appendFileSync(log, out);
  } catch (err) {
    appendFileSync(log, `${err.stdout ?? ''}${err.stderr ?? ''}`);
    const tail = readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
    throw new Error(`install-code-server: '${cmd} ${args.join(' ')}' failed in ${cwd} (log: ${log})\n${tail}`);
  }
}

export function ensureCodeServer(version = DEFAULT_VERSION, { quiet = false } = {}) {
  const paths = codeServerPaths(version);
  if (paths.installed) return paths;
  const say = (m) => quiet || console.log(`install-code-server ${version}: ${m}`);
  const rg = which('rg');
  if (!rg) throw new Error('install-code-server: ripgrep (rg) is missing: apt-get install -y ripgrep');

  mkdirSync(cacheRoot(), { recursive: true });
  const staging = `${paths.dir}.partial`;
  const log = join(cacheRoot(), `code-server-${version}.log`);
  rmSync(staging, { recursive: true, force: true });
  writeFileSync(log, `install code-server ${version}\n`);
  const started = Date.now();

  const env = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  if (needsNode24(version)) {
    say('Node 24 from npm');
    const n24 = ensureNode24(log);
    env.PATH = `${dirname(n24.bin)}:${env.PATH}`;
    env.npm_config_nodedir = n24.headers;
  } else if (existsSync(join(dirname(dirname(process.execPath)), 'include/node/node.h'))) {
    env.npm_config_nodedir = dirname(dirname(process.execPath));
  }
  const sh = (cwd, cmd, ...args) => run(cmd, args, { cwd, env }, log);

  say(`npm pack code-server@${version}`);
  mkdirSync(staging, { recursive: true });
  const tmp = join(staging, '..', `code-server-${version}.pack`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  sh(tmp, 'npm', 'pack', `code-server@${version}`);
  sh(tmp, 'tar', 'xzf', `code-server-${version}.tgz`);
  rmSync(staging, { recursive: true, force: true });
  renameSync(join(tmp, 'package'), staging);
  rmSync(tmp, { recursive: true, force: true });

  say('code-server dependencies');
  sh(staging, 'npm', 'install', '--omit=dev', '--ignore-scripts');
  sh(staging, 'npm', 'rebuild', 'argon2');
  const vs = join(staging, 'lib/vscode');
  say('VS Code dependencies and native modules');
  sh(vs, 'npm', 'install', '--omit=dev', '--ignore-scripts');
  sh(
    vs,
    'npm',
    'rebuild',
    '@parcel/watcher',
    '@vscode/spdlog',
    '@vscode/deviceid',
    'kerberos',
    'native-watchdog',
    'node-pty',
  );
  mkdirSync(join(vs, 'node_modules/@vscode/ripgrep/bin'), { recursive: true });
  cpSync(rg, join(vs, 'node_modules/@vscode/ripgrep/bin/rg'));
  const link = (target, path) => existsSync(path) || symlinkSync(target, path);
  link('node_modules', join(vs, 'node_modules.asar'));
  link('code-linux.sh', join(vs, 'bin/remote-cli/code-server'));
  link('browser-linux.sh', join(vs, 'bin/helpers/browser.sh'));
  say('built-in extensions');
  sh(join(vs, 'extensions'), 'npm', 'install', '--omit=dev', '--ignore-scripts');
  sh(join(vs, 'extensions'), 'node', './postinstall.mjs');

  const out = execFileSync(paths.node, [join(staging, 'out/node/entry.js'), '--version'], { encoding: 'utf8', env });
  const reported = out.split('\n').find((l) => l.startsWith(`${version} `));
  if (!reported) throw new Error(`install-code-server: expected ${version}, entry.js --version says '${out.trim()}'`);
  writeFileSync(join(staging, MARKER), `${reported}\n`);
  rmSync(paths.dir, { recursive: true, force: true });
  renameSync(staging, paths.dir);
  say(`installed in ${paths.dir} (${((Date.now() - started) / 1000).toFixed(0)}s): ${reported}`);
  return codeServerPaths(version);
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const versions = process.argv.slice(2);
  try {
    for (const v of versions.length ? versions : [DEFAULT_VERSION]) console.log(ensureCodeServer(v).dir);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
