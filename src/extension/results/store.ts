/**
 * The analyses, past and running. Finished ones are cached on disk (one JSON file per analysis, written atomically)
 * and restored on activation, and so are cancelled or failed ones that had finished some pairs (a partial result:
 * nothing a user waited for is thrown away); running ones live in memory only, so no half-written result is ever
 * read back. A model file whose content changed marks the analyses that used it as stale.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { CompareStarted } from '../../protocol/compare';
import type { PairKey, PairResult, Report, SimilarityMatrix } from '../../protocol/report';
import type { AnalysisEvent, AnalysisProgress, AnalysisRecord, ResultsStore } from '../contracts';
import { readReportText } from '../../engine/report/read';
import { storageProblem } from '../../engine/storage-error';
import { writeFileAtomic } from './atomicWrite';
import { CACHE_FORMAT_VERSION as FORMAT_VERSION, parseStoredAnalysis, type StoredAnalysis } from './cache-file';
import { hashModelFiles } from './hash';
import type { ModelHashes } from './key';

export class DiskResultsStore implements ResultsStore, vscode.Disposable {
  private readonly records = new Map<string, AnalysisRecord>();
  private readonly hashes = new Map<string, ModelHashes>();
  private readonly plans = new Map<string, PairKey[]>();
  private readonly events = new vscode.EventEmitter<AnalysisEvent>();
  readonly onDidEvent = this.events.event;
  private readonly changed = new vscode.EventEmitter<AnalysisRecord>();
  readonly onDidChange = this.changed.event;
  private readonly progressed = new vscode.EventEmitter<AnalysisProgress>();
  readonly onDidProgress = this.progressed.event;
  private readonly removed = new vscode.EventEmitter<string>();
  readonly onDidRemove = this.removed.event;

  /** `dir` holds one <id>.json per finished analysis. */
  constructor(
    readonly dir: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  all(): AnalysisRecord[] {
    return [...this.records.values()].sort((x, y) => y.startedAt.localeCompare(x.startedAt));
  }

  get(id: string): AnalysisRecord | undefined {
    return this.records.get(id);
  }

  plan(id: string): PairKey[] | undefined {
    return this.plans.get(id);
  }

  latestFor(modelPath: string, otherModelPath?: string): AnalysisRecord | undefined {
    return this.all().find(
      (r) =>
        r.status === 'done' &&
        (r.modelA === modelPath || r.modelB === modelPath) &&
        (otherModelPath === undefined || r.modelA === otherModelPath || r.modelB === otherModelPath),
    );
  }

  /** Reads the cached analyses, then checks each against its model files' current content. */
  async restore(): Promise<void> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((f) => f.endsWith('.json'));
    } catch {
      return; // no cache yet
    }
    for (const file of files) {
      try {
        // undefined: another format version, another release's file, left alone.
        const stored = parseStoredAnalysis(await readReportText(path.join(this.dir, file)), file);
        if (!stored || !isKept(stored.record)) continue;
        this.records.set(stored.record.id, stored.record);
        this.hashes.set(stored.record.id, stored.hashes);
      } catch (error) {
        // A corrupt or crafted file loses only itself; its message names the file and the first bad field.
        this.log.warn(`results: skipped a cache file: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.log.info(`results: restored ${this.records.size} analysis(es) from ${this.dir}`);
    const paths = new Set(this.all().flatMap((r) => [r.modelA, r.modelB]));
    for (const modelPath of paths) await this.checkStale(modelPath);
  }

  /** A new running analysis (replaces a previous one with the same id: same models' content and settings). */
  begin(record: AnalysisRecord, hashes: ModelHashes): void {
    this.records.set(record.id, record);
    this.hashes.set(record.id, hashes);
    this.plans.delete(record.id);
    this.fire({ kind: 'record', record });
  }

  /** The engine has loaded and paired the models: the report's header (its results stream into it) and the plan. */
  start(id: string, started: CompareStarted): void {
    const record = this.records.get(id);
    if (!record) return;
    record.report = { ...started.header, pairs: [], warnings: [] };
    this.plans.set(id, started.plan);
    this.fire({ kind: 'record', record });
  }

  progress(progress: AnalysisProgress): void {
    const record = this.records.get(progress.id);
    if (record) this.fire({ kind: 'progress', record, progress });
  }

  addPair(id: string, pair: PairResult): void {
    const record = this.records.get(id);
    if (!record?.report) return;
    record.report.pairs.push(pair);
    this.fire({ kind: 'pair', record, pair });
  }

  setMatrix(id: string, matrix: SimilarityMatrix): void {
    const record = this.records.get(id);
    if (!record?.report) return;
    record.report.matrix = matrix;
    this.fire({ kind: 'matrix', record, matrix });
  }

  /**
   * The complete report: cached on disk before anyone is told it is done. A cache that cannot be written (a full
   * disk, a read-only folder) loses nothing shown: the result stays in memory, and `notCached` says why it will not
   * survive a reload.
   */
  async finish(id: string, report: Report): Promise<{ record: AnalysisRecord; notCached?: string } | undefined> {
    const record = this.records.get(id);
    const hashes = this.hashes.get(id);
    if (!record || !hashes) return undefined;
    const done: AnalysisRecord = { ...record, status: 'done', report, error: undefined, stale: false };
    const stored: StoredAnalysis = { formatVersion: FORMAT_VERSION, hashes, record: done };
    let notCached: string | undefined;
    try {
      await writeFileAtomic(this.fileOf(id), JSON.stringify(stored));
    } catch (error) {
      notCached = cacheProblem(error);
      this.log.warn(`results: could not cache ${id} in ${this.dir}: ${notCached}`);
    }
    this.records.set(id, done);
    this.plans.delete(id);
    this.fire({ kind: 'record', record: done });
    return { record: done, notCached };
  }

  /** Failed or cancelled: what finished (pairs, similarity cells) is kept and cached as a partial result. */
  async end(id: string, status: 'failed' | 'cancelled', error?: string): Promise<AnalysisRecord | undefined> {
    const record = this.records.get(id);
    const hashes = this.hashes.get(id);
    if (!record) return undefined;
    const partial =
      record.report && (record.report.pairs.length > 0 || record.report.matrix) ? record.report : undefined;
    const ended: AnalysisRecord = { ...record, status, error, report: partial };
    if (partial && hashes) {
      try {
        await writeFileAtomic(
          this.fileOf(id),
          JSON.stringify({ formatVersion: FORMAT_VERSION, hashes, record: ended } satisfies StoredAnalysis),
        );
      } catch (e) {
        this.log.warn(`results: could not cache the partial result of ${id}: ${cacheProblem(e)}`);
      }
    }
    this.records.set(id, ended);
    this.plans.delete(id);
    this.fire({ kind: 'record', record: ended });
    return ended;
  }

  async remove(id: string): Promise<void> {
    if (!this.records.delete(id)) return;
    this.hashes.delete(id);
    await rm(this.fileOf(id), { force: true });
    this.removed.fire(id);
  }

  /** Re-hashes a model file and flags the finished analyses whose recorded hash no longer matches. */
  async checkStale(modelPath: string): Promise<void> {
    const affected = this.all().filter((r) => isKept(r) && (r.modelA === modelPath || r.modelB === modelPath));
    if (affected.length === 0) return;
    let current: string | undefined;
    try {
      current = await hashModelFiles(modelPath);
    } catch {
      current = undefined; // deleted or unreadable: every result about it is stale
    }
    for (const record of affected) {
      const hashes = this.hashes.get(record.id);
      const recorded = record.modelA === modelPath ? hashes?.a : hashes?.b;
      const stale = current === undefined || current !== recorded;
      if (stale === (record.stale ?? false)) continue;
      const updated = { ...record, stale };
      this.records.set(record.id, updated);
      if (hashes)
        await writeFileAtomic(
          this.fileOf(record.id),
          JSON.stringify({ formatVersion: FORMAT_VERSION, hashes, record: updated } satisfies StoredAnalysis),
        );
      this.log.info(
        `results: ${path.basename(modelPath)} ${stale ? 'changed: analysis ' + record.id + ' is stale' : 'is back to its analysed content'}`,
      );
      this.fire({ kind: 'stale', record: updated });
    }
  }

  dispose(): void {
    this.events.dispose();
    this.changed.dispose();
    this.progressed.dispose();
    this.removed.dispose();
  }

  private fire(event: AnalysisEvent): void {
    this.events.fire(event);
    if (event.kind === 'progress') this.progressed.fire(event.progress);
    else this.changed.fire(event.record);
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
}

/** Finished, or ended early with some results: what the cache keeps. */
function isKept(record: AnalysisRecord | undefined): boolean {
  return (
    record?.status === 'done' ||
    ((record?.status === 'cancelled' || record?.status === 'failed') && record.report !== undefined)
  );
}

/** Why the cache could not be written, in words. */
function cacheProblem(error: unknown): string {
  return storageProblem(error) ?? (error instanceof Error ? error.message : String(error));
}
