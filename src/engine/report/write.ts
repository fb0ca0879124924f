import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../protocol/report';
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
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await writeFile(file, content);
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
