import { createHash, type Hash } from 'node:crypto';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import type { ModelRef } from '../../protocol/report';
import { createSession } from '../compute/ort-session';
import { KcError, ModelParseError } from '../errors';
import { extractionRuns, fixedBatchOf } from './batches';
import { ListedAdapter, type Extraction } from './listed-adapter';
import { nhwcToNchw } from './layout';
import { fedType, onnxInputSpec, typedTensor } from './onnx-input';
import type { InputSpec } from './input-range';
import { modelRef } from './files';
import { ModelFolder, oneLine, quoteRef, readChecked, type CheckedFile } from './model-files';
import { withProbePoints, type GraphLayer } from './probe-points';
import { onnxSequenceInputs, sequenceFeeds, trialTokens, type OnnxSequence } from './onnx-sequence';
import { sequenceFeatures, sequenceLayers, TOKEN_CHANNELS, TRIAL_TOKENS } from './sequence';
import { tokenizerFiles } from './tokenizer-file';
import type { InputBatch, ModelAdapter } from './types';

const KIND_BY_OP: Record<string, string> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  ConvInteger: 'conv',
  QLinearConv: 'conv',
  FusedConv: 'conv',
  Gemm: 'dense',
  MatMul: 'dense',
  MatMulInteger: 'dense',
  QLinearMatMul: 'dense',
  FusedMatMul: 'dense',
  MaxPool: 'pool',
  AveragePool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  LpPool: 'pool',
  BatchNormalization: 'norm',
  InstanceNormalization: 'norm',
  LayerNormalization: 'norm',
  GroupNormalization: 'norm',
  LRN: 'norm',
  Add: 'add',
  Sum: 'add',
  Concat: 'concat',
  Reshape: 'reshape',
  Flatten: 'reshape',
  Transpose: 'reshape',
  Squeeze: 'reshape',
  Unsqueeze: 'reshape',
  Resize: 'resize',
  Upsample: 'resize',
  Dropout: 'dropout',
  Identity: 'identity',
};
const ACTIVATION_OPS = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'HardSigmoid',
  'HardSwish',
  'ThresholdedRelu',
  'Gelu',
  'Mish',
  'Clip',
  'Softmax',
  'LogSoftmax',
]);
const NOT_PROBED_ACTIVATIONS = new Set(['Softmax', 'LogSoftmax']);
const FLOAT_TYPES = new Set<number>([onnx.TensorProto.DataType.FLOAT, onnx.TensorProto.DataType.DOUBLE]);

type Dims = Array<number | string>;
interface ValueType {
  elemType?: number;
  dims?: Dims;
}

/**
 * ONNX models through onnxruntime-node. ONNX returns only graph outputs, so the adapter re-encodes the ModelProto
 * (onnx-proto) with the chosen values added as outputs. 4-D values are read as NCHW (ONNX's layout for
 * Conv/Pool/Norm) and handed to the sink as NHWC; [N, T, C] values as [N, 1, T, C]. The NCHW → NHWC transpose
 * runs inside the graph (a Transpose node per 4-D output), where ORT folds it into the reorder out of its
 * blocked conv layout: done in JS per batch it took about half of the extraction time.
 */
export async function openOnnx(file: string): Promise<ModelAdapter> {
  const folder = await ModelFolder.of(file);
  const bytes = await readChecked(await folder.modelFile());
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelParseError(
      `${file} is not a valid ONNX model (${(e as Error).message}); is the file complete?`,
      file,
    );
  }
  const graph = model.graph as onnx.GraphProto | null;
  if (!graph || !graph.node || graph.node.length === 0)
    throw new ModelParseError(`${file} is not an ONNX model: it has no graph nodes`, file);
  const hash = createHash('sha256').update(bytes);
  // onnxruntime resolves external data only for models loaded by path; the adapter loads re-encoded bytes.
  const inlined = (await inlineExternalData(folder, graph, hash)) ? onnx.ModelProto.encode(model).finish() : bytes;
  await checkLoads(inlined, file, graph);
  // its tokenizer decides what a sequence model is fed (model-hash.ts hashes the same files)
  for (const tokenizer of await tokenizerFiles(folder)) hash.update(await readChecked(tokenizer));
  const adapter = new OnnxAdapter(file, model, hash.digest('hex'));
  await adapter.init();
  return adapter;
}

