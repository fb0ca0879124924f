/**
 * The engine ↔ PyTorch helper protocol (python/kc_torch_helper.py, spoken over the helper's stdin and stdout).
 * One source of truth for the TypeScript side; the Python side mirrors it and names this file.
 *
 * Framing, both ways: every message is one line of JSON (UTF-8, ending in "\n"). A message with `bytes: n` is
 * followed at once by n bytes of little-endian float32 values. Requests go one at a time: the engine sends a
 * request and reads responses until the one that ends it (`hello` at start, `opened`, `layers`, `done` or
 * `error`). Cancelling kills the process; the helper's stderr is log text, never protocol.
 */

/** How PyTorch files are opened: chosen by the user (CLI flags, VS Code settings), sent with compare jobs. */
export interface PytorchOptions {
  /** The Python interpreter that runs the helper; default: KC_PYTHON, else `python3` on PATH. */
  python?: string;
  /** Where `python` came from, for messages ("--python", "the Python extension's interpreter"). */
  pythonFrom?: string;
  /** How the user chooses another interpreter, for messages ("pass --python <path> or set KC_PYTHON"). */
  pythonChoice?: string;
  /** Unpickle plain `torch.save(model)` checkpoints: unpickling runs code from the file, so only on request. */
  allowPickle?: boolean;
  /** The model's input without the batch, in PyTorch's order: [C, H, W] or [D]. TorchScript files do not say. */
  inputShape?: number[];
}

/** The PyTorch file kinds kc reads (ModelRef.format). */
export type TorchFormat = 'torchscript' | 'torch-export' | 'torch-pickle';

/** Opens the model; answered by `opened`. */
export interface OpenRequest {
  type: 'open';
  path: string;
  format: TorchFormat;
  allowPickle: boolean;
  /** [C, H, W] or [D] without the batch; absent: the helper's default (see OpenedResponse.assumed). */
  inputShape?: number[];
}

/** Lists the module outputs from one zero batch; answered by `layers`. */
export interface LayersRequest {
  type: 'layers';
}

/** Runs one batch; answered by one `features` per layer (in the order asked), then `done`. */
export interface ExtractRequest {
  type: 'extract';
  layers: string[];
  /** The batch as the engine holds it: [N, H, W, C] or [N, D]; the helper feeds NCHW to the model. */
  shape: number[];
  /** Byte length of the float32 payload that follows. */
  bytes: number;
}

export type TorchHelperRequest = OpenRequest | LayersRequest | ExtractRequest;

/** The first message of every helper: what runs it. */
export interface HelloResponse {
  type: 'hello';
  /** sys.executable and the versions, for messages and the log. */
  executable: string;
  python: string;
  torch: string;
}

export interface OpenedResponse {
  type: 'opened';
  /** [C, H, W] or [D] without the batch, as the model will be run. */
  inputShape: number[];
  /** True when neither the user nor the file gave the input shape and the helper chose it. */
  assumed: boolean;
  /** Set when the model runs only with this batch size (a traced batch, a static torch.export batch). */
  fixedBatch?: number;
}

/** One module output: what `kc layers` lists. */
export interface TorchLayer {
  /** The module's path as named_modules() gives it ("layer1.0.conv1"); a module called again gets ":2", ":3". */
  name: string;
  /** The module's class name ("Conv2d", "BasicBlock"). */
  type: string;
  /** The op that produced the output ("aten::relu"), where the file shows it (TorchScript); else "". */
  op: string;
  /** PyTorch's shape of the output for the zero batch, batch first ([N, C, H, W], [N, C], …). */
  shape: number[];
  /** Listed layers whose outputs this module's output was computed from. */
  inputs: string[];
}

export interface LayersResponse {
  type: 'layers';
  layers: TorchLayer[];
}

/** One layer's features for the batch: NHWC for 4-D outputs, [N, 1, T, C] for 3-D ones, else as is. */
export interface FeaturesResponse {
  type: 'features';
  layer: string;
  shape: number[];
  bytes: number;
}

export interface DoneResponse {
  type: 'done';
}

/** Why the helper could not do what was asked; `message` is one line for the user. */
export type TorchHelperErrorCode =
  | 'no-torch'
  | 'torch-too-old'
  | 'cuda'
  | 'pickle-refused'
  | 'not-a-module'
  | 'missing-class'
  | 'load-failed'
  | 'run-failed'
  | 'unsupported'
  | 'bad-request';

export interface ErrorResponse {
  type: 'error';
  code: TorchHelperErrorCode;
  message: string;
}

export type TorchHelperResponse =
  HelloResponse | OpenedResponse | LayersResponse | FeaturesResponse | DoneResponse | ErrorResponse;
