/**
 * The panel's head: the title, the status, the warnings and the progress row of a running analysis. The warnings are
 * a collapsible area in the head's own row: its summary (the first warning, and how many more) sits beside the
 * status, its list opens over the content below, so warnings arriving late never push the heatmap down.
 */
import { inputsLine } from '../model/inputs';
import { pairingLine } from '../model/pairing-line';
import type { PanelData } from '../model/stream';
import { html } from './svg';

interface ProgressEl extends HTMLElement {
  value?: number;
  indeterminate: boolean;
}

export class HeaderView {
  readonly head = html('header', { class: 'head' });
  readonly banner = html('details', { id: 'banner' }) as HTMLDetailsElement;
  private readonly bannerSummary = html('summary', { role: 'status' });
  private readonly bannerList = html('div', { class: 'banner-list' });
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
    this.banner.append(this.bannerSummary, this.bannerList);
    this.banner.hidden = true;
    this.head.append(this.title, this.status, this.inputs, this.pairing, this.banner);
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
    const error = record?.status === 'failed' || !!record?.stale;
    const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : '';
    const summary = lines.length ? `${lines[0]}${more}` : '';
    if (this.bannerSummary.textContent !== summary) {
      this.bannerSummary.replaceChildren(html('span', { class: 'banner-text' }, lines[0] ?? ''), more);
      this.bannerSummary.title = `${lines.length} message${lines.length === 1 ? '' : 's'}: click to ${this.banner.open ? 'close' : 'read all'}`;
      // A failure is the whole story: shown open; warnings wait for a click.
      if (record?.status === 'failed') this.banner.open = true;
    }
    this.bannerList.replaceChildren(...lines.map((l) => html('div', {}, l)));
    this.banner.hidden = lines.length === 0;
    this.banner.classList.toggle('error', error);
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
