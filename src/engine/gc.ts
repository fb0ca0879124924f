/**
 * A full garbage collection on demand. A pair's features (hundreds of MB in ArrayBuffers, shared with the fit
 * threads) are freed only when V8 collects them, and it may not before the next pair's are read: the faceres
 * self-comparison held a 321 MB layer of garbage beside the next 642 MB one. Collecting when a pair is done keeps
 * the process inside its memory budget. V8's gc() is exposed once, here, for this.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
