/**
 * The layer table's kinds for PyTorch modules: from the module's class, and for classes of the model's own (a block
 * ending in a residual add) from the op that made the output, where the file shows it (TorchScript).
 */

const KIND_BY_TYPE: Array<[RegExp, string]> = [
  [/^(Lazy)?Conv(Transpose)?[123]d$/, 'conv'],
  [/^(Lazy)?Linear$|^Bilinear$/, 'dense'],
  [/Pool[123]d$/, 'pool'],
  [/Norm([123]d)?$/, 'norm'],
  [/^(Un)?[Ff]latten$/, 'reshape'],
  [/Dropout([123]d)?$/, 'dropout'],
  [/^Identity$/, 'identity'],
  [/^(Upsample|UpsamplingNearest2d|UpsamplingBilinear2d|PixelShuffle|PixelUnshuffle)$/, 'resize'],
];

const ACTIVATION_TYPES = new Set([
  'ReLU',
  'ReLU6',
  'LeakyReLU',
  'PReLU',
  'RReLU',
  'ELU',
  'SELU',
  'CELU',
  'GELU',
  'SiLU',
  'Mish',
  'Sigmoid',
  'Tanh',
  'Hardtanh',
  'Hardswish',
  'Hardsigmoid',
  'Softplus',
  'Softsign',
  'LogSigmoid',
  'Threshold',
  'Softmax',
  'Softmax2d',
  'LogSoftmax',
]);
/** A softmax output is a distribution, not a feature map: listed, never a default probe point. */
const NOT_PROBED = new Set(['Softmax', 'Softmax2d', 'LogSoftmax', 'aten::softmax', 'aten::log_softmax']);

const ACTIVATION_OPS =
  /^aten::(relu|relu6|leaky_relu|prelu|rrelu|elu|selu|celu|gelu|silu|mish|sigmoid|tanh|hardtanh|hardswish|hardsigmoid|softplus|threshold)_?$/;
const KIND_BY_OP: Array<[RegExp, string]> = [
  [/^aten::(add|sum)_?$/, 'add'],
  [/^aten::cat$/, 'concat'],
  [/^aten::(_convolution|conv\dd)$/, 'conv'],
  [/^aten::(linear|matmul|addmm)$/, 'dense'],
  [/pool/, 'pool'],
  [/norm/, 'norm'],
];

/** Kind and whether the output follows a non-linearity, for a module class and the op that made its output. */
export function torchKind(type: string, op: string): { kind: string; activating: boolean } {
  if (ACTIVATION_TYPES.has(type) || ACTIVATION_OPS.test(op) || /^aten::(log_)?softmax$/.test(op))
    return { kind: 'activation', activating: !NOT_PROBED.has(type) && !NOT_PROBED.has(op) };
  const byType = KIND_BY_TYPE.find(([pattern]) => pattern.test(type));
  if (byType) return { kind: byType[1], activating: false };
  return { kind: KIND_BY_OP.find(([pattern]) => pattern.test(op))?.[1] ?? 'other', activating: false };
}
