/**
 * The pair drill-down: what A's layer explains of B's layer (and back), by order, by channel, by position. The maps
 * are about the explained (target) layer of the pair's direction: B's layer for A → B, A's layer for B → A.
 */
import type { PairResult, Report } from '../../src/protocol/report';
import type { PairFocus } from '../../src/protocol/webview.protocol';
import { directionStacks, pairPhrase, sortedChannels } from '../model/drill';
import { arrowText, BELOW_ZERO_NOTE, explainedNote, fmt, MISSING, num, ORDERS_NOTE } from '../../src/protocol/format';
import { linearStartNote } from '../../src/protocol/training-note';
import { probeSize } from '../../src/protocol/probe-input';
import type { ReportLike } from '../model/measures';
import { channelBars, lineChart, stackedBars } from './charts';
import { textLink } from './controls';
import { shownCka } from '../../src/protocol/uncertainty';
import { headlineNumbers } from './headline';
import { mapFigures } from './maps';
import { html } from './svg';
import { orderColor, readTheme } from './theme';

function section(title: string, ...children: Array<Node | string>): HTMLElement {
  const s = html('section', { class: 'drill-section' });
  s.append(html('h3', {}, title), ...children);
  return s;
}

function table(rows: Array<[string, string]>, id?: string): HTMLTableElement {
  const t = html('table', id ? { class: 'kv', id } : { class: 'kv' });
  for (const [k, v] of rows) {
    const tr = html('tr');
    tr.append(html('th', { scope: 'row' }, k), html('td', {}, v));
    t.append(tr);
  }
  return t;
}

function shape(s: number[] | undefined): string {
  return s?.length ? s.join('×') : '?';
}

/** What the drill-down can ask the host for: `refine` runs kc refine on the pair's models and layers. */
export interface DrilldownActions {
  refine?(): void;
}

export function renderDrilldown(
  container: HTMLElement,
  report: ReportLike,
  focus: PairFocus,
  actions: DrilldownActions = {},
): void {
  const theme = readTheme();
  const stacks = directionStacks(report, focus);
  const names = { a: report.models?.a.name ?? 'A', b: report.models?.b.name ?? 'B' };
  const main = stacks.find((s) => s.direction === focus.direction)?.pair ?? stacks.find((s) => s.pair)?.pair;
  container.replaceChildren();
  const head = html('header', { class: 'drill-head' });
  head.append(html('h2', { id: 'drill-title' }, pairPhrase(focus, names)));
  if (main)
    head.append(
      html(
        'p',
        { class: 'muted' },
        `shapes A ${shape(main.shapeA)} · B ${shape(main.shapeB)}${main.resampled ? ` · ${main.resampled}` : ''}`,
      ),
    );
  container.append(head);
  if (main && actions.refine) {
    const [explained, explaining] = focus.direction === 'A->B' ? [names.b, names.a] : [names.a, names.b];
    // A link, not a bordered button: the panel's own actions live in the editor title bar.
    head.append(
      textLink('drill-refine', `Refine ${explained} with ${explaining}'s consistent knowledge…`, () =>
        actions.refine?.(),
      ),
    );
  }
  if (!main) {
    container.append(
      html(
        'p',
        { id: 'drill-empty' },
        'The disentangler has not run on this pair. Its cheap similarity numbers are in the heatmap tooltip; run a comparison with this pair selected (or all pairs) to see its knowledge split.',
      ),
    );
    return;
  }

  container.append(
    section(
      'Headline numbers',
      headlineNumbers(
        report,
        stacks.flatMap((s) => (s.pair ? [s.pair] : [])),
        names,
      ),
    ),
  );
  const fragile = html(
    'p',
    { class: 'note' },
    'Orders are not identifiable in general: the split into orders depends on α and the seed and is the fragile part of the method. Read the explained fraction first.',
  );
  const spreadNote = main.spread
    ? html('p', { class: 'muted' }, `± = one standard deviation over ${main.spread.seeds} seeds.`)
    : html('p', { class: 'muted' }, 'One seed: no spread available (set seeds > 1 to see how stable the split is).');
  const belowZero = stacks
    .filter((st) => explainedNote(st.explained))
    .map((st) =>
      html(
        'p',
        { class: 'note warning' },
        `${arrowText(st.direction, names)}: explained ${fmt(st.explained)} is ${BELOW_ZERO_NOTE}.`,
      ),
    );
  // Orders ≥ 1 of a fit that kept its ridge start are not a split of knowledge: say so instead of showing them bare.
  const linearOnly = stacks
    .filter((st) => st.pair && linearStartNote(st.pair))
    .map((st) =>
      html(
        'p',
        { class: 'note warning linear-start' },
        `${arrowText(st.direction, names)}: ${linearStartNote(st.pair!)}.`,
      ),
    );
  const decomposition = html(
    'p',
    { class: 'muted' },
    `The top bar of each direction adds up: explained + ε (inconsistent) = 1. Below it, one bar per order: ${ORDERS_NOTE}.`,
  );
  container.append(
    section(
      'Knowledge by order, both directions',
      stackedBars(stacks, theme, names),
      decomposition,
      ...belowZero,
      ...linearOnly,
      fragile,
      spreadNote,
    ),
  );

  const [source, target] =
    main.direction === 'A->B'
      ? [`${names.a}'s ${main.layerA}`, `${names.b}'s ${main.layerB}`]
      : [`${names.b}'s ${main.layerB}`, `${names.a}'s ${main.layerA}`];
  const channels = sortedChannels(main);
  if (channels.length)
    container.append(
      section(`Explained per channel of ${target} (${source} explains it)`, channelBars(channels, target, theme)),
    );

  const targetShape = main.direction === 'A->B' ? main.shapeB : main.shapeA;
  const hw = targetShape && targetShape.length === 3 ? { height: targetShape[0], width: targetShape[1] } : undefined;
  const figs = mapFigures(main.maps?.perPosition, main.maps?.samples, hw);
  if (figs.length) {
    const grid = html('div', { class: 'maps' });
    grid.append(...figs);
    container.append(
      section(
        `Where ${target}'s knowledge is inconsistent`,
        grid,
        html(
          'p',
          { class: 'muted' },
          `Mean ε energy per position of ${target}'s map on held-out probes (bright = knowledge ${source} lacks), over the probe image when available.`,
        ),
      ),
    );
  }

  container.append(section('Training', ...training(main, theme)));
  if ('settings' in report && report.settings)
    container.append(section('Settings and backend', settingsTable(report as Report, main)));
}

