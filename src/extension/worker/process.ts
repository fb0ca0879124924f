/**
 * One running engine worker: the forked child and its JSON-RPC connection. It never restarts itself; the client
 * starts a fresh one for the next request after this one exits.
 */
import { fork, type ChildProcess } from 'node:child_process';
import {
  createMessageConnection,
  Emitter,
  IPCMessageReader,
  IPCMessageWriter,
  type Event,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { CompareStarted } from '../../protocol/compare';
import type { DriftReport, FamilyReport } from '../../protocol/family';
import type { Progress } from '../../protocol/progress';
import type { PairResult, SimilarityMatrix } from '../../protocol/report';
import {
  LogNotification,
  ManyModelUpdateNotification,
  MatrixNotification,
  PairResultNotification,
  ProgressNotification,
  StartedNotification,
} from '../../protocol/worker.protocol';

/** SIGTERM first, SIGKILL if the process is still there after this long. */
const KILL_GRACE_MS = 500;
/** stderr lines kept to explain a crash (e.g. V8's "heap out of memory"). */
const STDERR_TAIL_LINES = 20;

export interface WorkerLogger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface WorkerStartOptions {
  /** Absolute path of dist/worker.js. */
  workerPath: string;
  /** V8 heap limit of the worker (--max-old-space-size); 0 = Node's default. */
  memoryLimitMb: number;
  /** Extra environment, e.g. the compute backend preference. */
  env?: Record<string, string>;
  log: WorkerLogger;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when we killed it (cancel, timeout, restart, dispose) rather than it dying on its own. */
  killedByHost: boolean;
  stderrTail: string[];
}

/** A streamed notification of one compare job. */
export type JobEvent =
  | ({ kind: 'started'; jobId: string } & CompareStarted)
  | { kind: 'progress'; jobId: string; progress: Progress }
  | { kind: 'pair'; jobId: string; pair: PairResult }
  | { kind: 'matrix'; jobId: string; matrix: SimilarityMatrix }
  | { kind: 'manyModel'; jobId: string; report: FamilyReport | DriftReport };

export class WorkerProcess {
  readonly connection: MessageConnection;
  private readonly jobEvents = new Emitter<JobEvent>();
  /** One handler per notification type (the library keeps one per method); jobs filter by jobId. */
  readonly onJobEvent: Event<JobEvent> = this.jobEvents.event;
  readonly exited: Promise<WorkerExit>;
  private exitInfo: WorkerExit | undefined;
  private killedByHost = false;
  private readonly stderrTail: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    log: WorkerLogger,
  ) {
    this.connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    this.connection.onNotification(LogNotification.type, ({ level, message }) => log[level](`[worker] ${message}`));
    this.connection.onNotification(StartedNotification.type, (n) => this.jobEvents.fire({ kind: 'started', ...n }));
    this.connection.onNotification(ProgressNotification.type, (n) => this.jobEvents.fire({ kind: 'progress', ...n }));
    this.connection.onNotification(PairResultNotification.type, (n) => this.jobEvents.fire({ kind: 'pair', ...n }));
    this.connection.onNotification(MatrixNotification.type, (n) => this.jobEvents.fire({ kind: 'matrix', ...n }));
    this.connection.onNotification(ManyModelUpdateNotification.type, (n) =>
      this.jobEvents.fire({ kind: 'manyModel', ...n }),
    );
    forwardLines(child.stderr, (line) => {
      log.error(`[worker stderr] ${line}`);
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    });
    forwardLines(child.stdout, (line) => log.debug(`[worker stdout] ${line}`));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal, killedByHost: this.killedByHost, stderrTail: [...this.stderrTail] };
        log.info(`[worker] process ${child.pid} exited (code ${code}, signal ${signal})`);
        // Resolve before disposing: callers waiting on `exited` learn of the crash before the library rejects
        // their pending requests with its generic "connection got disposed".
        resolve(this.exitInfo);
        this.connection.dispose();
        this.jobEvents.dispose();
      });
    });
    // A spawn failure (missing node binary, bad path) arrives as 'error' without 'exit'.
    child.once('error', (error) => {
      log.error(`[worker] ${error.message}`);
      if (child.exitCode === null && child.pid === undefined) child.emit('exit', null, null);
    });
    this.connection.listen();
  }

  static start(options: WorkerStartOptions): WorkerProcess {
    const execArgv = options.memoryLimitMb > 0 ? [`--max-old-space-size=${Math.round(options.memoryLimitMb)}`] : [];
    const child = fork(options.workerPath, [], {
      // Explicit execArgv: never inherit the extension host's own flags (e.g. --inspect).
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Inside Electron-based VS Code, fork runs the Electron binary: make it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...options.env },
    });
    options.log.info(
      `[worker] started process ${child.pid} (${options.workerPath}${execArgv.length ? ' ' + execArgv.join(' ') : ''})`,
    );
    return new WorkerProcess(child, options.log);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  async kill(): Promise<WorkerExit> {
    if (this.exitInfo) return this.exitInfo;
    this.killedByHost = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

function forwardLines(stream: NodeJS.ReadableStream | null, sink: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) sink(line);
  });
  stream.on('end', () => {
    if (pending.trim()) sink(pending);
  });
}