/**
 * Moves tensors saved as external data (save_as_external_data, > 2 GB exports) into the model. Every location is
 * checked first (model-files.ts: inside the model's folder, a regular file) and its declared ranges against its
 * size; then each file is read once, up to the last byte a tensor uses, and joins the content hash. onnxruntime's
 * own location checks never run: it is handed the bytes. Returns whether there were any.
 */
async function inlineExternalData(folder: ModelFolder, graph: onnx.GraphProto, hash: Hash): Promise<boolean> {
  const file = folder.file;
  const external = (graph.initializer as onnx.TensorProto[]).filter(
    (t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
  );
  const uses: Array<{ tensor: onnx.TensorProto; data: CheckedFile; offset: number; end: number }> = [];
  /** Per data file, the last byte a tensor uses: what is read of it. */
  const needed = new Map<CheckedFile, number>();
  for (const tensor of external) {
    const info = Object.fromEntries(tensor.externalData.map((e) => [e.key, e.value]));
    const what = `external data ${quoteRef(info.location)} of tensor ${oneLine(tensor.name ?? '')}`;
    const data = await folder.reference(info.location, what);
    const offset = byteCount(info.offset ?? '0');
    const length = info.length === undefined ? undefined : byteCount(info.length);
    if (offset === undefined || (info.length !== undefined && length === undefined)) {
      throw new ModelParseError(`${file}: ${what} has an offset or length that is not a byte count`, file);
    }
    const end = length === undefined ? data.size : offset + length;
    if (offset > data.size || end > data.size) {
      throw new ModelParseError(
        `${file}: ${what} needs bytes ${offset}–${end} of a file that holds ${data.size}; the file is truncated`,
        file,
      );
    }
    uses.push({ tensor, data, offset, end });
    needed.set(data, Math.max(needed.get(data) ?? 0, end));
  }
  const read = new Map<CheckedFile, Buffer>();
  for (const use of uses) {
    let bytes = read.get(use.data);
    if (!bytes) {
      bytes = await readChecked(use.data, needed.get(use.data));
      read.set(use.data, bytes);
      hash.update(bytes);
    }
    use.tensor.rawData = bytes.subarray(use.offset, use.end);
    use.tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
    use.tensor.externalData = [];
  }
  return external.length > 0;
}

/** A non-negative integer written as a string (ONNX's offset and length), or undefined. */
function byteCount(text: string | null | undefined): number | undefined {
  const n = /^\d+$/.test(text ?? '') ? Number(text) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Loads the model once in onnxruntime, to turn unsupported ops and broken graphs into messages at open time. */
async function checkLoads(bytes: Uint8Array, file: string, graph: onnx.GraphProto): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  } catch (e) {
    const message = (e as Error).message;
    const ops = [...new Set(nodesOf(graph).map((n) => n.opType))];
    const op = ops.find((o) => o && new RegExp(`\\b${o}\\(`).test(message));
    if (op || /not a registered function\/op|Could not find an implementation/.test(message)) {
      throw new ModelParseError(
        `${file}: ONNX op ${op ?? '(see below)'} is not supported by onnxruntime ${ort.env.versions.common}; export the model with standard ops (opset ≤ 21)${op ? '' : `: ${firstLine(message)}`}`,
        file,
      );
    }
    throw new ModelParseError(`${file}: onnxruntime cannot load the model: ${firstLine(message)}`, file);
  }
  await session.release();
}

class OnnxAdapter extends ListedAdapter {
  readonly ref: ModelRef;
  inputShape: readonly number[] = [];
  input?: InputSpec;
  private readonly inputName: string;
  /** Set for token models (every input an integer [N, T]): the inputs are fed by name from a text probe. */
  readonly sequence?: OnnxSequence;
  private inputDims: Dims = [];
  private fixedBatch?: number;
  private layout: 'nchw' | 'nhwc' | 'flat' = 'nchw';
  /** ONNX rank of each listed layer's value (4 → NCHW, transposed to NHWC in the graph). */
  private readonly ranks = new Map<string, number>();
  /** The last extraction session, reused while the requested layers stay the same; outputs[i] holds layer i. */
  private runner?: { key: string; session: ort.InferenceSession; outputs: string[] };

