/**
 * A queued run as Redis remembers it, so that `kc status <run>` can follow it from any machine: the coordinator
 * records what it published under kc:run:<id> (kept as long as the results), and keeps a short-lived key alive while
 * it follows the run, so that status can tell a live run from one whose coordinator is gone.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from 'bullmq';
import type { QueueRunRecord } from '../../protocol/queue-status';

/** The Redis commands the record needs, on a queue's own connection (queue.backend.client). */
export type RunStore = Pick<RedisClient, 'get' | 'set' | 'del'>;

/** As long as the finished fits (dispatch.ts removeOnComplete). */
export const RUN_TTL_SECONDS = 30 * 24 * 3600;
/** A coordinator refreshes its key far more often than this (every few seconds); a dead one's key is gone after it. */
const COORDINATOR_TTL_SECONDS = 15;

const runKey = (id: string) => `kc:run:${id}`;
const coordinatorKey = (id: string) => `kc:run:${id}:coordinator`;

/** The run's id: 8 hex digits of the sha256 of its fit ids, so the same command gives the same id on any machine. */
export function runId(fitIds: readonly string[]): string {
  return createHash('sha256').update(fitIds.join('\n')).digest('hex').slice(0, 8);
}

/** A run id as kc prints it; anything else is not looked up. */
export const RUN_ID = /^[0-9a-f]{8}$/;

export async function writeRun(store: RunStore, run: QueueRunRecord): Promise<void> {
  await store.set(runKey(run.id), JSON.stringify(run), { EX: RUN_TTL_SECONDS });
}

export async function readRun(store: RunStore, id: string): Promise<QueueRunRecord | undefined> {
  const text = RUN_ID.test(id) ? await store.get(runKey(id)) : null;
  return text ? (JSON.parse(text) as QueueRunRecord) : undefined;
}

/** This process, as status names the coordinator. */
export const coordinatorName = () => `${hostname()}:${process.pid}`;

export async function markCoordinator(store: RunStore, id: string, live: boolean): Promise<void> {
  if (live) await store.set(coordinatorKey(id), coordinatorName(), { EX: COORDINATOR_TTL_SECONDS });
  else await store.del(coordinatorKey(id));
}

export async function readCoordinator(store: RunStore, id: string): Promise<string | undefined> {
  return (await store.get(coordinatorKey(id))) ?? undefined;
}

type RunListener = (run: QueueRunRecord) => void;
const listeners = new Set<RunListener>();

/**
 * Tells the caller (the CLI, to print the run's id) each run this process publishes on a queue; returns the
 * unsubscribe function.
 */
export function onQueueRun(listener: RunListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceRun(run: QueueRunRecord): void {
  for (const listener of listeners) listener(run);
}
