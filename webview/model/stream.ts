/**
 * Applies the host's streamed messages to the panel's copy of the analysis. Pure: returns a new state, so the view
 * can compare and redraw only what changed.
 */
import type { HostMessage, PairFocus, PanelProgress, PanelRecord } from '../../src/protocol/webview.protocol';
import type { ReportLike } from './measures';

export interface PanelData {
  record?: PanelRecord;
  /** The report being drawn (the record's report, or a skeleton that pairs stream into before it arrives). */
  report: ReportLike;
  progress?: PanelProgress;
  focus?: PairFocus;
  names?: { a: string; b: string };
}

export const EMPTY: PanelData = { report: { pairs: [] } };

export function applyHostMessage(state: PanelData, msg: HostMessage): PanelData {
  switch (msg.type) {
    case 'kc/record':
      return {
        record: msg.record,
        report: msg.record.report ?? { pairs: [] },
        progress: msg.record.status === 'running' && state.record?.id === msg.record.id ? state.progress : undefined,
        focus: msg.focus ?? (state.record?.id === msg.record.id ? state.focus : undefined),
        names: msg.names,
      };
    case 'kc/pairResult': {
      if (!sameAnalysis(state, msg.analysisId)) return state;
      const p = msg.pair;
      // A rerun of the same pair replaces it rather than adding a duplicate cell.
      const pairs = state.report.pairs.filter(
        (q) => !(q.layerA === p.layerA && q.layerB === p.layerB && q.direction === p.direction),
      );
      pairs.push(p);
      return { ...state, report: { ...state.report, pairs } };
    }
    case 'kc/matrix':
      if (!sameAnalysis(state, msg.analysisId)) return state;
      return { ...state, report: { ...state.report, matrix: msg.matrix } };
    case 'kc/progress':
      if (!sameAnalysis(state, msg.analysisId)) return state;
      return { ...state, progress: msg.progress };
    case 'kc/status':
      if (!sameAnalysis(state, msg.analysisId) || !state.record) return state;
      return {
        ...state,
        record: { ...state.record, status: msg.status, error: msg.error },
        progress: msg.status === 'running' ? state.progress : undefined,
      };
    case 'kc/stale':
      if (!sameAnalysis(state, msg.analysisId) || !state.record) return state;
      return { ...state, record: { ...state.record, stale: msg.stale } };
    case 'kc/focus':
      return { ...state, focus: msg.focus };
    case 'kc/exportDone':
    case 'kc/requestExport':
      return state;
  }
}

function sameAnalysis(state: PanelData, id: string): boolean {
  return state.record?.id === id;
}

/** The disentangler pairs still to come, for the running markers. */
export function inFlight(state: PanelData): PairFocus[] {
  if (state.record?.status !== 'running' || !state.progress) return [];
  return [...(state.progress.running ?? []), ...(state.progress.pending ?? [])];
}