  constructor(
    file: string,
    private readonly model: onnx.ModelProto,
    sha256: string,
  ) {
    super(file, { noun: 'layer', layout: '[N, C, H, W]' });
    const graph = graphOf(model);
    const initializers = new Set(graph.initializer.map((t) => t.name));
    const inputs = graph.input.filter((i) => !initializers.has(i.name));
    this.sequence = onnxSequenceInputs(inputs, file);
    if (inputs.length !== 1 && !this.sequence) {
      throw new KcError(
        `${file} has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); kc probes models with one image input or integer token inputs [N, T] (input_ids, attention_mask, token_type_ids)`,
        'unsupported',
      );
    }
    this.inputName = inputs[0].name!;
    this.ref = modelRef(file, { format: 'onnx', sha256 });
  }

  async init(): Promise<void> {
    const graph = graphOf(this.model);
    if (this.sequence) return this.initSequence(graph);
    const input = valueType(graph.input.find((i) => i.name === this.inputName)!);
    const dtype = fedType(input.elemType);
    if (!dtype) {
      throw new KcError(
        `${this.file}: input "${this.inputName}" is ${typeName(input.elemType)}; kc feeds float32 or integer images`,
        'unsupported',
      );
    }
    this.input = onnxInputSpec(this.model, this.inputName, dtype);
    this.inputDims = input.dims ?? [];
    this.fixedBatch = fixedBatchOf(this.inputDims[0], this.file, this.inputName);
    const d = this.inputDims.map((v) => (typeof v === 'number' && v > 0 ? v : -1));
    if (d.length === 4) {
      // ONNX images are NCHW; exporters from TF keep NHWC, recognisable by a channel count of 1 or 3 last.
      this.layout = [1, 3].includes(d[3]) && ![1, 3].includes(d[1]) ? 'nhwc' : 'nchw';
      this.inputShape = this.layout === 'nchw' ? [d[2], d[3], d[1]] : [d[1], d[2], d[3]];
    } else if (d.length === 2) {
      this.layout = 'flat';
      this.inputShape = [d[1]];
    } else {
      throw new KcError(
        `${this.file}: input "${this.inputName}" has rank ${d.length}; kc probes image ([N,C,H,W] or [N,H,W,C]) or flat ([N,D]) inputs`,
        'unsupported',
      );
    }
    this.listed = withProbePoints(await this.graphLayers());
    this.ref.inputShape = [...this.inputShape];
  }

  /** Token models: the input is a text probe tokenised to [n, T, 3] (models/sequence.ts); dims from input_ids. */
  private async initSequence(graph: onnx.GraphProto): Promise<void> {
    const ids = this.sequence!.roles[0].name;
    this.inputDims = valueType(graph.input.find((i) => i.name === ids)!).dims ?? [];
    this.fixedBatch = fixedBatchOf(this.inputDims[0], this.file, ids);
    this.inputShape = [this.sequence!.length || -1, TOKEN_CHANNELS];
    this.listed = sequenceLayers(withProbePoints(await this.graphLayers()), this.ranks);
    this.ref.inputShape = [...this.inputShape];
  }

