/** A throwaway redis-server on 127.0.0.1 for a test file: a free port, no persistence, stopped by the test. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Why the queue tests cannot run here, or undefined when they can (CI installs redis-server: .ci/run). */
export const REDIS_MISSING = spawnSync('redis-server', ['--version']).error
  ? 'redis-server is not installed (apt-get install redis-server); CI installs it'
  : undefined;

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** `port`: start again where a stopped server was (a restart: no persistence, so its jobs are gone). */
export async function startRedis(port?: number): Promise<RedisServer & { port: number }> {
  port ??= await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopProcess(server) };
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** A port the OS just handed out and released (another process could take it in between: unlikely in a test). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
