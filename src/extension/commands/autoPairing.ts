/**
 * The wizard's automatic layer pairing, pure (no vscode): B's partner of A's layer is the layer of the same name, else
 * the one at the nearest relative depth, among the probe points: the engine's default rule in its simplest form
 * (src/engine/pairing.ts also weighs spatial sizes); what the wizard shows is what runs.
 */
import type { LayerInfo } from '../../protocol/report';

/** A layer's depth as a fraction of its model's deepest layer: how the automatic rule compares two models. */
function relativeDepth(layer: LayerInfo, all: LayerInfo[]): number {
  const max = Math.max(1, ...all.map((l) => l.depth));
  return layer.depth / max;
}

/** B's partner of A's layer: the same name, else the nearest relative depth (ties: the earlier layer). */
export function autoPartner(layer: LayerInfo, allA: LayerInfo[], candidates: LayerInfo[], allB: LayerInfo[]): string {
  const same = candidates.find((b) => b.name === layer.name);
  if (same) return same.name;
  const d = relativeDepth(layer, allA);
  let best = candidates[0];
  for (const b of candidates)
    if (Math.abs(relativeDepth(b, allB) - d) < Math.abs(relativeDepth(best, allB) - d)) best = b;
  return best.name;
}

/** The layers compared by default: the probe points, or every layer when a model marks none. */
export function probePoints(all: LayerInfo[]): LayerInfo[] {
  return all.some((l) => l.probePoint) ? all.filter((l) => l.probePoint) : all;
}

/** A's probe points, each with its automatic partner among B's probe points. */
export function automaticPairs(allA: LayerInfo[], allB: LayerInfo[]): Array<{ a: string; b: string }> {
  const candidates = probePoints(allB);
  if (candidates.length === 0) return [];
  return probePoints(allA).map((layer) => ({ a: layer.name, b: autoPartner(layer, allA, candidates, allB) }));
}
