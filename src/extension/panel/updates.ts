/**
 * What to tell the webview when the store reports a change: the whole record the first time (or when the report
 * was replaced), otherwise only what is new — streamed pairs, the matrix, status, staleness. Pure, unit-tested.
 */
import type { AnalysisRecord } from '../contracts';
import type { PairFocus } from '../../protocol/webview.protocol';
import type { HostMessage } from '../../protocol/webview.protocol';

/** What the webview already has. The store mutates a running report in place, so counts, not copies. */
export interface Sent {
  id: string;
  report: AnalysisRecord['report'];
  pairs: number;
  matrix: unknown;
  status: AnalysisRecord['status'];
  stale: boolean;
}

export function snapshot(record: AnalysisRecord): Sent {
  return {
    id: record.id, report: record.report, pairs: record.report?.pairs.length ?? 0, matrix: record.report?.matrix,
    status: record.status, stale: record.stale ?? false,
  };
}

export function updatesFor(sent: Sent | undefined, record: AnalysisRecord, focus?: PairFocus): HostMessage[] {
  if (!sent || sent.id !== record.id || sent.report !== record.report || (record.report?.pairs.length ?? 0) < sent.pairs) {
    return [{ type: 'kc/record', record, focus }];
  }
  const out: HostMessage[] = [];
  const report = record.report;
  if (report) {
    if (report.matrix !== sent.matrix && report.matrix) out.push({ type: 'kc/matrix', analysisId: record.id, matrix: report.matrix });
    for (const pair of report.pairs.slice(sent.pairs)) out.push({ type: 'kc/pairResult', analysisId: record.id, pair });
  }
  if (record.status !== sent.status) out.push({ type: 'kc/status', analysisId: record.id, status: record.status, error: record.error });
  if ((record.stale ?? false) !== sent.stale) out.push({ type: 'kc/stale', analysisId: record.id, stale: record.stale ?? false });
  return out;
}
