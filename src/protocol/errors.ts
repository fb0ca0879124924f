/** Kinds of errors a user can act on; the worker sends the code with the message so the host can tell them apart. */
export type KcErrorCode =
  | 'invalid-input'
  | 'shape-mismatch'
  | 'non-finite'
  | 'model-parse'
  | 'unsupported'
  | 'probe'
  | 'storage'
  | 'cancelled'
  | 'internal';
