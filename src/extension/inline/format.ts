/** The words and numbers of the inline reports: CodeLens titles, hover Markdown, diagnostic messages. */
import { markdownText as md } from '../../engine/report/escape';
import { ARROW, BELOW_ZERO_NOTE, explainedNote, fmt, ORDERS_NOTE } from '../../protocol/format';
import type { LayerConsistency, ModelConsistency } from './consistency';

/** Why a result is not current: the file changed (store) or has unsaved edits (editor). */
export type Staleness = 'current' | 'stale' | 'unsaved' | 'checking';

const STALE_NOTE: Record<Exclude<Staleness, 'current'>, string> = {
  stale: 'stale: the model changed after this analysis',
  unsaved: 'stale: unsaved edits since this analysis',
  checking: 'checking the saved file against this analysis',
};

export function staleness(model: ModelConsistency, dirty: boolean): Staleness {
  return model.stale ? 'stale' : dirty ? 'unsaved' : model.checking ? 'checking' : 'current';
}

/**
 * "seed2 explains 0.82 of this layer · orders 0.61 / 0.15 / 0.06 ▸", or "this layer explains 0.70 of seed2's conv2 …"
 * when only that direction ran: the direction is always said, with the other model's name.
 */
export function lensTitle(layer: LayerConsistency, model: ModelConsistency, state: Staleness): string {
  const p = layer.pair;
  const orders = p.orders.map((o) => fmt(o.fraction, 2)).join(' / ');
  const below = explainedNote(p.explained) ? ' (worse than the mean)' : '';
  const head = layer.explainedHere
    ? `${model.otherName} explains ${fmt(p.explained, 2)}${below} of this layer`
    : `this layer explains ${fmt(p.explained, 2)}${below} of ${model.otherName}'s ${layer.otherLayer}`;
  const title = `${head} · orders ${orders}`;
  return state === 'current' ? `${title} ▸` : `(${STALE_NOTE[state]}) ${title} ▸`;
}

export function summaryTitle(model: ModelConsistency, state: Staleness): string {
  const n = [...model.layers.values()].filter((l) => l.explainedHere).length;
  const title = `Knowledge consistency vs ${model.otherName}: ${model.otherName} explains ${fmt(model.mean, 2)} of this model's layers on average (${n} layer${n === 1 ? '' : 's'}) · open analysis ▸`;
  return state === 'current' ? title : `(${STALE_NOTE[state]}) ${title}`;
}

/** A ten-cell bar of a fraction in [0, 1], for monospace text. */
export function bar(fraction: number, cells = 10): string {
  const filled = Number.isFinite(fraction) ? Math.round(Math.min(1, Math.max(0, fraction)) * cells) : 0;
  return '█'.repeat(filled) + '░'.repeat(cells - filled);
}

/**
 * The hover: the link to the drill-down first, every number of the pair with a bar, what they are and are not. The
 * hover is trusted to run the drill-down command, so every name, probe and warning goes through `md`: model text
 * shows as text and can never form a link (a command link least of all).
 */
export function hoverMarkdown(
  layer: LayerConsistency,
  model: ModelConsistency,
  state: Staleness,
  openCommandUri: string,
): string {
  const p = layer.pair;
  const sd = (v: number | undefined) => (v !== undefined && p.spread && p.spread.seeds > 1 ? ` ± ${fmt(v, 2)}` : '');
  const row = (label: string, v: number, spread?: number) => `| ${label} | \`${bar(v)}\` | ${fmt(v)}${sd(spread)} |`;
  const other = `${md(model.otherName)}'s ${md(layer.otherLayer)}`;
  const what = layer.explainedHere
    ? `${other} ${ARROW} this layer: the fraction of this layer's feature variance that ${other} predicts`
    : `this layer ${ARROW} ${other}: the fraction of ${other}'s feature variance that this layer predicts`;
  const r = model.record;
  const lines = [
    `**Knowledge consistency** of ${md(layer.layer)} and ${other} · [open the drill-down ▸](${openCommandUri})`,
    '',
    ...(state === 'current'
      ? []
      : [`$(warning) **${STALE_NOTE[state]}**: the numbers below describe the analysed content.`, '']),
    `${what} on held-out probes (Liang et al., ICLR 2020):`,
    '',
    '| | | |',
    '|---|---|---:|',
    row('explained', p.explained, p.spread?.explained),
    row('inconsistent ε', p.inconsistent.fraction, p.spread?.inconsistent),
    ...p.orders.map((o) => row(`order ${o.order}`, o.fraction, p.spread?.orders[o.order])),
    '',
    ...(explainedNote(p.explained) ? [`$(warning) Explained ${BELOW_ZERO_NOTE}.`, ''] : []),
    'Explained + ε = 1. Order 0 is linearly consistent knowledge, higher orders fuzzier: ' +
      `${ORDERS_NOTE}. ` +
      `Similarity (not consistency): linear CKA ${fmt(p.similarity.linearCKA)}, ridge ${fmt(p.similarity.ridgeExplained)}.`,
    '',
    md(
      `${r.preset} preset · probe ${r.report?.probe.source ?? r.probe} × ${r.report?.probe.count ?? '?'} · ${new Date(r.startedAt).toLocaleString()}`,
    ),
    ...(p.warnings?.length ? ['', ...p.warnings.map((w) => `⚠ ${md(w)}`)] : []),
  ];
  return lines.join('\n');
}

/** "0.62 of this layer's feature variance is not predictable from the reference model's conv2 (seed1): seed1 explains 0.38 …" */
export function diagnosticMessage(
  layer: LayerConsistency,
  model: ModelConsistency,
  isReference: boolean,
  threshold: number,
): string {
  const p = layer.pair;
  const who = isReference
    ? `the reference model's ${layer.otherLayer} (${model.otherName})`
    : `${model.otherName}'s ${layer.otherLayer}`;
  return (
    `${fmt(1 - p.explained, 2)} of this layer's feature variance is not predictable from ${who}: ` +
    `${model.otherName} explains ${fmt(p.explained, 2)} of it, below the threshold ${fmt(threshold, 2)} ` +
    `(knowledge the ${isReference ? 'reference' : 'other model'} lacks, or unstable features).`
  );
}
