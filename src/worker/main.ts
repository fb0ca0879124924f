/**
 * The engine worker: a child process forked by the extension host (src/extension/worker/client.ts). It speaks the
 * JSON-RPC protocol of src/protocol/worker.protocol.ts over the IPC channel, so stdout stays free for whatever a
 * native library prints. Never log to stdout here: use the kc/log notification.
 */
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import {
  CompareRequest,
  DriftRequest,
  EngineInfoRequest,
  EstimateRequest,
  EstimateManyRequest,
  FamilyRequest,
  ListLayersRequest,
  LogNotification,
  ManyModelUpdateNotification,
  MatrixNotification,
  PairResultNotification,
  ProgressNotification,
  RefineRequest,
  StartedNotification,
  WorkerErrorCodes,
} from '../protocol/worker.protocol';
import {
  compare,
  estimate,
  estimateMany,
  drift,
  engineInfo,
  family,
  listModelLayers,
  type ManyModelListener,
} from './handlers';
import type { DriftReport, FamilyReport } from '../protocol/family';
import { toResponseError } from './errors';
import { refineJob } from './refine';

if (!process.send) {
  process.stderr.write('kc worker: start me with child_process.fork (I need an IPC channel)\n');
  process.exit(2);
}

const connection = createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string): void =>
  void connection.sendNotification(LogNotification.type, { level, message });

/** Runs a handler and turns its failure into a typed JSON-RPC error (a user error, a cancel, or an internal one). */
async function answer<T>(method: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const response = toResponseError(error);
    if (response.code !== WorkerErrorCodes.userError && response.code !== WorkerErrorCodes.cancelled)
      log('error', `${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw response;
  }
}

connection.onRequest(EngineInfoRequest.type, () => answer(EngineInfoRequest.method, engineInfo));
connection.onRequest(ListLayersRequest.type, (params) =>
  answer(ListLayersRequest.method, () => listModelLayers(params)),
);
connection.onRequest(EstimateRequest.type, (params, token) =>
  answer(EstimateRequest.method, () => estimate(params, token, (message) => log('info', `[estimate] ${message}`))),
);
connection.onRequest(EstimateManyRequest.type, (params, token) =>
  answer(EstimateManyRequest.method, () =>
    estimateMany(params, token, (message) => log('info', `[estimate] ${message}`)),
  ),
);
connection.onRequest(CompareRequest.type, (params, token) =>
  answer(CompareRequest.method, () =>
    compare(params, token, {
      onStarted: (started) =>
        void connection.sendNotification(StartedNotification.type, { jobId: params.jobId, ...started }),
      onProgress: (progress) =>
        void connection.sendNotification(ProgressNotification.type, { jobId: params.jobId, progress }),
      onPairResult: (pair) =>
        void connection.sendNotification(PairResultNotification.type, { jobId: params.jobId, pair }),
      onMatrix: (matrix) => void connection.sendNotification(MatrixNotification.type, { jobId: params.jobId, matrix }),
      log: (message) => log('info', `[${params.jobId}] ${message}`),
    }),
  ),
);

/** A family or drift job's stream, each message tagged with its job. */
function manyModelListener(jobId: string): ManyModelListener<FamilyReport> & ManyModelListener<DriftReport> {
  return {
    onProgress: (progress) => void connection.sendNotification(ProgressNotification.type, { jobId, progress }),
    onUpdate: (report: FamilyReport | DriftReport) =>
      void connection.sendNotification(ManyModelUpdateNotification.type, { jobId, report }),
    log: (message) => log('info', `[${jobId}] ${message}`),
  };
}
connection.onRequest(FamilyRequest.type, (params, token) =>
  answer(FamilyRequest.method, () => family(params, token, manyModelListener(params.jobId))),
);
connection.onRequest(DriftRequest.type, (params, token) =>
  answer(DriftRequest.method, () => drift(params, token, manyModelListener(params.jobId))),
);
connection.onRequest(RefineRequest.type, (params, token) =>
  answer(RefineRequest.method, () =>
    refineJob(params, token, {
      onProgress: (progress) =>
        void connection.sendNotification(ProgressNotification.type, { jobId: params.jobId, progress }),
      log: (message) => log('info', `[${params.jobId}] ${message}`),
    }),
  ),
);

// The host owns our lifetime: when it goes away (closed window, crashed host) we go too, never orphaned.
process.on('disconnect', () => process.exit(0));
connection.onClose(() => process.exit(0));
connection.listen();
log('info', `engine worker ${process.pid} ready (node ${process.version})`);
