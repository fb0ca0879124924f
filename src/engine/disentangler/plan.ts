/**
 * How much of each held-out and warm-start set a fit looks at when its maps are windowed (windows.ts), and the
 * words the report uses for it (PairResult.sampling). Counts are in tiles per sample, stratified so that a set
 * covers the map evenly; whole maps are one tile.
 */
import type { PairSampling } from '../../protocol/report';
import type { DisentanglerSpec } from '../compute/types';
import { MAP_SAMPLES } from './evaluate';
import { tileCount, type Geometry } from './windows';

/**
 * The reported numbers cover every position when that costs at most EVALUATE_MACS multiply-adds (a few seconds), and
 * at least EVALUATE_EPOCHS training epochs' worth of windows otherwise. Measured on blazeface's 128×128×24 layers at
 * 64 probes: 14 of 36 tiles read 0.846 where every position reads 0.840 (the exhaustive fit's 0.840).
 */
const EVALUATE_MACS = 2e11;
const EVALUATE_EPOCHS = 4;

export interface SamplingPlan {
  /** Tiles per validation and test sample for the per-epoch losses: together about one training epoch's windows. */
  epochTiles: number;
  /** Tiles per test sample for the reported numbers (the map samples get all of theirs). */
  testTiles: number;
  /** Tiles per fit sample for the ridge warm start. */
  ridgeTiles: number;
  sampling: PairSampling;
}

export function samplingPlan(
  g: Geometry,
  sizes: { fit: number; validation: number; test: number },
  limits: { batch: number; ridgeRows: number; ridgeTilesByMemory: number },
  net: DisentanglerSpec,
): SamplingPlan {
  const tiles = tileCount(g);
  const clamp = (v: number) => Math.max(1, Math.min(tiles, v));
  const epochTiles = clamp(Math.round(sizes.fit / (sizes.validation + sizes.test)));
  // The components pass costs about three forward passes of the K + 1 stages.
  const windowMacs =
    3 * net.height * net.width * net.kernel ** 2 * net.channelsA * (net.orders * net.channelsA + net.channelsB);
  const testTiles = clamp(
    Math.max(
      Math.ceil((EVALUATE_EPOCHS * sizes.fit) / sizes.test),
      Math.floor(EVALUATE_MACS / (sizes.test * windowMacs)),
    ),
  );
  const perTile = g.rows.side * g.cols.side;
  const ridgeTiles = Math.min(clamp(Math.ceil(limits.ridgeRows / (sizes.fit * perTile))), limits.ridgeTilesByMemory);
  const map = `${g.rows.size}×${g.cols.size}`;
  if (!g.windowed) {
    return {
      epochTiles,
      testTiles,
      ridgeTiles,
      sampling: { train: `whole ${map} maps, batch ${limits.batch}`, evaluate: 'every position' },
    };
  }
  const block = `${g.rows.side}×${g.cols.side}`;
  const halo = Math.max(g.rows.halo, g.cols.halo);
  const share = (n: number) => `${n} of ${tiles} ${block} tiles`;
  return {
    epochTiles,
    testTiles,
    ridgeTiles,
    sampling: {
      train:
        `one ${block} window (+${halo} halo) per fit sample per epoch, placed uniformly on the ${map} map, ` +
        `batch ${limits.batch}, s(h) over the batch's windows; ridge warm start on ${share(ridgeTiles)} per fit sample`,
      evaluate:
        testTiles >= tiles
          ? 'every position'
          : `${share(testTiles)} per test sample (${Math.round((100 * testTiles) / tiles)} % of positions, every ` +
            `tile of the first ${MAP_SAMPLES}, whose ε maps are reported); per-epoch losses on ${share(epochTiles)} per sample`,
    },
  };
}
