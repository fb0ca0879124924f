/**
 * The disentangler pair a progress line is about. The engine labels its pair stage
 * "pair j/n <layerA> → <layerB> <A->B|B->A>" (src/engine/compare.ts); the panel marks that cell as running.
 */
import type { PairFocus } from '../../protocol/webview.protocol';

const PAIR_STAGE = /^pair \d+\/\d+ (.+?) → (.+?) (A->B|B->A)(?: ·|$)/;

export function runningPair(message: string): PairFocus | undefined {
  const m = PAIR_STAGE.exec(message);
  return m ? { layerA: m[1], layerB: m[2], direction: m[3] as PairFocus['direction'] } : undefined;
}
