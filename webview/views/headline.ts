/** The drill-down's headline numbers with their uncertainty: explained per direction and the shown CKA, each with its
 * bootstrap interval, and how the pair was chosen. */
import { arrowText, fmt, num } from '../../src/protocol/format';
import { SCALE_WARNING_RATIO, shapeRatio } from '../../src/protocol/pairing';
import type { PairResult } from '../../src/protocol/report';
import { DEBIASED_NOTE, intervalNote, intervalText, shownCka } from '../../src/protocol/uncertainty';
import type { ReportLike } from '../model/measures';
import { pairNote } from '../model/pairing-line';
import { html } from './svg';

export function headlineNumbers(report: ReportLike, pairs: PairResult[], names: { a: string; b: string }): HTMLElement {
  const box = html('div', { id: 'drill-headline' });
  const t = html('table', { class: 'kv' });
  for (const p of pairs) {
    const tr = html('tr');
    tr.append(
      html('th', { scope: 'row' }, `explained, ${arrowText(p.direction, names)}`),
      html('td', { title: intervalNote(p) ?? '' }, `${fmt(p.explained)}${intervalText(p.explainedInterval)}`),
    );
    t.append(tr);
  }
  const cka = shownCka(pairs[0].similarity);
  const tr = html('tr');
  tr.append(
    html('th', { scope: 'row' }, `${cka.label} (similarity)`),
    html(
      'td',
      { title: pairs[0].similarity.cka?.estimator === 'unbiased' ? DEBIASED_NOTE : '' },
      `${num(cka.value)}${intervalText(cka.interval)}`,
    ),
  );
  t.append(tr);
  box.append(t);
  const note = intervalNote(pairs[0]);
  if (note) box.append(html('p', { class: 'muted' }, `[low, high]: ${note}; the fitted disentangler held fixed.`));
  const paired = pairNote(report.pairing, pairs[0].layerA, pairs[0].layerB);
  const ratio = shapeRatio(pairs[0].shapeA, pairs[0].shapeB);
  if (paired)
    box.append(html('p', { class: paired.includes('⚠') ? 'note warning' : 'muted', id: 'drill-pairing' }, paired));
  else if (ratio !== undefined && ratio > SCALE_WARNING_RATIO)
    box.append(
      html(
        'p',
        { class: 'note warning', id: 'drill-pairing' },
        `⚠ Spatial sizes differ ${ratio.toFixed(1)}×: the two layers look at different scales.`,
      ),
    );
  return box;
}
