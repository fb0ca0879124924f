/** The CLI table of a refinement report. */
import type { AccuracySummary, RefineReport } from '../../protocol/refine';

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)}`;

function cell(s: AccuracySummary, format: (v: number) => string): string {
  return s.perSeed.length > 1 ? `${format(s.mean)}  [${format(s.low)}, ${format(s.high)}]` : format(s.mean);
}

export function renderRefineSummary(r: RefineReport): string {
  const n = r.seeds.length;
  const s = r.seeds[0];
  const rows: Array<[string, string]> = [
    [`A (${r.modelA.name})`, cell(r.accuracy.A, pct)],
    [`B (${r.modelB.name})`, cell(r.accuracy.B, pct)],
    ["B′ before fine-tuning (B's upper part on g(x_A))", cell(r.accuracy.refinedUntuned, pct)],
    ["baseline: B's upper part fine-tuned alone", cell(r.accuracy.baseline, pct)],
    ['B′ fine-tuned', cell(r.accuracy.refined, pct)],
    ['gain of B′ over B (points)', cell(r.gain.overB, pts)],
    ['gain of B′ over the baseline (points)', cell(r.gain.overBaseline, pts)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const explained = r.seeds.map((x) => x.explained.toFixed(3)).join(', ');
  return [
    `kc refine: ${r.modelA.name} "${r.layerA}" → g → ${r.modelB.name} above "${r.layerB}"`,
    `${r.labels.description}; ${s.split.train} to fit g and fine-tune, ${s.split.test} held out per seed; ` +
      `${r.settings.epochs} epochs, batch ${r.settings.batchSize}, Adam lr ${r.settings.learningRate}; ${n} seed${n > 1 ? 's' : ''}` +
      (n > 1 ? ' (mean [95 % interval])' : ''),
    `g explains ${explained} of B's layer (held out)`,
    '',
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    '',
    ...(r.out
      ? [
          `B′ written to ${r.out.path} (seed ${r.out.seed}); reloaded in a fresh ${r.out.verified.runtime} session: ${pct(r.out.verified.accuracy)} held out`,
        ]
      : []),
    `${r.seconds.toFixed(1)} s on ${r.backend.name} ${r.backend.version} (${r.backend.device})`,
  ].join('\n');
}
