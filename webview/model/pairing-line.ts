/**
 * The panel head's line on how the layer pairs were chosen (Report.pairing), e.g. "paired by: name 3 · depth 2 ·
 * 1 pair > 2× apart in size"; every pair with its rule and size ratio as the tooltip.
 */
import { SCALE_WARNING_RATIO } from '../../src/protocol/pairing';
import type { PairingInfo } from '../../src/protocol/report';

// Words that follow "paired by": an explicit pair is the user's (or --layers-a/-b's) choice.
const WORDS = { explicit: 'your choice', name: 'name', depth: 'depth and scale' } as const;

export function pairingLine(pairing: PairingInfo | undefined): { text: string; title: string } | undefined {
  if (!pairing || pairing.pairs.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const p of pairing.pairs) counts.set(WORDS[p.by], (counts.get(WORDS[p.by]) ?? 0) + 1);
  const apart = pairing.pairs.filter((p) => (p.scaleRatio ?? 1) > SCALE_WARNING_RATIO).length;
  const parts = [...counts].map(([by, n]) => (counts.size === 1 ? by : `${by} ${n}`));
  const text = `paired by: ${parts.join(' · ')}${apart ? ` · ⚠ ${apart} pair${apart === 1 ? '' : 's'} > ${SCALE_WARNING_RATIO}× apart in size` : ''}`;
  const title = pairing.pairs
    .map(
      (p) =>
        `${p.layerA} ↔ ${p.layerB}: by ${WORDS[p.by]}${p.scaleRatio !== undefined ? `, sizes ${p.scaleRatio.toFixed(1)}× apart` : ''}`,
    )
    .join('\n');
  return { text, title };
}

/** The drill-down's note on one pair: how it was paired and, when its sizes differ more than 2×, what that means. */
export function pairNote(pairing: PairingInfo | undefined, layerA: string, layerB: string): string | undefined {
  const p = pairing?.pairs.find((x) => x.layerA === layerA && x.layerB === layerB);
  if (!p) return undefined;
  const ratio = p.scaleRatio ?? 1;
  return `Paired by ${WORDS[p.by]}${
    ratio > SCALE_WARNING_RATIO
      ? `. ⚠ Their spatial sizes differ ${ratio.toFixed(1)}×: the explaining layer is resampled to the explained one's size, so the two look at different scales and a low number may say more about the pairing than about the networks.`
      : '.'
  }`;
}
