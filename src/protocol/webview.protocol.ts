/**
 * Host ↔ webview messages of the consistency panel: the one typed contract both sides compile against
 * (GitLens style: one protocol file, discriminated by `type`, with runtime guards at the trust boundary).
 *
 * Plain JSON only. The host validates every message that comes FROM the webview (`parseWebviewMessage`)
 * before acting on it; the webview checks host messages with `isHostMessage` (cheap, it trusts its host).
 */
import type { Direction, PairKey, PairResult, Report, SimilarityMatrix } from './report';

export const PANEL_VIEW_TYPE = 'knowledgeConsistency.panel' as const;

export type AnalysisStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One comparison of two model files, past or running: the host's AnalysisRecord and what the panel draws. */
export interface PanelRecord {
  id: string;
  modelA: string;
  modelB: string;
  probe: string;
  preset: string;
  startedAt: string;
  status: AnalysisStatus;
  error?: string;
  /** Partial while running (pairs fill in as they finish), complete when done. */
  report?: Report;
  /** True when either model file changed after the analysis ran: shown as stale, never as current. */
  stale?: boolean;
}

/** Where the user wants to look inside an analysis: one layer pair and direction. */
export type PairFocus = PairKey;

/** Progress of a running analysis; `running` are the disentangler pairs in flight, `pending` those not started. */
export interface PanelProgress {
  message: string;
  /** 0..1 when known. */
  fraction?: number;
  running?: PairFocus[];
  pending?: PairFocus[];
}

// ---- host → webview -------------------------------------------------------------------------------------------

/** The whole analysis (first paint, reload, a different analysis). */
export interface RecordMessage {
  type: 'kc/record';
  record: PanelRecord;
  focus?: PairFocus;
  /** The models' display names as the sidebar shows them (a running report may not name its models yet). */
  names?: { a: string; b: string };
}
/** One disentangler pair finished (streamed while running). */
export interface PairResultMessage {
  type: 'kc/pairResult';
  analysisId: string;
  pair: PairResult;
}
/** The all-pairs cheap-measure matrix arrived or grew (streamed before the disentangler cells). */
export interface MatrixMessage {
  type: 'kc/matrix';
  analysisId: string;
  matrix: SimilarityMatrix;
}
export interface ProgressMessage {
  type: 'kc/progress';
  analysisId: string;
  progress: PanelProgress;
}
export interface StatusMessage {
  type: 'kc/status';
  analysisId: string;
  status: AnalysisStatus;
  error?: string;
}
/** Open the drill-down of one pair. */
export interface FocusMessage {
  type: 'kc/focus';
  focus: PairFocus;
}
/** A model file changed after the analysis ran: the panel must say so. */
export interface StaleMessage {
  type: 'kc/stale';
  analysisId: string;
  stale: boolean;
}
/** Outcome of an export the webview asked for. */
export interface ExportDoneMessage {
  type: 'kc/exportDone';
  format: ExportFormat;
  path?: string;
  error?: string;
}

export type HostMessage =
  | RecordMessage
  | PairResultMessage
  | MatrixMessage
  | ProgressMessage
  | StatusMessage
  | FocusMessage
  | StaleMessage
  | ExportDoneMessage
  | RequestExportMessage;

/**
 * The host's Export… asks the webview for what only it has: the picture of the open tab, or the heatmap as drawn
 * (CSV). The webview answers with a kc/export message. (JSON, Markdown and HTML the host writes from the report.)
 */
export interface RequestExportMessage {
  type: 'kc/requestExport';
  format: ExportFormat;
}

// ---- webview → host -------------------------------------------------------------------------------------------

export type ExportFormat = 'png' | 'csv';

/** The webview booted (or reloaded) and can receive the record. */
export interface ReadyMessage {
  type: 'kc/ready';
  analysisId?: string;
}
/** The user opened a pair's drill-down (the host remembers it for restore). */
export interface OpenPairMessage {
  type: 'kc/openPair';
  analysisId: string;
  focus: PairFocus;
}
export type ExportMessage =
  | { type: 'kc/export'; analysisId: string; format: 'png'; dataUrl: string; suggestedName: string }
  | { type: 'kc/export'; analysisId: string; format: 'csv'; content: string; suggestedName: string };

/** Open the help page that explains every number ("What do these numbers mean?"). */
export interface OpenHelpMessage {
  type: 'kc/openHelp';
}

/** Refine the pair's explained model with the other's consistent knowledge (kc refine, run in the worker). */
export interface RefineMessage {
  type: 'kc/refine';
  analysisId: string;
  focus: PairFocus;
}

