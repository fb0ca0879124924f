/**
 * Where on the probe images B's knowledge is inconsistent: the mean ε energy per position of B's map, upsampled and
 * laid over the probe image in a perceptual scale (magma: dark = little ε, bright = much ε).
 */
import { interpolateMagma } from 'd3-scale-chromatic';
import { colorHex } from '../../src/protocol/colors';
import { extent } from '../model/drill';
import { html } from './svg';

type Image = { height: number; width: number; channels: number; values: number[] };

const SIZE = 112;

/** Grey/RGB probe image scaled to the canvas; values are assumed in [0, 1] or [0, 255]. */
function drawImage(ctx: CanvasRenderingContext2D, img: Image): void {
  const data = ctx.createImageData(img.width, img.height);
  const hi = Math.max(...img.values) > 1.5 ? 255 : 1;
  for (let i = 0; i < img.width * img.height; i++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = img.values[i * img.channels + (img.channels === 1 ? 0 : ch)] ?? 0;
      data.data[i * 4 + ch] = Math.round((255 * v) / hi);
    }
    data.data[i * 4 + 3] = 255;
  }
  const tmp = document.createElement('canvas');
  tmp.width = img.width;
  tmp.height = img.height;
  tmp.getContext('2d')!.putImageData(data, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, SIZE, SIZE);
}

function drawGrid(
  ctx: CanvasRenderingContext2D,
  h: number,
  w: number,
  values: number[],
  color: (v: number) => string,
  alpha: number,
): void {
  ctx.globalAlpha = alpha;
  const ch = SIZE / h;
  const cw = SIZE / w;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      ctx.fillStyle = color(values[r * w + c]);
      ctx.fillRect(c * cw, r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  ctx.globalAlpha = 1;
}

function figure(caption: string, draw: (ctx: CanvasRenderingContext2D) => void): HTMLElement {
  const fig = html('figure', { class: 'map' });
  const canvas = html('canvas', { width: String(SIZE), height: String(SIZE), 'aria-label': caption });
  draw(canvas.getContext('2d')!);
  fig.append(canvas, html('figcaption', {}, caption));
  return fig;
}

/** The explained fraction per position of B (viridis, like the heatmap) and ε energy over a few probe images. */
export function mapFigures(
  perPosition: { height: number; width: number; values: number[] } | undefined,
  samples: Array<{ index: number; inconsistentEnergy: number[]; image?: Image }> | undefined,
  size: { height: number; width: number } | undefined,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (perPosition && perPosition.values.length === perPosition.height * perPosition.width) {
    out.push(
      figure(`explained per position (${perPosition.height}×${perPosition.width})`, (ctx) =>
        drawGrid(ctx, perPosition.height, perPosition.width, perPosition.values, colorHex, 1),
      ),
    );
  }
  const h = size?.height ?? perPosition?.height;
  const w = size?.width ?? perPosition?.width;
  if (!samples?.length || !h || !w) return out;
  const [lo, hi] = extent(samples.flatMap((s) => s.inconsistentEnergy));
  const norm = (v: number) => interpolateMagma((v - lo) / (hi - lo || 1));
  for (const s of samples.slice(0, 4)) {
    if (s.inconsistentEnergy.length !== h * w) continue;
    out.push(
      figure(`probe #${s.index}: ε energy`, (ctx) => {
        if (s.image) drawImage(ctx, s.image);
        drawGrid(ctx, h, w, s.inconsistentEnergy, norm, s.image ? 0.55 : 1);
      }),
    );
  }
  return out;
}