function training(p: PairResult, theme: ReturnType<typeof readTheme>): Node[] {
  const t = p.training;
  const out: Node[] = [];
  if (t.curve.length) {
    out.push(
      lineChart({
        id: 'training-curve',
        label: 'Disentangler loss per epoch',
        theme,
        logY: true,
        yLabel: 'loss (log)',
        xLabels: t.curve.map((c) => String(c.epoch)),
        series: [
          { label: 'train', color: orderColor('order0'), values: t.curve.map((c) => c.train) },
          ...(t.curve.every((c) => c.validation !== undefined)
            ? [
                {
                  label: 'validation (selects the epoch)',
                  color: orderColor('order2'),
                  values: t.curve.map((c) => c.validation ?? Number.NaN),
                },
              ]
            : []),
          { label: 'held-out test', color: orderColor('order1'), values: t.curve.map((c) => c.test), dashed: true },
        ],
      }),
    );
  }
  out.push(
    table(
      [
        [
          'epochs',
          `${t.epochs}${t.earlyStopped ? ' (early stop)' : ''}${t.bestEpoch !== undefined ? ` · parameters of epoch ${t.bestEpoch} kept` : ''}${t.backtracks ? ` · ${t.backtracks} epoch(s) undone, learning rate ÷ ${10 ** t.backtracks}` : ''}`,
        ],
        ['gates p₁…p_K', t.gates.length ? t.gates.map((g) => g.toFixed(3)).join(', ') : MISSING],
        ['final loss', num(t.finalLoss)],
        ['held-out loss', num(t.heldOutLoss)],
        ['warm start', t.warmStart === undefined ? MISSING : t.warmStart ? 'ridge (closed form)' : 'none'],
        ['time', `${t.seconds.toFixed(1)} s`],
      ],
      'training-table',
    ),
  );
  return out;
}

function settingsTable(report: Report, p: PairResult): HTMLTableElement {
  const s = report.settings;
  const b = report.backend;
  return table(
    [
      ['backend', `${b.name} ${b.version} (${b.device}, ${b.threads} threads)${b.detail ? ` · ${b.detail}` : ''}`],
      ['orders K', String(s.orders)],
      ['gate penalty α', String(s.alpha)],
      ['normalisation', s.normalize],
      ['kernel', `${s.kernel}×${s.kernel}`],
      [
        'preset',
        `${s.preset} (≤ ${s.epochs} epochs, batch ${s.batchSize}, lr ${s.learningRate.start}→${s.learningRate.end})`,
      ],
      ['seeds', `${s.seeds} (seed ${s.seed})`],
      ['probe', `${report.probe.source}, ${probeSize(report.probe)} (${probeSplit(report.probe)})`],
      [
        'similarity',
        `${shownCka(p.similarity).label} ${num(shownCka(p.similarity).value)}${p.similarity.ridgeExplained !== undefined ? ` · ridge explained ${fmt(p.similarity.ridgeExplained)}` : ''}`,
      ],
    ],
    'settings-table',
  );
}

/** How the probe samples were used; the engine's reports say it the same way. */
function probeSplit(p: Report['probe']): string {
  const validation = p.validation ?? 0;
  return validation > 0
    ? `${p.train - validation} fit / ${validation} validation / ${p.test} held out`
    : `${p.train} fit / ${p.test} held out`;
}
