/** What every HTML report (compare, family, drift) shows alike: the page, the line under its title, its setup's rows. */
import type { ManyModelReport } from '../../protocol/family';
import { probeSize } from '../../protocol/probe-input';
import type { BackendInfo, DisentangleSettings, ProbeInfo } from '../../protocol/report';
import { esc } from './escape';
import { splitSummary } from './format';

/** A self-contained page: inline CSS and SVG, no scripts, no remote resources. */
export function selfContainedPage(title: string, css: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${css}</style>
</head>
<body>
<h1>${esc(title)}</h1>
${body}
</body>
</html>
`;
}

/** Tool, date and the method's paper. */
export function metaLine(report: Pick<ManyModelReport, 'tool' | 'createdAt'>): string {
  return `<p class="meta">${esc(report.tool.name)} ${esc(report.tool.version)} · ${esc(report.createdAt)} · method of Liang et al., "Knowledge Consistency between Neural Networks and Beyond" (ICLR 2020)</p>`;
}

/** A setup's label/value rows. */
export type Facts = Array<[string, string]>;

/** The disentangler's shape and seeds (the compare report adds its training settings after these). */
export function settingsFacts(s: DisentangleSettings): Facts {
  return [
    ['orders K', String(s.orders)],
    ['gate penalty α', String(s.alpha)],
    ['normalisation', s.normalize],
    ['kernel', `${s.kernel}×${s.kernel}`],
    ['preset', s.preset],
    ['max epochs', String(s.epochs)],
    ['seed', String(s.seed)],
    ['seeds', String(s.seeds)],
  ];
}

export function probeFacts(p: ProbeInfo): Facts {
  return [
    ['source', p.source],
    ['samples', `${probeSize(p)} (${splitSummary(p)})`],
    ['preprocessing', p.preprocessing ?? '–'],
  ];
}

export function backendFacts(b: BackendInfo): Facts {
  return [
    ['name', `${b.name} ${b.version}`],
    ['device', b.device],
  ];
}
