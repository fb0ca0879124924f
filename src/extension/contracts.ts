/**
 * The seams between the parts of the extension host: the core (discovery, worker, results), the panel and the
 * inline reports. Each part implements or consumes these interfaces; none reaches into another's internals.
 */
import type * as vscode from 'vscode';
import type { LayerInfo, PairKey, PairResult, SimilarityMatrix } from '../protocol/report';
import type { Progress } from '../protocol/progress';
import type { ExportFormat, PairFocus, PanelRecord } from '../protocol/webview.protocol';

/** The record and the focus are the protocol's types: the host hands them to the panel as they are. */
export type { AnalysisStatus, PairFocus } from '../protocol/webview.protocol';
export type AnalysisRecord = PanelRecord;

export interface ResultsStore {
  all(): AnalysisRecord[];
  get(id: string): AnalysisRecord | undefined;
  /** The newest finished analysis involving this model file (as A or B), optionally against a given other model. */
  latestFor(modelPath: string, otherModelPath?: string): AnalysisRecord | undefined;
  /** The fits a running analysis will make, in order (known once the engine has paired the layers). */
  plan(id: string): PairKey[] | undefined;
  /** Every change, as it happens: what the panel streams to its webview. */
  readonly onDidEvent: vscode.Event<AnalysisEvent>;
  /** The record after any change but progress (for views that redraw whole records). */
  readonly onDidChange: vscode.Event<AnalysisRecord>;
  /** Progress of a running analysis (what the notification shows). */
  readonly onDidProgress: vscode.Event<AnalysisProgress>;
}

/** What changed in an analysis; `record` is the analysis after the change. */
export type AnalysisEvent =
  | { kind: 'record'; record: AnalysisRecord }
  | { kind: 'pair'; record: AnalysisRecord; pair: PairResult }
  | { kind: 'matrix'; record: AnalysisRecord; matrix: SimilarityMatrix }
  | { kind: 'stale'; record: AnalysisRecord }
  | { kind: 'progress'; record: AnalysisRecord; progress: AnalysisProgress };

export interface AnalysisProgress {
  id: string;
  message: string;
  /** 0..1 over the whole job when known. */
  fraction?: number;
  /** The engine's progress as data (phase, pair in flight, counts, time left). */
  progress?: Progress;
}

export interface PanelController {
  /** Opens (or reveals) the panel for this analysis; with a focus, opens the pair drill-down. */
  show(record: AnalysisRecord, focus?: PairFocus): void;
  /** The analysis of the panel, when it is the active editor. */
  activeAnalysisId(): string | undefined;
  /** Export… of what the panel draws (PNG, CSV): shows the analysis, and the panel saves what its webview sends. */
  requestExport(record: AnalysisRecord, format: ExportFormat): void;
}

export interface ReferenceModel {
  get(): vscode.Uri | undefined;
  set(uri: vscode.Uri | undefined): Promise<void>;
  readonly onDidChange: vscode.Event<vscode.Uri | undefined>;
}

/** The engine worker as the UI parts see it. */
export interface EngineClient {
  listLayers(modelPath: string, token?: vscode.CancellationToken): Promise<LayerInfo[]>;
}

/** What the core hands to the panel and inline parts (`registerPanel(context, services)`, `registerInlineReports(context, services)`). */
export interface ExtensionServices {
  store: ResultsStore;
  reference: ReferenceModel;
  engine: EngineClient;
  /** Set once the panel part is registered; the inline part uses it to open an analysis. */
  panel?: PanelController;
  log: vscode.LogOutputChannel;
}
