import type { KcErrorCode } from '../protocol/errors';

export type { KcErrorCode };
/**
 * Errors the user can act on. Their messages are shown as is (one line, no stack): say what is wrong,
 * with which file or shape, and what to do.
 */
export class KcError extends Error {
  constructor(
    message: string,
    readonly code: KcErrorCode = 'invalid-input',
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ShapeMismatchError extends KcError {
  constructor(message: string) {
    super(message, 'shape-mismatch');
  }
}

export class ModelParseError extends KcError {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message, 'model-parse');
  }
}
