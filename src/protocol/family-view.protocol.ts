/**
 * Host ↔ webview messages of the family and drift panel (webview/family): the host sends the report as it grows, the
 * webview asks for a pair's drill-down. Plain JSON; the host validates what the webview posts (parseFamilyViewMessage).
 */
import type { DriftReport, FamilyReport } from './family';

export const FAMILY_VIEW_TYPE = 'knowledgeConsistency.familyPanel' as const;

/** running: fits to come; watching: a drift folder between checkpoints (done, and waiting for the next). */
export type ManyModelStatus = 'running' | 'done' | 'watching' | 'cancelled' | 'failed';

/** host → webview: the whole report (small: N² cells per layer), each time it grows. */
export interface ManyModelMessage {
  type: 'kc/manyModel';
  /** Absent until the models are loaded and their features extracted. */
  report?: FamilyReport | DriftReport;
  status: ManyModelStatus;
  /** One line: the progress while running, why it failed, what is watched. */
  message?: string;
}

export type FamilyHostMessage = ManyModelMessage;

export interface FamilyReadyMessage {
  type: 'kc/ready';
}

/** webview → host: open the pair drill-down of one cell: model `source` explaining model `target` at `layer`. */
export interface OpenPairMessage {
  type: 'kc/openPair';
  layer: string;
  source: number;
  target: number;
}

export type FamilyWebviewMessage = FamilyReadyMessage | OpenPairMessage;

export function isFamilyHostMessage(v: unknown): v is FamilyHostMessage {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'kc/manyModel';
}

/** The typed message, or why it is not one (the host logs it and ignores the message). */
export function parseFamilyViewMessage(
  v: unknown,
): { ok: true; message: FamilyWebviewMessage } | { ok: false; error: string } {
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'message is not an object' };
  const m = v as Record<string, unknown>;
  if (m.type === 'kc/ready') return { ok: true, message: { type: 'kc/ready' } };
  if (m.type !== 'kc/openPair') return { ok: false, error: `unknown message type ${String(m.type).slice(0, 40)}` };
  const index = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 10_000;
  if (typeof m.layer !== 'string' || m.layer.length > 1000) return { ok: false, error: 'kc/openPair: bad layer' };
  if (!index(m.source) || !index(m.target)) return { ok: false, error: 'kc/openPair: bad model index' };
  return {
    ok: true,
    message: { type: 'kc/openPair', layer: m.layer, source: m.source as number, target: m.target as number },
  };
}
