/**
 * Errors the user can act on. Their messages are shown as is (one line, no stack): say what is wrong,
 * with which file or shape, and what to do.
 */
export class KcError extends Error {
  constructor(message: string, readonly code: KcErrorCode = 'invalid-input') {
    super(message);
    this.name = new.target.name;
  }
}

export type KcErrorCode =
  | 'invalid-input'
  | 'shape-mismatch'
  | 'non-finite'
  | 'model-parse'
  | 'unsupported'
  | 'probe'
  | 'cancelled'
  | 'internal';

export class ShapeMismatchError extends KcError {
  constructor(message: string) {
    super(message, 'shape-mismatch');
  }
}

export class ModelParseError extends KcError {
  constructor(message: string, readonly file?: string) {
    super(message, 'model-parse');
  }
}
