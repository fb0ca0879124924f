#!/usr/bin/env node
/**
 * Builds a platform-specific VSIX: production bundles + the onnxruntime-node binaries of --target only.
 *   node scripts/package.mjs [--target linux-x64]      → knowledge-consistency-<target>-<version>.vsix
 * Other VS Code targets that onnxruntime-node ships binaries for: linux-arm64, darwin-arm64, win32-x64, win32-arm64.
 * Prints the VSIX's size and file count.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Number of entries in a zip, from its end-of-central-directory record. */
export function zipEntryCount(file) {
  const buf = readFileSync(file);
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return buf.readUInt16LE(i + 10);
  }
  throw new Error(`package: ${file} is not a zip file`);
}

/** Extension files in the VSIX (the zip also holds [Content_Types].xml and extension.vsixmanifest). */
export function vsixFiles(file) {
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.startsWith('extension/'));
}

export function packageVsix({ target = `${process.platform}-${process.arch}`, out } = {}) {
  const file = resolve(out ?? join(root, `${pkg.name}-${target}-${pkg.version}.vsix`));
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production', '--target', target], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('package: the build failed');
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  // No repository URL to rewrite the README's links to the repo's docs against: they stay relative (vsce refuses otherwise).
  const r = spawnSync(
    process.execPath,
    [
      vsce,
      'package',
      '--target',
      target,
      '--no-dependencies',
      '--allow-missing-repository',
      '--no-rewrite-relative-links',
      '--out',
      file,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`package: vsce package failed\n${r.stdout}`);
  return { file, target, bytes: statSync(file).size, files: zipEntryCount(file) };
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  try {
    const started = Date.now();
    const v = packageVsix({ target: opt('--target'), out: opt('--out') });
    const mb = (v.bytes / 1024 / 1024).toFixed(1);
    console.log(
      `package: ${v.file} (${v.target}): ${mb} MB, ${v.files} files in the zip, ${((Date.now() - started) / 1000).toFixed(0)}s`,
    );
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
