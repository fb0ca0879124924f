/** What the webview sends the host for an export: the picture of the open tab, the heatmap's CSV. */
import { arrowText } from '../../src/protocol/format';
import type { PanelViewState, WebviewMessage } from '../../src/protocol/webview.protocol';
import { pairPhrase } from '../model/drill';
import { exportStem, heatmapCsv } from '../model/export';
import type { HeatmapModel } from '../model/heatmap';
import { rowsOf, viewToPng, type PngRow } from './png';

/** What an export needs of the panel at the moment of the click. */
export interface ExportSource {
  analysisId?: string;
  view: PanelViewState;
  model?: HeatmapModel;
  title: string;
  names: { a: string; b: string };
  /** The drawn parts of each tab. */
  heatmap: PngRow[];
  strip: HTMLElement;
  drilldown: HTMLElement;
}

export async function pngExport(s: ExportSource): Promise<WebviewMessage | undefined> {
  if (!s.analysisId) return undefined;
  const tab = s.view.tab ?? 'heatmap';
  const rows = tab === 'heatmap' ? s.heatmap : rowsOf(tab === 'strip' ? s.strip : s.drilldown);
  const what =
    tab === 'heatmap'
      ? `${s.model?.measure.label} (${s.model ? arrowText(s.model.direction, s.names) : ''})`
      : tab === 'strip'
        ? 'layer strip'
        : s.view.focus
          ? pairPhrase(s.view.focus, s.names)
          : 'pair';
  const dataUrl = await viewToPng(`${s.title} · ${what}`, rows);
  return {
    type: 'kc/export',
    analysisId: s.analysisId,
    format: 'png',
    dataUrl,
    suggestedName: `${stem(s)}-${tab}.png`,
  };
}

export function csvExport(s: ExportSource): WebviewMessage | undefined {
  if (!s.analysisId || !s.model) return undefined;
  return {
    type: 'kc/export',
    analysisId: s.analysisId,
    format: 'csv',
    content: heatmapCsv(s.model),
    suggestedName: `${stem(s)}-${s.model.measure.id}.csv`,
  };
}

function stem(s: ExportSource): string {
  return exportStem(s.names.a, s.names.b);
}
