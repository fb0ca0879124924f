/**
 * The panel's head: the title, the status, the warnings and the progress row of a running analysis. The warnings are
 * a collapsible area (Banner) in the head's own row, beside the status.
 */
import { inputsLine } from '../model/inputs';
import { pairingLine } from '../model/pairing-line';
import type { PanelData } from '../model/stream';
import { Banner } from './banner';
import { html } from './svg';

interface ProgressEl extends HTMLElement {
  value?: number;
  indeterminate: boolean;
}

export class HeaderView {
  readonly head = html('header', { class: 'head' });
  private readonly banner = new Banner();
  readonly progressRow = html('div', { id: 'progress', class: 'progress-row' });
  private readonly title = html('h1', { id: 'title' }, 'Knowledge consistency');
  private readonly status = html('span', { id: 'status', class: 'status' });
  /** How the probe was fed to each model (dtype, range, size), with the reasons as a tooltip. */
  private readonly inputs = html('span', { id: 'inputs', class: 'muted' });
  /** How the layer pairs were chosen (by name, by depth and scale), each pair in the tooltip. */
  private readonly pairing = html('span', { id: 'pairing', class: 'muted' });
  private readonly progressBar = document.createElement('vscode-progress-bar') as ProgressEl;
  private readonly progressText = html('span', { class: 'muted' });

  constructor() {
    this.head.append(this.title, this.status, this.inputs, this.pairing, this.banner.element);
    this.progressBar.indeterminate = true;
    this.progressRow.append(this.progressBar, this.progressText);
    this.progressRow.hidden = true;
  }

  /** The title as shown (exports put it above the picture). */
  get titleText(): string {
    return this.title.textContent ?? '';
  }

  render(data: PanelData, names: { a: string; b: string }): void {
    const { record, report } = data;
    this.title.textContent =
      record && (record.modelA || report.models) ? `${names.a} vs ${names.b}` : 'Knowledge consistency';
    this.status.textContent = record ? statusText(record.status, report.pairs.length) : 'waiting for an analysis…';
    this.status.dataset.status = record?.status ?? 'none';
    const inputs = inputsLine(report.probe);
    this.inputs.textContent = inputs?.text ?? '';
    this.inputs.title = inputs?.title ?? '';
    this.inputs.hidden = !inputs;
    const pairing = pairingLine(report.pairing);
    this.pairing.textContent = pairing?.text ?? '';
    this.pairing.title = pairing?.title ?? '';
    this.pairing.hidden = !pairing;
    this.renderBanner(data);
    this.renderProgress(data);
  }

  private renderBanner({ record, report }: PanelData): void {
    const lines: string[] = [];
    if (record?.stale)
      lines.push('Stale: a model file changed after this analysis ran. Run the comparison again for current numbers.');
    if (record?.status === 'failed') lines.push(`Failed: ${record.error ?? 'the analysis stopped with an error'}`);
    if (record?.status === 'cancelled') lines.push('Cancelled: showing the pairs that finished.');
    if (report.probe?.warning) lines.push(`Probe: ${report.probe.warning}`);
    for (const w of report.warnings ?? []) lines.push(w);
    this.banner.render(lines, {
      error: record?.status === 'failed' || !!record?.stale,
      open: record?.status === 'failed',
    });
  }

  private renderProgress({ record, progress }: PanelData): void {
    const running = record?.status === 'running';
    this.progressRow.hidden = !running;
    this.progressText.textContent = running ? (progress?.message ?? 'Comparing…') : '';
    if (progress?.fraction !== undefined) {
      this.progressBar.indeterminate = false;
      this.progressBar.value = progress.fraction * 100;
    } else {
      this.progressBar.indeterminate = true;
    }
  }
}

function statusText(status: string, pairs: number): string {
  const n = `${pairs} pair${pairs === 1 ? '' : 's'}`;
  switch (status) {
    case 'running':
      return `running · ${n} done`;
    case 'done':
      return `done · ${n}`;
    default:
      return status;
  }
}