  protected async extractChosen({ inputs, layerNames, chosen, sink, options }: Extraction): Promise<void> {
    const { session, outputs } = await this.sessionFor(layerNames);
    for await (const batch of extractionRuns(inputs, chosen, this.fixedBatch, options)) {
      const results = await session
        // fatal only: a failure is reported below in one line, not as onnxruntime's coloured log on stderr
        .run(this.feeds(batch), outputs, { logSeverityLevel: 4 })
        .catch((e: Error) => {
          // onnxruntime's own message (ANSI-coloured, graph-internal) means little to a user; the input size often does
          const hint = this.sequence
            ? `tokens [${batch.shape.slice(0, 2).join(', ')}]: ${firstLine(e.message)}; if the texts are longer than the model's positions, set model_max_length in the tokenizer_config.json beside it`
            : `probe inputs [${batch.shape.join(', ')}] (NHWC): ${firstLine(e.message)}; if the model takes images of another size, set it with --input-size H,W (e.g. a multiple of 32)`;
          throw new KcError(`${this.ref.name} failed on ${hint}`, 'shape-mismatch');
        });
      for (let i = 0; i < layerNames.length; i++) {
        let { shape, data } = toFeatures(results[outputs[i]], batch.valid, layerNames[i]);
        // [N, T, C] token features: mean over, or one sample per, real token; padding never reaches the store
        if (this.sequence && options.tokens) {
          const tokens = batch.data.subarray(0, batch.valid * batch.shape[1] * TOKEN_CHANNELS);
          const rank = this.ranks.get(layerNames[i]) ?? shape.length;
          ({ shape, data } = sequenceFeatures(options.tokens, layerNames[i], rank, shape, data, tokens));
        }
        await sink.write(layerNames[i], shape, data);
      }
    }
  }

  async dispose(): Promise<void> {
    await this.runner?.session.release();
    this.runner = undefined;
  }

  /** A run's inputs by name: the image input, or a sequence model's token inputs. */
  private feeds(batch: InputBatch): ort.InferenceSession.FeedsType {
    if (this.sequence) return sequenceFeeds(this.sequence, batch.data, batch.shape);
    return { [this.inputName]: this.inputTensor(batch) };
  }

  private inputTensor(batch: InputBatch): ort.Tensor {
    const [n, ...rest] = batch.shape;
    const expected = this.inputShape.every((v) => v > 0) ? this.inputShape.reduce((a, b) => a * b, 1) : -1;
    const per = rest.reduce((a, b) => a * b, 1);
    if (expected > 0 && per !== expected) {
      throw new KcError(
        `probe samples are [${rest.join(', ')}] but ${this.ref.name} takes [${this.inputShape.join(', ')}] (NHWC)`,
        'shape-mismatch',
      );
    }
    const dtype = this.input?.dtype ?? 'float32';
    if (this.layout === 'flat') return typedTensor(dtype, batch.data, [n, per]);
    if (rest.length !== 3)
      throw new KcError(`probe batches must be [N, H, W, C], got [${batch.shape.join(', ')}]`, 'shape-mismatch');
    const [h, w, c] = rest;
    if (this.layout === 'nhwc') return typedTensor(dtype, batch.data, [n, h, w, c]);
    return typedTensor(dtype, nhwcToNchw(batch.data, n, h, w, c), [n, c, h, w]);
  }

  private async sessionFor(names: readonly string[]): Promise<{ session: ort.InferenceSession; outputs: string[] }> {
    const key = names.join('\u0000');
    if (this.runner?.key === key) return this.runner;
    await this.runner?.session.release();
    this.runner = undefined;
    const { bytes, outputs } = this.withNhwcOutputs(names);
    // the engine's session options (2 intra-op threads, spinning off, CUDA where installed): ORT's defaults spin,
    // which cost ~40 % more CPU here for no gain in wall time on shared cores
    const session = await createSession(bytes);
    this.runner = { key, session, outputs };
    return this.runner;
  }

  /**
   * The model with each requested layer as a graph output: 4-D (NCHW) values through a Transpose to NHWC whose
   * output gets a fresh name, the others as they are. `outputs[i]` is the graph output that holds `names[i]`.
   */
  private withNhwcOutputs(names: readonly string[]): { bytes: Uint8Array; outputs: string[] } {
    const graph = graphOf(this.model);
    const taken = new Set<string>([...graph.input, ...graph.output, ...graph.valueInfo].map((v) => v.name!));
    for (const node of nodesOf(graph)) for (const o of node.output) taken.add(o);
    const fresh = (base: string): string => {
      let name = base;
      for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
      taken.add(name);
      return name;
    };
    const transposes: onnx.NodeProto[] = [];
    const outputs = names.map((name) => {
      if (this.ranks.get(name) !== 4) return name;
      const out = fresh(`${name}__kc_nhwc`);
      const perm = onnx.AttributeProto.create({
        name: 'perm',
        type: onnx.AttributeProto.AttributeType.INTS,
        ints: [0, 2, 3, 1],
      });
      transposes.push(
        onnx.NodeProto.create({
          name: fresh(`kc_nhwc_${transposes.length}`),
          opType: 'Transpose',
          input: [name],
          output: [out],
          attribute: [perm],
        }),
      );
      return out;
    });
    const extraNodes = [...nodesOf(graph), ...transposes];
    return { bytes: this.withOutputs(outputs, extraNodes), outputs };
  }

