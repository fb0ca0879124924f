import { KcError } from '../errors';
import type { LayerInfo } from '../../protocol/report';

export interface MemberLayers {
  /** The model's display name, for messages. */
  name: string;
  layers: LayerInfo[];
}

/**
 * The layers a family or drift job compares, in the first model's depth order: the `explicit` names (each must be a
 * layer of every model), or else the names that are a probe point in every model. Same-named layers are the only
 * pairing here: across N models there is no one depth pairing to pick.
 */
export function sharedLayers(members: readonly MemberLayers[], explicit?: readonly string[]): string[] {
  const [first] = members;
  if (!first) throw new KcError('no models to compare');
  if (explicit?.length) {
    for (const name of explicit) {
      const missing = members.find((m) => !m.layers.some((l) => l.name === name));
      if (missing) throw new KcError(`${missing.name} has no layer named "${name}": see kc layers`);
    }
    const depth = new Map(first.layers.map((l) => [l.name, l.depth]));
    return [...new Set(explicit)].sort((a, b) => depth.get(a)! - depth.get(b)!);
  }
  const points = (m: MemberLayers) => new Set(m.layers.filter((l) => l.probePoint).map((l) => l.name));
  const sets = members.map(points);
  const shared = first.layers.filter((l) => sets.every((s) => s.has(l.name))).map((l) => l.name);
  if (shared.length === 0) {
    throw new KcError(
      `the models share no probe point name (${[...sets[0]].slice(0, 6).join(', ') || 'none'} in ${first.name}): choose same-named layers with --layers (see kc layers)`,
    );
  }
  return shared;
}
