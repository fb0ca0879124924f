/** A refinement report as Markdown, for the preview the command opens. */
import type { AccuracySummary, RefineReport } from '../../protocol/refine';

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)}`;
const interval = (s: AccuracySummary, f: (v: number) => string) =>
  s.perSeed.length > 1 ? `${f(s.low)} … ${f(s.high)}` : '—';

export function refineMarkdown(r: RefineReport): string {
  const row = (what: string, s: AccuracySummary, f = pct) => `| ${what} | ${f(s.mean)} | ${interval(s, f)} |`;
  const seeds = r.seeds.length;
  return [
    `# Refine ${r.modelB.name} with ${r.modelA.name}'s consistent knowledge`,
    '',
    `B′ = ${r.modelA.name} up to \`${r.layerA}\` → g (the disentangler's consistent output, orders 0..${r.settings.disentangler.orders}, ε dropped) → ${r.modelB.name} above \`${r.layerB}\`.`,
    `${r.labels.description}; per seed ${r.seeds[0].split.train} probes fit g and fine-tune, ${r.seeds[0].split.test} are held out; ` +
      `${r.settings.epochs} epochs; ${seeds} seed${seeds > 1 ? 's' : ''}. g explains ${r.seeds.map((s) => s.explained.toFixed(3)).join(', ')} of B's layer (held out).`,
    '',
    '| held-out accuracy | mean | 95 % interval over seeds |',
    '|---|---|---|',
    row(`A (${r.modelA.name})`, r.accuracy.A),
    row(`B (${r.modelB.name})`, r.accuracy.B),
    row('B′ before fine-tuning', r.accuracy.refinedUntuned),
    row("baseline: B's upper part fine-tuned alone", r.accuracy.baseline),
    row('**B′ fine-tuned**', r.accuracy.refined),
    row('gain over B (points)', r.gain.overB, pts),
    row('gain over the baseline (points)', r.gain.overBaseline, pts),
    '',
    r.out
      ? `B′ written to \`${r.out.path}\`; reloaded in a fresh ${r.out.verified.runtime} session it scores ${pct(r.out.verified.accuracy)} on seed ${r.out.seed}'s held-out split.`
      : '',
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
    `${r.seconds.toFixed(1)} s on ${r.backend.name} ${r.backend.version} (${r.backend.device}).`,
  ].join('\n');
}
