import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../protocol/report';
import { KcError } from '../errors';
import { writeFileAtomic } from './atomic-write';
import { renderHeatmapPng } from './heatmap-png';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { headlineMeasure } from './pairs';
import { heatmapPath, type ReportFiles } from './targets';

/**
 * Writes the asked report files; returns the paths written, in order. Each file is replaced atomically (see
 * writeFileAtomic): a crash or a second run never leaves half a report. Call checkReportTargets first.
 */
export async function writeReports(report: Report, files: ReportFiles): Promise<string[]> {
  const written: string[] = [];
  const put = async (file: string, content: string | Buffer) => {
    await writeOutput(file, content);
    written.push(file);
  };
  if (files.json) await put(files.json, `${JSON.stringify(report, null, 2)}\n`);
  if (files.html) await put(files.html, renderHtml(report));
  if (files.md) {
    const measure = report.matrix && headlineMeasure(report.matrix.measures);
    const png = report.matrix && measure ? renderHeatmapPng(report.matrix, measure) : undefined;
    const pngPath = png ? heatmapPath(files.md) : undefined;
    // The image first, so that the Markdown never links to a missing file.
    if (png && pngPath) await put(pngPath, png);
    await put(
      files.md,
      renderMarkdown(report, { heatmapPng: pngPath ? path.basename(pngPath) : undefined, heatmapMeasure: measure }),
    );
  }
  return written;
}

/** One output file, its folder created if needed, replaced atomically; a failure is one line naming the file. */
export async function writeOutput(file: string, content: string | Buffer): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFileAtomic(file, content);
  } catch (error) {
    throw new KcError(
      `cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): choose another path`,
    );
  }
}
