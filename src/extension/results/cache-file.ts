/**
 * One file of the results cache, read back. The cache may be a `.kc` folder that came with a cloned workspace, so a
 * file is untrusted like any saved report: its report is checked against the report schema, and the record's id,
 * which names files the store writes and deletes, must be a plain name.
 */
import { terminalText } from '../../engine/report/escape';
import { checkReport } from '../../engine/report/read';
import type { AnalysisRecord, AnalysisStatus } from '../contracts';
import type { ModelHashes } from './key';

export const CACHE_FORMAT_VERSION = 1;

export interface StoredAnalysis {
  formatVersion: typeof CACHE_FORMAT_VERSION;
  hashes: ModelHashes;
  record: AnalysisRecord;
}

const STATUSES: ReadonlySet<unknown> = new Set<AnalysisStatus>(['running', 'done', 'failed', 'cancelled']);
/** What analysisKey makes (24 hex digits), with room for hand-named ids; never a path. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TEXT = 10_000;
const TEXT = `must be a string of at most ${MAX_TEXT} characters`;

/**
 * A cache file's text → its analysis, or undefined for another format version (a newer release wrote it). Anything
 * else that is wrong throws one line: the file and its first bad field as a JSON pointer.
 */
export function parseStoredAnalysis(text: string, file: string): StoredAnalysis | undefined {
  const name = terminalText(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (isObject(value) && value.formatVersion !== CACHE_FORMAT_VERSION) return undefined;
  const problem = envelopeProblem(value);
  if (problem) throw new Error(`${name}: ${problem}`);
  const stored = value as unknown as StoredAnalysis;
  if (stored.record.report !== undefined) checkReport(stored.record.report, name, '/record/report');
  return stored;
}

function envelopeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'the top level must be object';
  const { hashes, record } = value;
  if (!isObject(hashes)) return '/hashes must be object';
  for (const side of ['a', 'b']) if (!isText(hashes[side])) return `/hashes/${side} ${TEXT}`;
  if (!isObject(record)) return '/record must be object';
  if (typeof record.id !== 'string' || !ID.test(record.id)) return '/record/id must be 1 to 64 letters, digits, - or _';
  for (const key of ['modelA', 'modelB', 'probe', 'preset', 'startedAt']) {
    if (!isText(record[key])) return `/record/${key} ${TEXT}`;
  }
  if (!STATUSES.has(record.status)) return `/record/status must be one of ${[...STATUSES].join(', ')}`;
  if (record.error !== undefined && !isText(record.error)) return `/record/error ${TEXT}`;
  if (record.stale !== undefined && typeof record.stale !== 'boolean') return '/record/stale must be boolean';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_TEXT;
}
