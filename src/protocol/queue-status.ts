/**
 * Where a queued run stands (`kc status <run> --queue <url> --json`): what its coordinator recorded in Redis when it
 * published the fits, and each fit's state as the queue holds it now.
 */

/** What a coordinator (kc compare | family | drift --queue) records about its run. */
export interface QueueRunRecord {
  /** Short hash of the run's fit job ids: the same command (same models, probe, settings, kc version) gives the same id. */
  id: string;
  command: 'compare' | 'family' | 'drift';
  /** The models' names, as the report names them. */
  models: string[];
  /** When a coordinator last published the run (ISO 8601). */
  startedAt: string;
  /** When its coordinator had every fit's outcome, if one did. */
  finishedAt?: string;
  /** In report order: the BullMQ job id and "layerA ↔ layerB direction". */
  fits: Array<{ id: string; label: string }>;
}

/**
 * A fit's state on the queue. `retrying`: it failed and waits for its next attempt; `failed`: out of attempts (the
 * report lists it as skipped); `skipped`: finished, but its data could not be fitted (a constant layer, say);
 * `missing`: not on the queue — withdrawn when its coordinator stopped before a worker took it, or expired.
 */
export type QueueFitState = 'completed' | 'skipped' | 'running' | 'waiting' | 'retrying' | 'failed' | 'missing';

export interface QueueFitStatus {
  id: string;
  label: string;
  state: QueueFitState;
  /** The worker running it (running) or that ran it (completed, skipped). */
  worker?: string;
  /** Epochs done of the fit's epochs, as its worker last reported (running). */
  progress?: { done: number; total: number };
  /** Why it failed (failed, retrying) or was skipped. */
  reason?: string;
  /** Attempts that failed so far. */
  attempts?: number;
}

export interface QueueRunStatus {
  run: QueueRunRecord;
  fits: QueueFitStatus[];
  /** Fits per state. */
  counts: Record<QueueFitState, number>;
  /** kc workers connected to the queue now (any run's). */
  workers: string[];
  /** The coordinator following the run now ("host:pid"), if one is. */
  coordinator?: string;
  /** Every fit has an outcome: completed, skipped or failed. */
  done: boolean;
  /** The run cannot finish as it stands: fits are missing from the queue and no coordinator is there to publish them
   * again (run the same coordinator command again: finished fits are reused). */
  stopped: boolean;
}

/** kc status's exit codes. */
export const QUEUE_STATUS_EXIT = { done: 0, unknown: 1, running: 2, stopped: 3 } as const;
