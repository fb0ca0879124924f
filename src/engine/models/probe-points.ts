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
 * that no activation follows (or the norm that ends a post-norm block). Only [N, C], [N, T, C] and [N, H, W, C] outputs qualify.
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
    if (l.kind === 'add' || l.kind === 'concat') return (consumers.get(l.name)?.length ?? 0) > 0 && !only(l, ['activation', 'pool', 'norm']);
    // Post-norm residual blocks (add → norm only) end at the norm; a pre-activation norm after an add does not.
    if (l.kind === 'norm') {
      return l.inputs.some((i) => {
        const input = byName.get(i);
        return !!input && ['add', 'concat'].includes(input.kind) && only(input, ['norm']);
      });
    }
    return false;
  };
  return layers.map((l, depth) => ({ name: l.name, kind: l.kind, shape: l.shape, depth, probePoint: probe(l), op: l.op }));
}

/** Activation ops that are not non-linearities worth probing after (they turn features into a distribution). */
export const SOFTMAX_OPS = new Set(['softmax', 'logsoftmax', 'log_softmax']);
