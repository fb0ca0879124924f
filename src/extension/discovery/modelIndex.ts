/**
 * The workspace's model files: scanned lazily on first use (capped per pattern and folder), then kept live by file
 * watchers (create / change / delete; a rename is a delete plus a create) without rescanning.
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import { folderExcludes, type FolderExcludes } from './excludes';
import { GlobSet } from './glob';
import { TORCH_FILE } from '../../engine/models/format';
import { recogniseModelFile, type ModelFileFormat } from './recognise';
import { modelDisplayName } from '../../protocol/names';

export const BUILTIN_MODEL_GLOBS = ['**/*.onnx', '**/model.json', '**/*.pt', '**/*.pth', '**/*.pt2'];

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

export class ModelIndex implements vscode.Disposable {
  private models = new Map<string, DiscoveredModel>();
  /** Bumped by each scan, so only the newest scan's result is kept. */
  private generation = 0;
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

  /** Scans into fresh maps and swaps them in at the end; a scan overtaken by a newer one is dropped. */
  private async scanAll(): Promise<void> {
    const generation = ++this.generation;
    const started = Date.now();
    const config = readConfig();
    const globs = modelGlobs();
    this.extraGlobs = new GlobSet(config.extraModelGlobs);
    this.watch(globs);
    const models = new Map<string, DiscoveredModel>();
    const excludes = new Map<string, FolderExcludes>();
    let capped: number | undefined;

    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const folderExcluded = folderExcludes(folder);
      excludes.set(folder.uri.toString(), folderExcluded);
      for (const glob of globs) {
        const found = await vscode.workspace.findFiles(
          new vscode.RelativePattern(folder, glob),
          folderExcluded.findFilesGlob,
          config.maxFiles,
        );
        if (found.length >= config.maxFiles) capped = config.maxFiles;
        for (const uri of found) {
          const model = await this.recognise(uri, folderExcluded);
          if (model) models.set(uri.toString(), model);
        }
      }
    }
    if (generation !== this.generation) return;
    this.models = models;
    this.excludes = excludes;
    this.cappedAt = capped;
    this.log.info(
      `discovery: ${models.size} model file(s) in ${Date.now() - started} ms${capped ? ` (capped at ${capped} per pattern and folder)` : ''}`,
    );
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
    // A deleted folder reports only itself: drop every model below it. A copied or moved-in folder may also report
    // only itself (the watcher coalesces its files' events under load): look inside it for models.
    const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.watchers.push(
      folderWatcher,
      folderWatcher.onDidCreate((uri) => void this.onFolderCreated(uri, globs)),
      folderWatcher.onDidDelete((uri) => this.onDeleted(uri)),
    );
  }

  private async onFolderCreated(uri: vscode.Uri, globs: readonly string[]): Promise<void> {
    const stat = await vscode.workspace.fs.stat(uri).then(
      (s) => s,
      () => undefined,
    );
    if (!stat || (stat.type & vscode.FileType.Directory) === 0) return;
    let added = false;
    for (const glob of globs) {
      for (const file of await vscode.workspace.findFiles(new vscode.RelativePattern(uri, glob))) {
        if (!this.models.has(file.toString()) && (await this.consider(file))) added = true;
      }
    }
    if (added) this.changed.fire();
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

  /** Adds the file when it is a model outside the exclusions (watcher events); returns whether it is listed. */
  private async consider(uri: vscode.Uri): Promise<boolean> {
    const model = await this.recognise(uri);
    if (model) this.models.set(uri.toString(), model);
    return model !== undefined;
  }

  /** The model in this file, or undefined when it is excluded, outside the workspace, or not a model. */
  private async recognise(uri: vscode.Uri, excludes?: FolderExcludes): Promise<DiscoveredModel | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const relative = vscode.workspace.asRelativePath(uri, false);
    const excluded = excludes ?? this.excludes.get(folder.uri.toString()) ?? folderExcludes(folder);
    if (excluded.set.matchesPathOrParent(relative)) return undefined;
    const format = await recogniseModelFile(uri);
    if (!format) return undefined;
    if (format === 'tfjs' && !uri.path.endsWith('/model.json') && !this.extraGlobs.matches(relative)) return undefined;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return {
      uri,
      format,
      name: modelDisplayName(uri.path),
      relativePath: vscode.workspace.asRelativePath(uri, multiRoot),
    };
  }

  private isModelPath(uri: vscode.Uri): boolean {
    return (
      /\.onnx$/i.test(uri.path) ||
      TORCH_FILE.test(uri.path) ||
      uri.path.endsWith('/model.json') ||
      this.extraGlobs.matches(vscode.workspace.asRelativePath(uri, false))
    );
  }

  private disposeWatchers(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = [];
    this.watchedGlobs = '';
  }
}
