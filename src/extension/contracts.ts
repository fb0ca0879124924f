/**
 * The seams between the parts of the extension host: the core (discovery, worker, results), the panel and the
 * inline reports. Each part implements or consumes these interfaces; none reaches into another's internals.
 */
import type * as vscode from 'vscode';
import type { Direction, LayerInfo, Report } from '../protocol/report';

export type AnalysisStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** One comparison of two model files, past or running. */
export interface AnalysisRecord {
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

export interface ResultsStore {
  all(): AnalysisRecord[];
  get(id: string): AnalysisRecord | undefined;
  /** The newest finished analysis involving this model file (as A or B), optionally against a given other model. */
  latestFor(modelPath: string, otherModelPath?: string): AnalysisRecord | undefined;
  readonly onDidChange: vscode.Event<AnalysisRecord>;
  /** Progress of a running analysis (what the notification shows), for the panel's own progress line. */
  readonly onDidProgress: vscode.Event<AnalysisProgress>;
}

export interface AnalysisProgress {
  id: string;
  message: string;
  /** 0..1 over the whole job when known. */
  fraction?: number;
}

/** Where the user wants to look inside an analysis. */
export interface PairFocus {
  layerA: string;
  layerB: string;
  direction: Direction;
}

export interface PanelController {
  /** Opens (or reveals) the panel for this analysis; with a focus, opens the pair drill-down. */
  show(record: AnalysisRecord, focus?: PairFocus): void;
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
