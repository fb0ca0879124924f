/**
 * One PyTorch helper process (python/kc_torch_helper.py) and the framing of src/protocol/torch-helper.ts over its
 * stdin and stdout. Requests go one at a time. Cancelling kills the process: torch cannot be interrupted inside a
 * batch. The helper's stderr is log text: each line goes to the log, and the last ones explain a crash.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, type CancelSignal } from '../cancel';
import { KcError } from '../errors';
import type {
  HelloResponse,
  PytorchOptions,
  TorchHelperRequest,
  TorchHelperResponse,
} from '../../protocol/torch-helper';

/** The interpreter that runs the helper, where it came from, and how the user picks another (for messages). */
export interface Interpreter {
  path: string;
  from: string;
  choice: string;
}

const CLI_CHOICE = 'pass --python <path> or set KC_PYTHON';

/** --python (or the extension's choice), else KC_PYTHON, else python3 on PATH. */
export function interpreterOf(options: PytorchOptions = {}): Interpreter {
  const choice = options.pythonChoice ?? CLI_CHOICE;
  if (options.python) return { path: options.python, from: options.pythonFrom ?? '--python', choice };
  const env = process.env.KC_PYTHON;
  if (env) return { path: env, from: 'KC_PYTHON', choice };
  return { path: 'python3', from: 'python3 on PATH', choice };
}

