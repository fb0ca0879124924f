/**
 * The family and drift panel: a header with the run's status, then for a family the reliability-by-depth line and
 * the N × N matrices as small multiples by layer; for drift the layer × checkpoint heatmap and one line per layer.
 * Every fitted cell is a button that asks the host for that pair's drill-down. Redrawn whole on each update: a
 * report is small (N² cells per layer). The warnings are the pair panel's collapsible Banner, kept across redraws so
 * an opened list stays open.
 */
import type { DriftReport, FamilyReport } from '../../src/protocol/family';
import type { FamilyHostMessage, OpenPairMessage } from '../../src/protocol/family-view.protocol';
import { fmt } from '../../src/protocol/format';
import { Banner } from '../views/banner';
import { html } from '../views/svg';
import { driftHeatmap, driftLines, familyMatrix, reliabilityLine } from './charts';

export class FamilyView {
  private readonly banner = new Banner();

  constructor(
    private readonly root: HTMLElement,
    private readonly post: (message: OpenPairMessage) => void,
  ) {
    root.addEventListener('click', (e) => this.open(e.target));
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        if (this.open(e.target)) e.preventDefault();
      }
    });
  }

  render(message: FamilyHostMessage): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.cell;
    this.root.replaceChildren(this.header(message));
    const report = message.report;
    if (report?.kind === 'family') this.root.append(...family(report));
    else if (report?.kind === 'drift') this.root.append(...drift(report));
    // Keep the keyboard where it was across a redraw.
    if (focused) this.root.querySelector<HTMLElement>(`[data-cell="${CSS.escape(focused)}"]`)?.focus();
  }

  private header(message: FamilyHostMessage): HTMLElement {
    const report = message.report;
    const head = html('header', { class: 'head' });
    head.append(title(report));
    const done = report ? `${report.fits.length} of ${report.planned ?? report.fits.length} fits` : '';
    const status = html('p', { class: 'status', 'data-status': message.status, role: 'status' });
    // "watching run for new checkpoints" says its status itself.
    const words = message.message?.startsWith(message.status)
      ? [message.message, done]
      : [message.status, done, message.message];
    status.textContent = words.filter(Boolean).join(' · ');
    head.append(status);
    if (report)
      head.append(
        html(
          'p',
          { class: 'meta' },
          `probe ${report.probe.source} × ${report.probe.count} · preset ${report.settings.preset} · ${report.backend.name}`,
        ),
      );
    const warnings = [
      ...(report?.probe.warning ? [`Probe: ${report.probe.warning}`] : []),
      ...(report?.warnings ?? []),
    ];
    this.banner.render(warnings);
    head.append(this.banner.element);
    return head;
  }

  /** A fitted cell was clicked or pressed: ask for its drill-down. */
  private open(target: EventTarget | null): boolean {
    const cell = (target as Element | null)?.closest?.('[data-cell]');
    if (!(cell instanceof Element)) return false;
    const layer = cell.getAttribute('data-layer');
    const source = Number(cell.getAttribute('data-source'));
    const targetIndex = Number(cell.getAttribute('data-target'));
    if (layer === null || !Number.isInteger(source) || !Number.isInteger(targetIndex)) return false;
    this.post({ type: 'kc/openPair', layer, source, target: targetIndex });
    return true;
  }
}

/** The panel's title; a drift names its folder as the tab does, the whole path on hover. */
function title(report: FamilyReport | DriftReport | undefined): HTMLElement {
  if (report?.kind === 'family') return html('h1', {}, `Family of ${report.models.length} models`);
  if (report?.kind !== 'drift') return html('h1', {}, 'Knowledge Consistency');
  const name = report.folder.split(/[\\/]/).filter(Boolean).pop() ?? report.folder;
  return html('h1', { title: report.folder }, `Drift of ${name}`);
}

function family(report: FamilyReport): Element[] {
  const names = report.models.map((m) => m.name);
  // The key of the matrices' numbers, beside them.
  const models = html('ol', { class: 'models', 'aria-label': 'Models' });
  report.models.forEach((m) => models.append(html('li', { title: m.path }, m.name)));
  const grid = html('div', { class: 'multiples' });
  const matrices = html('div', { class: 'matrices' });
  matrices.append(models, grid);
  report.layers.forEach((layer, l) => {
    const r = report.reliability[l];
    const figure = html('figure', { class: 'multiple', 'data-layer': layer });
    figure.append(
      familyMatrix(layer, report.matrix[l], names),
      html(
        'figcaption',
        {},
        `${layer}: ${fmt(r.mean)}${r.low !== null && r.high !== null ? ` [${fmt(r.low)}, ${fmt(r.high)}]` : ''} (n = ${r.n})`,
      ),
    );
    grid.append(figure);
  });
  return [
    html('h2', {}, 'Reliability by depth'),
    html(
      'p',
      { class: 'hint' },
      'Mean consistency of every ordered pair of models at each layer, with its 95 % interval.',
    ),
    reliabilityLine(report.layers, report.reliability),
    html('h2', {}, 'Consistency matrices'),
    html('p', { class: 'hint' }, 'Row i explains column j (held-out explained fraction). Click a cell for the pair.'),
    matrices,
  ];
}

function drift(report: DriftReport): Element[] {
  const names = report.checkpoints.map((c) => c.name);
  const reference = report.against === 'final' ? 'the final checkpoint' : 'the previous checkpoint';
  return [
    html('h2', {}, `Each checkpoint explaining ${reference}`),
    html(
      'p',
      { class: 'hint' },
      `Ordered by ${report.orderedBy === 'number' ? 'the number in the name' : 'modification time'}.${report.against === 'previous' ? ' The first checkpoint has no previous one: its column stays empty.' : ''} Click a cell for the pair.`,
    ),
    driftHeatmap(report.layers, names, report.series, report.against),
    html('h2', {}, 'By layer'),
    driftLines(report.layers, names, report.series),
  ];
}