  /** The model re-encoded with `names` as extra graph outputs (typed from value_info where it is known). */
  private withOutputs(names: readonly string[], nodes: onnx.INodeProto[] = nodesOf(graphOf(this.model))): Uint8Array {
    const graph = graphOf(this.model);
    const known = new Map<string, onnx.IValueInfoProto>();
    for (const v of [...graph.valueInfo, ...graph.output]) known.set(v.name!, v);
    const existing = new Set(graph.output.map((o) => o.name));
    const extra = names
      .filter((n) => !existing.has(n))
      .map((n) => onnx.ValueInfoProto.create(known.get(n) ?? { name: n }));
    const copy = onnx.ModelProto.create({
      ...this.model,
      graph: onnx.GraphProto.create({ ...graph, node: nodes, output: [...graph.output, ...extra] }),
    });
    return onnx.ModelProto.encode(copy).finish();
  }

  /** Every node's float output of rank ≥ 2, in graph (topological) order, with NHWC shapes. */
  private async graphLayers(): Promise<GraphLayer[]> {
    const graph = graphOf(this.model);
    const types = new Map<string, ValueType>();
    for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) types.set(v.name!, valueType(v));
    const candidates = nodesOf(graph).filter((n) => n.opType !== 'Constant' && n.output.length > 0 && n.output[0]);
    const complete = candidates.every((n) => {
      const t = types.get(n.output[0]);
      return t?.elemType !== undefined && t.dims !== undefined;
    });
    if (!complete)
      await this.probeShapes(
        candidates.map((n) => n.output[0]),
        types,
      );