/** The helper beside the bundle (dist/python, packaged builds), else in the repository (tests run the sources). */
function helperScript(): string {
  const candidates = [
    path.join(__dirname, 'python', 'kc_torch_helper.py'),
    path.join(__dirname, '..', '..', '..', 'python', 'kc_torch_helper.py'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new KcError(`kc's PyTorch helper is missing (looked for ${candidates[0]}): reinstall kc`, 'internal');
  return found;
}

/** A response with the payload that followed it, if any. */
export type HelperMessage = TorchHelperResponse & { payload?: Buffer };

/** Longest JSON line accepted: a layer list of a very deep model is a few MB. */
const MAX_HEADER_BYTES = 64 * 2 ** 20;
const STDERR_TAIL = 20;
const CANCEL_POLL_MS = 100;

export class TorchHelper {
  private readonly queue: HelperMessage[] = [];
  private waiter?: { resolve(message: HelperMessage): void; reject(error: Error): void };
  private failure?: Error;
  private readonly stderrTail: string[] = [];
  private header: Buffer[] = [];
  private headerBytes = 0;
  private payload?: { message: HelperMessage; buffer: Buffer; filled: number };

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly interpreter: Interpreter,
    log: (line: string) => void,
  ) {
    child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        log(line);
        this.stderrTail.push(line);
        if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
      }
    });
    // A helper that died mid-request makes writes fail (EPIPE): the exit handler says why.
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => this.fail(this.startError(error)));
    // 'close' comes after stdout was read to its end: a last error message is delivered before the exit.
    child.on('close', (code, signal) => this.fail(this.exitError(code, signal)));
  }

  /** Starts the helper and waits for its hello (or the reason it cannot run: no Python, no torch). */
  static async start(
    interpreter: Interpreter,
    log: (line: string) => void,
  ): Promise<{ helper: TorchHelper; hello: HelloResponse }> {
    const script = helperScript();
    // The engine's working folder, so relative PYTHONPATH entries mean what they mean in the user's shell; Python
    // puts the script's folder, not the working folder, on sys.path.
    const child = spawn(interpreter.path, [script], {
      // no __pycache__ written into the extension's folder
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const helper = new TorchHelper(child, interpreter, log);
    try {
      const hello = await helper.expect('hello');
      return { helper, hello };
    } catch (error) {
      helper.kill();
      throw error;
    }
  }

  send(request: TorchHelperRequest, payload?: Uint8Array): void {
    if (this.failure) throw this.failure;
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    if (payload) this.child.stdin.write(payload);
  }

  /** The next message, which must be of type `type` (an `error` message becomes a KcError). */
  async expect<T extends HelperMessage['type']>(
    type: T,
    signal?: CancelSignal,
  ): Promise<Extract<HelperMessage, { type: T }>> {
    const message = await this.next(signal);
    if (message.type === type) return message as Extract<HelperMessage, { type: T }>;
    if (message.type === 'error') throw helperError(message.code, message.message, this.interpreter);
    this.kill();
    throw new KcError(`kc's PyTorch helper answered ${message.type} where ${type} was due`, 'internal');
  }

  /** Ends the process: closes its input (it exits by itself) and terminates it, in case it is inside a batch. */
  kill(): void {
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private next(signal?: CancelSignal): Promise<HelperMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<HelperMessage>((resolve, reject) => {
      const poll = signal
        ? setInterval(() => {
            if (!signal.aborted) return;
            this.kill();
            this.fail(new CancelledError());
          }, CANCEL_POLL_MS)
        : undefined;
      const done = () => {
        clearInterval(poll);
        this.waiter = undefined;
      };
      this.waiter = {
        resolve: (message) => {
          done();
          resolve(message);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
    });
  }

  /** Frames stdout: a JSON line, then `bytes` bytes of payload when it says so. */
  private read(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length && !this.failure) {
      if (this.payload) {
        const { buffer } = this.payload;
        const n = Math.min(buffer.length - this.payload.filled, chunk.length - at);
        chunk.copy(buffer, this.payload.filled, at, at + n);
        this.payload.filled += n;
        at += n;
        if (this.payload.filled === buffer.length) {
          this.deliver({ ...this.payload.message, payload: buffer });
          this.payload = undefined;
        }
        continue;
      }
      const newline = chunk.indexOf(0x0a, at);
      const end = newline < 0 ? chunk.length : newline;
      this.header.push(chunk.subarray(at, end));
      this.headerBytes += end - at;
      at = end + 1;
      if (this.headerBytes > MAX_HEADER_BYTES) return this.protocolError('a message line longer than 64 MB');
      if (newline < 0) return;
      const line = Buffer.concat(this.header).toString('utf8');
      this.header = [];
      this.headerBytes = 0;
      let message: HelperMessage;
      try {
        message = JSON.parse(line) as HelperMessage;
      } catch {
        return this.protocolError(`a line that is not JSON: ${line.slice(0, 80)}`);
      }
      const bytes = 'bytes' in message ? message.bytes : 0;
      if (bytes > 0) this.payload = { message, buffer: Buffer.alloc(bytes), filled: 0 };
      else this.deliver(message);
    }
  }

  private deliver(message: HelperMessage): void {
    if (this.waiter) this.waiter.resolve(message);
    else this.queue.push(message);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.waiter?.reject(error);
  }

  private protocolError(what: string): void {
    this.kill();
    this.fail(new KcError(`kc's PyTorch helper (${this.interpreter.path}) wrote ${what}`, 'internal'));
  }

  private startError(error: NodeJS.ErrnoException): KcError {
    const { path: python, from, choice } = this.interpreter;
    if (error.code === 'ENOENT')
      return new KcError(
        `no Python at ${python} (${from}): PyTorch models run in Python with torch installed; ${choice}`,
        'unsupported',
      );
    return new KcError(
      `cannot run Python ${python} (${from}): ${error.code ?? error.message}; ${choice}`,
      'unsupported',
    );
  }

  private exitError(code: number | null, signal: NodeJS.Signals | null): KcError {
    const { path: python, from, choice } = this.interpreter;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const last = this.stderrTail.filter((l) => l.trim()).at(-1);
    return new KcError(
      `kc's PyTorch helper in ${python} (${from}) ${how}${last ? `: ${last.trim().slice(0, 300)}` : ''}; if this is not a Python 3 with torch, ${choice}`,
      'unsupported',
    );
  }
}

/** The helper's error as the user reads it: what failed, and for interpreter problems how to choose another one. */
function helperError(code: string, message: string, interpreter: Interpreter): KcError {
  if (code === 'no-torch')
    return new KcError(
      `${message}; install PyTorch for it (pip install torch) or choose another interpreter: ${interpreter.choice}`,
      'unsupported',
    );
  if (code === 'torch-too-old')
    return new KcError(`${message}; choose an interpreter with a newer torch: ${interpreter.choice}`, 'unsupported');
  if (code === 'bad-request' || code === 'run-failed')
    return new KcError(message, code === 'run-failed' ? 'invalid-input' : 'internal');
  return new KcError(message, code === 'load-failed' || code === 'not-a-module' ? 'model-parse' : 'unsupported');
}
