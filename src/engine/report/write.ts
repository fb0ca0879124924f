import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../protocol/report';
import { KcError } from '../errors';
import { renderHeatmapPng } from './heatmap-png';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { headlineMeasure } from './pairs';

export interface ReportFiles {
  json?: string;
  html?: string;
  /** The Markdown report; its heatmap is written beside it as <name>.heatmap.png. */
  md?: string;
}

/** Writes the asked report files; returns the paths written, in order. */
export async function writeReports(report: Report, files: ReportFiles): Promise<string[]> {
  const written: string[] = [];
  const put = async (file: string, content: string | Buffer) => {
    try {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      await writeFile(file, content);
    } catch (error) {
      throw new KcError(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): choose another path`);
    }
    written.push(file);
  };
  if (files.json) await put(files.json, `${JSON.stringify(report, null, 2)}\n`);
  if (files.html) await put(files.html, renderHtml(report));
  if (files.md) {
    const measure = report.matrix && headlineMeasure(report.matrix.measures);
    const png = report.matrix && measure ? renderHeatmapPng(report.matrix, measure) : undefined;
    const pngPath = png ? path.join(path.dirname(files.md), `${path.basename(files.md, path.extname(files.md))}.heatmap.png`) : undefined;
    if (png && pngPath) await put(pngPath, png);
    await put(files.md, renderMarkdown(report, { heatmapPng: pngPath ? path.basename(pngPath) : undefined, heatmapMeasure: measure }));
  }
  return written;
}

/**
 * Fails before a long job rather than after it when a report file could not be written: the target must not be a
 * folder, and its nearest existing folder must be writable (missing folders are created when writing).
 */
export async function checkReportTargets(files: ReportFiles): Promise<void> {
  for (const file of [files.json, files.html, files.md]) if (file) await checkTarget(path.resolve(file));
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
  const writable = (p: string) => access(p, constants.W_OK).then(() => true, () => false);
  if (!(await writable(target ? file : dir))) throw new KcError(`cannot write the report to ${file}: no write permission; choose another path`);
}
