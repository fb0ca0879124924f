import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { KcError } from '../errors';
import { weightFilePaths } from '../models/model-hash';

export interface ReportFiles {
  json?: string;
  html?: string;
  /** The Markdown report; its heatmap is written beside it as <name>.heatmap.png. */
  md?: string;
}

/** A file the job reads, which no report may replace: `what` names it in the refusal ("model A"). */
export interface ReportInput {
  file: string;
  what: string;
  /** A model file: its weight shards are inputs too. */
  model?: boolean;
}

/** The PNG beside a Markdown report: r.md → r.heatmap.png. */
export function heatmapPath(md: string): string {
  return path.join(path.dirname(md), `${path.basename(md, path.extname(md))}.heatmap.png`);
}

/** Every file the reports may write, the heatmap PNG included (it is written only when there is a matrix). */
function outputs(files: ReportFiles): ReportInput[] {
  return [
    ...(files.json ? [{ file: files.json, what: 'JSON report' }] : []),
    ...(files.html ? [{ file: files.html, what: 'HTML report' }] : []),
    ...(files.md
      ? [
          { file: files.md, what: 'Markdown report' },
          { file: heatmapPath(files.md), what: "Markdown report's heatmap PNG" },
        ]
      : []),
  ];
}

/**
 * Fails before a long job rather than after it when a report file could not be written or would destroy something:
 * a report must not replace one of the job's inputs (a model, the saved report, a feature file) nor another report;
 * the target must not be a folder, and its nearest existing folder must be writable (missing folders are created
 * when writing).
 */
export async function checkReportTargets(files: ReportFiles, inputs: ReportInput[] = []): Promise<void> {
  const targets = outputs(files);
  const taken = new Map<string, string>();
  for (const input of inputs) {
    const id = await existingIdentity(input.file);
    if (id && !taken.has(id)) taken.set(id, `it is ${input.what}`);
    for (const shard of input.model ? await weightFilePaths(input.file) : []) {
      const shardId = await existingIdentity(shard);
      if (shardId && !taken.has(shardId)) taken.set(shardId, `it is a weight file of ${input.what}`);
    }
  }
  for (const target of targets) {
    const id = (await existingIdentity(target.file)) ?? (await futurePath(target.file));
    const clash = taken.get(id);
    if (clash) throw new KcError(`cannot write the ${target.what} to ${target.file}: ${clash}; choose another path`);
    taken.set(id, `the ${target.what} is written there too`);
  }
  for (const target of targets) await checkTarget(path.resolve(target.file));
}

/**
 * The file a path names, whatever the spelling (relative, `..`, symbolic links, hard links): its device and inode.
 * undefined when nothing is there yet.
 */
async function existingIdentity(file: string): Promise<string | undefined> {
  const info = await stat(file, { bigint: true }).catch(() => undefined);
  return info && `${info.dev}:${info.ino}`;
}

/** A file still to be written: the real path of its nearest existing folder, plus the rest of the path. */
async function futurePath(file: string): Promise<string> {
  let dir = path.resolve(file);
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined || path.dirname(dir) === dir) return path.join(real ?? dir, ...rest);
    rest.unshift(path.basename(dir));
    dir = path.dirname(dir);
  }
}

async function checkTarget(file: string): Promise<void> {
  const target = await stat(file).catch(() => undefined);
  if (target?.isDirectory()) throw new KcError(`cannot write the report to ${file}: it is a folder; give a file name`);
  let dir = path.dirname(file);
  let info = await stat(dir).catch(() => undefined);
  while (!info) {
    dir = path.dirname(dir);
    info = await stat(dir).catch(() => undefined);
  }
  if (!info.isDirectory()) throw new KcError(`cannot write the report to ${file}: ${dir} is a file, not a folder`);
  // The file is replaced by a rename in its folder, so the folder must be writable; a read-only file stays refused.
  const writable = (p: string) =>
    access(p, constants.W_OK).then(
      () => true,
      () => false,
    );
  if (!(await writable(dir)) || (target && !(await writable(file)))) {
    throw new KcError(`cannot write the report to ${file}: no write permission; choose another path`);
  }
}
