/**
 * The family and drift panel: a header with the run's status, then for a family the reliability-by-depth line and
 * the N × N matrices as small multiples by layer; for drift the layer × checkpoint heatmap and one line per layer.
 * Every fitted cell is a button that asks the host for that pair's drill-down. Redrawn whole on each update: a
 * report is small (N² cells per layer).
 */
import type { DriftReport, FamilyReport } from '../../src/protocol/family';
import type { FamilyHostMessage, OpenPairMessage } from '../../src/protocol/family-view.protocol';
import { html } from '../views/svg';
import { driftHeatmap, driftLines, familyMatrix, reliabilityLine } from './charts';

export class FamilyView {
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
    if (report?.warnings.length) {
      const list = html('ul', { class: 'warnings' });
      for (const w of report.warnings) list.append(html('li', {}, w));
      this.root.append(html('h2', {}, 'Warnings'), list);
    }
    // Keep the keyboard where it was across a redraw.
    if (focused) this.root.querySelector<HTMLElement>(`[data-cell="${CSS.escape(focused)}"]`)?.focus();
  }

  private header(message: FamilyHostMessage): HTMLElement {
    const report = message.report;
    const head = html('header', { class: 'head' });
    const title =
      report?.kind === 'family'
        ? `Family of ${report.models.length} models`
        : report?.kind === 'drift'
          ? `Drift of ${report.folder}`
          : 'Knowledge Consistency';
    head.append(html('h1', {}, title));
    const done = report ? `${report.fits.length} of ${report.planned ?? report.fits.length} fits` : '';
    const status = html('p', { class: 'status', 'data-status': message.status, role: 'status' });
    status.textContent = [message.status, done, message.message].filter(Boolean).join(' · ');
    head.append(status);
    if (report)
      head.append(
        html(
          'p',
          { class: 'meta' },
          `probe ${report.probe.source} × ${report.probe.count} · preset ${report.settings.preset} · ${report.backend.name}`,
        ),
      );
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

function family(report: FamilyReport): Element[] {
  const names = report.models.map((m, i) => `${i + 1} ${m.name}`);
  const models = html('ol', { class: 'models' });
  report.models.forEach((m) => models.append(html('li', {}, m.name)));
  const grid = html('div', { class: 'multiples' });
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
    models,
    grid,
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
      `Ordered by ${report.orderedBy === 'number' ? 'the number in the name' : 'modification time'}. Click a cell for the pair.`,
    ),
    driftHeatmap(report.layers, names, report.series, report.against),
    html('h2', {}, 'By layer'),
    driftLines(report.layers, names, report.series),
  ];
}

export function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : v.toFixed(3);
}
