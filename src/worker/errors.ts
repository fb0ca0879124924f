import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import { CancelledError } from '../engine/cancel';
import { KcError } from '../engine/errors';
import { WorkerErrorCodes, type UserErrorData } from '../protocol/worker.protocol';

/** Maps an engine failure onto the wire: KcError keeps its one-line message and code, a cancel is a cancel. */
export function toResponseError(error: unknown): ResponseError<UserErrorData | undefined> {
  if (error instanceof ResponseError) return error;
  if (error instanceof CancelledError) return new ResponseError(WorkerErrorCodes.cancelled, 'cancelled', undefined);
  if (error instanceof KcError)
    return new ResponseError(WorkerErrorCodes.userError, error.message, { code: error.code });
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(ErrorCodes.InternalError, `internal error: ${message}`, undefined);
}
