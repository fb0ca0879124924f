import { createRequire } from 'node:module';

/**
 * A worker thread's script bundled in memory from its TypeScript source `entry` (tests, bench): worker threads get none
 * of tsx's hooks on Node 20. Built in seconds: callers keep it once built.
 */
export function bundledThreadSource(entry: string): string {
  const esbuild = createRequire(__filename)('esbuild') as typeof import('esbuild');
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    external: ['onnxruntime-node', '@tensorflow/tfjs-node'],
    logLevel: 'silent',
  });
  return outputFiles[0].text;
}
