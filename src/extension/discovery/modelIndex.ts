/**
 * The workspace's model files: scanned lazily on first use (capped per pattern and folder), then kept live by file
 * watchers (create / change / delete; a rename is a delete plus a create) without rescanning.
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { folderExcludes, type FolderExcludes } from './excludes';
import { GlobSet } from './glob';
import { recogniseModelFile, type ModelFileFormat } from './recognise';

export const BUILTIN_MODEL_GLOBS = ['**/*.onnx', '**/model.json'];

function modelGlobs(): string[] {
  return [...BUILTIN_MODEL_GLOBS, ...readConfig().extraModelGlobs];
}

export interface DiscoveredModel {
  uri: vscode.Uri;
  format: ModelFileFormat;
  /** Short display name, e.g. "mnist-cnn-seed1" for mnist-cnn-seed1/model.onnx. */
  name: string;
  /** Workspace-relative path, for descriptions. */
  relativePath: string;
}

/** Folder names that say nothing about which model is inside (samples/x/tfjs/model.json → "x/tfjs"). */
const GENERIC_DIRS = new Set(['tfjs', 'onnx', 'web_model', 'tfjs_model', 'model', 'models', 'export', 'exported']);

export function modelDisplayName(uri: vscode.Uri): string {
  const parts = uri.path.split('/').filter(Boolean);
  const file = parts[parts.length - 1] ?? uri.path;
  const stem = file.replace(/\.(onnx|json)$/i, '');
  if (stem.toLowerCase() !== 'model' || parts.length < 2) return stem;
  const parent = parts[parts.length - 2];
  return GENERIC_DIRS.has(parent.toLowerCase()) && parts.length >= 3 ? `${parts[parts.length - 3]}/${parent}` : parent;
}

export class ModelIndex implements vscode.Disposable {
  private readonly models = new Map<string, DiscoveredModel>();
  private scan: Promise<void> | undefined;
  private watchers: vscode.Disposable[] = [];
  private excludes = new Map<string, FolderExcludes>();
  private extraGlobs = new GlobSet([]);
  /** Folders whose scan hit the cap, so the UI can say the list is incomplete. */
  private cappedAt: number | undefined;

  private readonly changed = new vscode.EventEmitter<void>();
  /** The list of models changed (added, removed, rescanned). */
  readonly onDidChange = this.changed.event;
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  /** A model file changed on disk or was deleted (results about it may be stale); fires before the first scan too. */
  readonly onDidChangeModelFile = this.contentChanged.event;

  private watchedGlobs = '';

  /** Watches from the start (cheap), so changed model files mark results stale even before the first scan. */
  constructor(private readonly log: vscode.LogOutputChannel) {
    this.watch(modelGlobs());
  }

  /** Scans once (later calls share the scan); the watchers start with the first scan. */
  ensureScanned(): Promise<void> {
    this.scan ??= this.scanAll();
    return this.scan;
  }

  get scanned(): boolean {
    return this.scan !== undefined;
  }

  async list(): Promise<DiscoveredModel[]> {
    await this.ensureScanned();
    return [...this.models.values()].sort((a, b) => a.relativePath.localeCompare(b.relativePath));
  }

  get(uri: vscode.Uri): DiscoveredModel | undefined {
    return this.models.get(uri.toString());
  }

  /** The per-folder cap when the last scan hit it, else undefined. */
  get capped(): number | undefined {
    return this.cappedAt;
  }

  /** Forgets everything and scans again (settings changed, folders added, or the user asked). */
  rescan(): Promise<void> {
    this.scan = this.scanAll();
    return this.scan;
  }

  dispose(): void {
    this.disposeWatchers();
    this.changed.dispose();
    this.contentChanged.dispose();
  }

  private async scanAll(): Promise<void> {
    const started = Date.now();
    const config = readConfig();
    const globs = modelGlobs();
    this.extraGlobs = new GlobSet(config.extraModelGlobs);
    this.models.clear();
    this.excludes.clear();
    this.cappedAt = undefined;
    this.watch(globs);

    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const excludes = folderExcludes(folder);
      this.excludes.set(folder.uri.toString(), excludes);
      for (const glob of globs) {
        const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), excludes.findFilesGlob, config.maxFiles);
        if (found.length >= config.maxFiles) this.cappedAt = config.maxFiles;
        for (const uri of found) await this.consider(uri);
      }
    }
    this.log.info(`discovery: ${this.models.size} model file(s) in ${Date.now() - started} ms${this.cappedAt ? ` (capped at ${this.cappedAt} per pattern and folder)` : ''}`);
    this.changed.fire();
  }

  /** (Re)creates the watchers when the patterns changed. */
  private watch(globs: string[]): void {
    if (this.watchedGlobs === globs.join('\n')) return;
    this.disposeWatchers();
    this.watchedGlobs = globs.join('\n');
    for (const glob of globs) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob);
      this.watchers.push(
        watcher,
        watcher.onDidCreate(async (uri) => {
          if (await this.consider(uri)) this.changed.fire();
        }),
        watcher.onDidChange((uri) => void this.onChanged(uri)),
        watcher.onDidDelete((uri) => this.onDeleted(uri)),
      );
    }
    // A deleted folder reports only itself: drop every model below it.
    const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', true, true, false);
    this.watchers.push(folderWatcher, folderWatcher.onDidDelete((uri) => this.onDeleted(uri)));
  }

  private async onChanged(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const known = this.models.has(key);
    // A JSON file may have become (or stopped being) a TF.js model.
    const isModel = await this.consider(uri);
    if (known && !isModel) {
      this.models.delete(key);
      this.changed.fire();
    } else if (!known && isModel) this.changed.fire();
    this.contentChanged.fire(uri);
  }

  private onDeleted(uri: vscode.Uri): void {
    const prefix = uri.toString().replace(/\/?$/, '/');
    let removed = false;
    // Before the first scan nothing is listed, yet results may be about this file.
    if (!this.models.has(uri.toString()) && this.isModelPath(uri)) this.contentChanged.fire(uri);
    for (const key of [...this.models.keys()]) {
      if (key === uri.toString() || key.startsWith(prefix)) {
        const model = this.models.get(key);
        this.models.delete(key);
        if (model) this.contentChanged.fire(model.uri);
        removed = true;
      }
    }
    if (removed) this.changed.fire();
  }

  /** Adds the file when it is a model outside the exclusions; returns whether it is listed. */
  private async consider(uri: vscode.Uri): Promise<boolean> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return false;
    const relative = vscode.workspace.asRelativePath(uri, false);
    const excludes = this.excludes.get(folder.uri.toString()) ?? folderExcludes(folder);
    if (excludes.set.matchesPathOrParent(relative)) return false;
    const format = await recogniseModelFile(uri);
    if (!format) return false;
    if (format === 'onnx' || uri.path.endsWith('/model.json') || this.extraGlobs.matches(relative)) {
      const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
      this.models.set(uri.toString(), {
        uri,
        format,
        name: modelDisplayName(uri),
        relativePath: vscode.workspace.asRelativePath(uri, multiRoot),
      });
      return true;
    }
    return false;
  }

  private isModelPath(uri: vscode.Uri): boolean {
    return /\.onnx$/i.test(uri.path) || uri.path.endsWith('/model.json') || this.extraGlobs.matches(vscode.workspace.asRelativePath(uri, false));
  }

  private disposeWatchers(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = [];
    this.watchedGlobs = '';
  }
}
