/**
 * The wizard's pre-fill: the engine's own pairing rule (src/engine/pairing.ts, pure), so that what the wizard shows
 * is what a compare without chosen layers runs, and a layer added by hand gets the partner `--layers-a` would give it.
 */
import { pairLayers } from '../../engine/pairing';
import type { LayerInfo } from '../../protocol/report';

/** A model that marks no probe points offers all its layers (the engine would ask for explicit layers instead). */
function withProbePoints(all: LayerInfo[]): LayerInfo[] {
  return all.some((l) => l.probePoint) ? all : all.map((l) => ({ ...l, probePoint: true }));
}

/** The engine's automatic pairs of A's and B's probe points. */
export function automaticPairs(allA: LayerInfo[], allB: LayerInfo[]): Array<{ a: string; b: string }> {
  if (allA.length === 0 || allB.length === 0) return [];
  return pairLayers(withProbePoints(allA), withProbePoints(allB)).pairs.map((p) => ({ a: p.layerA, b: p.layerB }));
}

/** B's partner of one chosen layer of A, by the engine's rule for a list of A's layers alone. */
export function autoPartner(layerA: string, allA: LayerInfo[], allB: LayerInfo[]): string {
  return pairLayers(allA, withProbePoints(allB), [layerA]).pairs[0].layerB;
}
