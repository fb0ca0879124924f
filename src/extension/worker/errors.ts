import type { KcErrorCode } from '../../protocol/errors';

/** How a worker request can fail, as classes so callers branch with instanceof (hung ≠ crashed ≠ bad input). */

/** The worker process exited (crash, out of memory, killed from outside) while a request was in flight. */
export class WorkerCrashedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The worker did not answer (or, for a compare, did not report progress) in time; it was killed. */
export class WorkerTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(
      `The engine worker did not answer ${method} within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`} and was stopped.`,
    );
    this.name = new.target.name;
  }
}

/** The engine rejected the input (a KcError in the worker): its one-line message is meant for the user. */
export class EngineUserError extends Error {
  constructor(
    message: string,
    readonly code: KcErrorCode | undefined,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