export type WebviewMessage = ReadyMessage | OpenPairMessage | ExportMessage | OpenHelpMessage | RefineMessage;

/** What the webview keeps in `vscode.setState` (and the panel serializer receives on restore). */
export interface PanelViewState {
  analysisId?: string;
  measure?: string;
  direction?: Direction;
  sort?: 'depth' | 'value';
  tab?: 'heatmap' | 'strip' | 'pair';
  selected?: { row: number; col: number };
  focus?: PairFocus;
}

// ---- validation -----------------------------------------------------------------------------------------------

const HOST_TYPES: ReadonlySet<string> = new Set<HostMessage['type']>([
  'kc/record',
  'kc/pairResult',
  'kc/matrix',
  'kc/progress',
  'kc/status',
  'kc/focus',
  'kc/stale',
  'kc/exportDone',
  'kc/requestExport',
]);

/** Upper bound for a PNG data URL from the webview (a 4k × 4k screenshot is far below it). */
const MAX_DATA_URL = 64 * 1024 * 1024;
const MAX_CSV = 64 * 1024 * 1024;
const MAX_NAME = 200;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isShortString(v: unknown, max = MAX_NAME): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

/** A file name only: no folders, no drive letters, nothing the save dialog could be tricked with. */
function isFileName(v: unknown): v is string {
  return isShortString(v) && !/[\\/:*?"<>|\u0000-\u001f]/.test(v) && v !== '.' && v !== '..';
}

export function isDirection(v: unknown): v is Direction {
  return v === 'A->B' || v === 'B->A';
}

export function isPairFocus(v: unknown): v is PairFocus {
  return isObject(v) && isShortString(v.layerA, 1000) && isShortString(v.layerB, 1000) && isDirection(v.direction);
}

export function isHostMessage(v: unknown): v is HostMessage {
  return isObject(v) && typeof v.type === 'string' && HOST_TYPES.has(v.type);
}

/**
 * Validates a message posted by the webview. Returns the typed message, or an error string naming what was wrong
 * (the host logs it and ignores the message).
 */
export function parseWebviewMessage(v: unknown): { ok: true; message: WebviewMessage } | { ok: false; error: string } {
  if (!isObject(v) || typeof v.type !== 'string') return { ok: false, error: 'message is not an object with a type' };
  const fail = (what: string) => ({ ok: false as const, error: `${v.type}: ${what}` });
  switch (v.type) {
    case 'kc/ready':
      if (v.analysisId !== undefined && !isShortString(v.analysisId)) return fail('analysisId must be a string');
      return { ok: true, message: { type: 'kc/ready', analysisId: v.analysisId } };
    case 'kc/openPair':
      if (!isShortString(v.analysisId)) return fail('analysisId must be a string');
      if (!isPairFocus(v.focus)) return fail('focus must be { layerA, layerB, direction }');
      return { ok: true, message: { type: 'kc/openPair', analysisId: v.analysisId, focus: v.focus } };
    case 'kc/refine':
      if (!isShortString(v.analysisId)) return fail('analysisId must be a string');
      if (!isPairFocus(v.focus)) return fail('focus must be { layerA, layerB, direction }');
      return { ok: true, message: { type: 'kc/refine', analysisId: v.analysisId, focus: v.focus } };
    case 'kc/openHelp':
      return { ok: true, message: { type: 'kc/openHelp' } };
    case 'kc/export': {
      if (!isShortString(v.analysisId)) return fail('analysisId must be a string');
      if (!isFileName(v.suggestedName)) return fail('suggestedName must be a plain file name');
      const base = { type: 'kc/export' as const, analysisId: v.analysisId, suggestedName: v.suggestedName };
      if (v.format === 'png') {
        if (
          typeof v.dataUrl !== 'string' ||
          !v.dataUrl.startsWith('data:image/png;base64,') ||
          v.dataUrl.length > MAX_DATA_URL
        ) {
          return fail('dataUrl must be a PNG data URL');
        }
        return { ok: true, message: { ...base, format: 'png', dataUrl: v.dataUrl } };
      }
      if (v.format === 'csv') {
        if (typeof v.content !== 'string' || v.content.length > MAX_CSV) return fail('content must be CSV text');
        return { ok: true, message: { ...base, format: 'csv', content: v.content } };
      }
      return fail("format must be 'png' or 'csv'");
    }
    default:
      return fail('unknown message type');
  }
}
