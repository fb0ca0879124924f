/**
 * The toolbar: measure, direction and order pickers, and the help link. The panel's actions (Export…, Reveal A/B,
 * What do these numbers mean?) are codicon buttons in VS Code's editor title bar, not here. Owns only its controls.
 */
import { explainsText } from '../../src/protocol/format';
import type { Direction } from '../../src/protocol/report';
import type { PanelViewState } from '../../src/protocol/webview.protocol';
import type { Measure } from '../model/measures';
import { labelled, select, setOptions, textLink, type SelectEl } from './controls';
import { html } from './svg';

export interface ToolbarActions {
  change(patch: Partial<PanelViewState>): void;
  help(): void;
}

export class Toolbar {
  readonly element = html('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Heatmap options' });
  private readonly measure = select('measure', 'Measure');
  private readonly direction = select('direction', 'Direction');
  private readonly sort = select('sort', 'Order');

  constructor(view: PanelViewState, actions: ToolbarActions) {
    this.showNames({ a: 'A', b: 'B' }, view.direction ?? 'A->B');
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
      textLink('help', 'What do these numbers mean?', actions.help),
    );
    this.measure.addEventListener('change', () => actions.change({ measure: this.measure.value }));
    this.direction.addEventListener('change', () => actions.change({ direction: this.direction.value as Direction }));
    this.sort.addEventListener('change', () => actions.change({ sort: this.sort.value as 'depth' | 'value' }));
  }

  /** The directions in words with the models' names: "seed1 explains seed2". */
  showNames(names: { a: string; b: string }, chosen?: Direction): void {
    const options: Array<[string, string]> = (['A->B', 'B->A'] as const).map((d) => [d, explainsText(d, names)]);
    setOptions(this.direction, options, chosen ?? ((this.direction as SelectEl).value || 'A->B'));
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