    const producers = new Map<string, string[]>();
    const layers: GraphLayer[] = [];
    for (const node of nodesOf(graph)) {
      const inputs = [...new Set(node.input.flatMap((v) => producers.get(v) ?? []))];
      const out = node.output[0];
      const t = out ? types.get(out) : undefined;
      const listed =
        node.opType !== 'Constant' &&
        t?.elemType !== undefined &&
        FLOAT_TYPES.has(t.elemType) &&
        (t.dims?.length ?? 0) >= 2;
      if (!listed) {
        for (const o of node.output) producers.set(o, inputs);
        continue;
      }
      producers.set(out, [out]);
      this.ranks.set(out, t!.dims!.length);
      for (const o of node.output.slice(1)) producers.set(o, inputs);
      layers.push({ name: out, op: node.opType, inputs, shape: nhwcShape(t!.dims!), ...this.kindOf(node, graph) });
    }
    return layers;
  }

  private kindOf(node: onnx.NodeProto, graph: onnx.GraphProto): { kind: string; activating: boolean } {
    const op = node.opType!;
    if (ACTIVATION_OPS.has(op)) return { kind: 'activation', activating: !NOT_PROBED_ACTIVATIONS.has(op) };
    // x · sigmoid(x) is swish/SiLU, exported as two nodes.
    if (op === 'Mul' && node.input.length === 2) {
      const sigmoid = nodesOf(graph).find((n) => n.opType === 'Sigmoid' && node.input.includes(n.output[0]));
      if (sigmoid && node.input.includes(sigmoid.input[0])) return { kind: 'activation', activating: true };
    }
    // onnxruntime's fused ops carry their activation as an attribute.
    const fused = node.attribute.find((a) => a.name === 'activation');
    return { kind: KIND_BY_OP[op] ?? 'other', activating: (fused?.s?.length ?? 0) > 0 };
  }

  /** Output types and shapes from one run on a zero batch, for models exported without value_info. */
  private async probeShapes(names: string[], types: Map<string, ValueType>): Promise<void> {
    // a dynamic token length gets a short trial (position embeddings may hold only a few) whose dims read as 'T'
    const trialT = this.sequence && !(this.sequence.length > 0) ? TRIAL_TOKENS : undefined;
    const dims = this.inputDims.map((v, i) => (typeof v === 'number' && v > 0 ? v : i === 0 ? 1 : (trialT ?? 32)));
    const session = await ort.InferenceSession.create(this.withOutputs(names), { graphOptimizationLevel: 'disabled' });
    try {
      const size = dims.reduce((a, b) => a * b, 1);
      const result = await session.run(
        this.sequence
          ? sequenceFeeds(this.sequence, trialTokens(dims[0], dims[1]), [dims[0], dims[1], TOKEN_CHANNELS])
          : { [this.inputName]: typedTensor(this.input?.dtype ?? 'float32', new Float32Array(size), dims) },
        names,
      );
      for (const name of names) {
        const value = result[name];
        if (!value) continue;
        const elemType =
          value.type === 'float32'
            ? onnx.TensorProto.DataType.FLOAT
            : value.type === 'float64'
              ? onnx.TensorProto.DataType.DOUBLE
              : onnx.TensorProto.DataType.UNDEFINED;
        types.set(name, {
          elemType,
          dims: value.dims.map((v, i) => (i === 0 && v === dims[0] ? 'N' : i > 0 && v === trialT ? 'T' : v)),
        });
      }
    } catch (e) {
      throw new ModelParseError(
        `${this.file}: a trial run on a zero batch [${dims.join(', ')}] failed (${firstLine((e as Error).message)}); the model's input may need another size`,
        this.file,
      );
    } finally {
      await session.release();
    }
  }
}

/** Decoded protos fill every repeated field, so the graph's arrays are always present. */
function graphOf(model: onnx.ModelProto): onnx.GraphProto {
  return model.graph as onnx.GraphProto;
}

function nodesOf(graph: onnx.GraphProto): onnx.NodeProto[] {
  return graph.node as onnx.NodeProto[];
}

function valueType(v: onnx.IValueInfoProto): ValueType {
  const tensor = v.type?.tensorType;
  if (!tensor) return {};
  const dims = tensor.shape?.dim?.map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
      ? Number(d.dimValue)
      : (d.dimParam ?? '?'),
  );
  return { elemType: tensor.elemType ?? undefined, dims };
}

/** ONNX dims → the layer table's NHWC shape (batch −1, unknown sizes −1). */
function nhwcShape(dims: Dims): number[] {
  const d = dims.map((v, i) => (i === 0 || typeof v !== 'number' ? -1 : v));
  if (d.length === 4) return [-1, d[2], d[3], d[1]];
  if (d.length === 3) return [-1, 1, d[1], d[2]];
  return d;
}

/** One output of a run (4-D ones already NHWC) as sink features: the first `valid` samples, float32. */
function toFeatures(
  value: ort.Tensor | undefined,
  valid: number,
  name: string,
): { shape: number[]; data: Float32Array } {
  if (!value) throw new KcError(`onnxruntime returned no value for layer "${name}"`, 'internal');
  const dims = [...value.dims];
  let data = value.data instanceof Float32Array ? value.data : Float32Array.from(value.data as Float64Array);
  const per = dims.slice(1).reduce((a, b) => a * b, 1);
  if (dims[0] !== valid) {
    data = data.subarray(0, valid * per);
    dims[0] = valid;
  }
  if (dims.length === 3) return { shape: [dims[0], 1, dims[1], dims[2]], data };
  return { shape: dims, data };
}

function typeName(t: number | undefined): string {
  return t === undefined ? 'of unknown type' : (onnx.TensorProto.DataType[t] ?? `type ${t}`).toLowerCase();
}

function firstLine(message: string): string {
  // onnxruntime colours its log lines
  return message
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')[0]
    .slice(0, 300);
}
