/**
 * Where the fit queue lives: one BullMQ queue on the Redis server a URL names, shared by coordinators (kc compare
 * --queue) and workers (kc worker).
 */
import { Redis } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { KcError } from '../errors';

/** The BullMQ queue of disentangler fits (keys bull:kc-fits:*). */
export const FIT_QUEUE = 'kc-fits';

/** The URL with its password hidden, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Checks once, quickly, that the server answers, so that a wrong URL is a one-line error instead of BullMQ's
 * endless reconnecting; BullMQ's own connections (from the returned options) then reconnect after a drop.
 */
export async function connectRedis(url: string): Promise<ConnectionOptions> {
  if (!/^rediss?:\/\//.test(url)) throw new KcError(`--redis/--queue needs a redis:// URL, got "${redactedUrl(url)}"`);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The socket's error (ECONNREFUSED, a DNS failure) says more than connect()'s "Connection is closed".
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new KcError(`cannot reach Redis at ${redactedUrl(url)}: ${(cause ?? (error as Error)).message}`);
  } finally {
    probe.disconnect();
  }
  return { url };
}
