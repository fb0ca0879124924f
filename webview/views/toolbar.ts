/** The toolbar: measure, direction and order pickers, the exports and the reveal buttons. Owns only its controls. */
import type { Direction } from '../../src/protocol/report';
import type { PanelViewState } from '../../src/protocol/webview.protocol';
import type { Measure } from '../model/measures';
import { button, labelled, select, setOptions, textLink } from './controls';
import { html } from './svg';

export interface ToolbarActions {
  change(patch: Partial<PanelViewState>): void;
  exportPng(): void;
  exportCsv(): void;
  exportJson(): void;
  reveal(which: 'a' | 'b'): void;
  help(): void;
}

export class Toolbar {
  readonly element = html('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Heatmap options and exports' });
  private readonly measure = select('measure', 'Measure');
  private readonly direction = select('direction', 'Direction');
  private readonly sort = select('sort', 'Order');

  constructor(view: PanelViewState, actions: ToolbarActions) {
    setOptions(
      this.direction,
      [
        ['A->B', 'A explains B (A → B)'],
        ['B->A', 'B explains A (B → A)'],
      ],
      view.direction ?? 'A->B',
    );
    setOptions(
      this.sort,
      [
        ['depth', 'by depth'],
        ['value', 'by value'],
      ],
      view.sort ?? 'depth',
    );
    this.element.append(
      labelled('Measure', this.measure),
      labelled('Direction', this.direction),
      labelled('Order', this.sort),
      html('span', { class: 'spacer' }),
      button('export-png', 'Export PNG', actions.exportPng),
      button('export-csv', 'Export CSV', actions.exportCsv),
      button('export-json', 'Export JSON', actions.exportJson),
      button('reveal-a', 'Reveal A', () => actions.reveal('a')),
      button('reveal-b', 'Reveal B', () => actions.reveal('b')),
      textLink('help', 'What do these numbers mean?', actions.help),
    );
    this.measure.addEventListener('change', () => actions.change({ measure: this.measure.value }));
    this.direction.addEventListener('change', () => actions.change({ direction: this.direction.value as Direction }));
    this.sort.addEventListener('change', () => actions.change({ sort: this.sort.value as 'depth' | 'value' }));
  }

  /** The measures the report offers (they grow as results stream in), the chosen one selected. */
  showMeasures(measures: Measure[], chosen: string | undefined): void {
    setOptions(
      this.measure,
      measures.map((m) => [m.id, m.label]),
      chosen ?? measures[0].id,
    );
  }

  /** A focus from the host (CodeLens, restore) sets the direction without a change event. */
  showDirection(direction: Direction): void {
    this.direction.value = direction;
  }
}
