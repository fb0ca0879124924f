import type { LayerInfo } from '../../protocol/report';

/** A listed layer before probe points are chosen: what every adapter knows about its graph. */
export interface GraphLayer {
  name: string;
  kind: string;
  op: string;
  /** NHWC (or [N, C]) with batch -1; [] when unknown. */
  shape: number[];
  /** Names of the listed layers whose outputs feed this one. */
  inputs: string[];
  /** Ends with a non-linearity (an activation layer or a conv/dense with a fused activation), softmax excluded. */
  activating: boolean;
}

/**
 * The default probe points, as the method wants them: feature maps after non-linearities, with a pooling that
 * directly follows an activation taken instead of it (the block's output), and residual/concat block outputs
 * that no activation follows (or the norm that ends a post-norm block). Only [N, C], [N, T, C] and [N, H, W, C]
 * outputs qualify; deep models keep at most MAX_DEFAULT_PROBES of them (see thin).
 */
export function withProbePoints(layers: GraphLayer[]): LayerInfo[] {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const consumers = new Map<string, GraphLayer[]>();
  for (const l of layers) for (const i of l.inputs) consumers.set(i, [...(consumers.get(i) ?? []), l]);
  const only = (l: GraphLayer, kinds: string[]) => {
    const c = consumers.get(l.name) ?? [];
    return c.length > 0 && c.every((x) => kinds.includes(x.kind));
  };
  const probe = (l: GraphLayer): boolean => {
    if (l.shape.length < 2 || l.shape.length > 4) return false;
    if (l.activating) return !only(l, ['pool']);
    if (l.kind === 'pool') return l.inputs.some((i) => byName.get(i)?.activating);
    if (l.kind === 'add' || l.kind === 'concat')
      return (consumers.get(l.name)?.length ?? 0) > 0 && !only(l, ['activation', 'pool', 'norm']);
    // Post-norm residual blocks (add → norm only) end at the norm; a pre-activation norm after an add does not.
    if (l.kind === 'norm') {
      return l.inputs.some((i) => {
        const input = byName.get(i);
        return !!input && ['add', 'concat'].includes(input.kind) && only(input, ['norm']);
      });
    }
    return false;
  };
  const merges = (l: GraphLayer) => l.kind === 'add' || l.kind === 'concat';
  const isBlockOutput = (l: GraphLayer) => merges(l) || l.inputs.some((i) => merges(byName.get(i) ?? l));
  const chosen = thin(layers.filter(probe), isBlockOutput);
  return layers.map((l, depth) => ({
    name: l.name,
    kind: l.kind,
    shape: l.shape,
    depth,
    probePoint: chosen.has(l.name),
    op: l.op,
  }));
}

/** More default probe points than this would make the default comparison of a deep model take hours. */
export const MAX_DEFAULT_PROBES = 16;

/**
 * Thins a deep model's candidates to MAX_DEFAULT_PROBES: every stage output (the last candidate before the
 * spatial size changes, and the last one overall) is kept, then block outputs (residual adds, concats and the
 * activation or norm right after them), then other candidates, each spread evenly over depth. Any layer can
 * still be chosen explicitly.
 */
function thin(candidates: GraphLayer[], isBlockOutput: (l: GraphLayer) => boolean): Set<string> {
  if (candidates.length <= MAX_DEFAULT_PROBES) return new Set(candidates.map((l) => l.name));
  const size = (l: GraphLayer) => (l.shape.length === 4 ? `${l.shape[1]}x${l.shape[2]}` : 'flat');
  const stageEnds = candidates.filter((l, i) => i === candidates.length - 1 || size(l) !== size(candidates[i + 1]));
  const kept = new Set(spread(stageEnds, MAX_DEFAULT_PROBES).map((l) => l.name));
  const rest = candidates.filter((l) => !kept.has(l.name));
  const blocks = rest.filter(isBlockOutput);
  for (const l of spread(blocks, MAX_DEFAULT_PROBES - kept.size)) kept.add(l.name);
  const others = rest.filter((l) => !isBlockOutput(l));
  for (const l of spread(others, MAX_DEFAULT_PROBES - kept.size)) kept.add(l.name);
  return kept;
}

/** `count` items of `list` evenly spread over it (all of them when it is short enough). */
function spread<T>(list: T[], count: number): T[] {
  if (list.length <= count) return list;
  return Array.from({ length: Math.max(0, count) }, (_, k) => list[Math.floor(((k + 0.5) * list.length) / count)]);
}
