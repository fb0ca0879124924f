/**
 * Where on the probe images B's knowledge is inconsistent: the mean ε energy per position of B's map, upsampled and
 * laid over the probe image in a perceptual scale (magma: dark = little ε, bright = much ε). A text probe compared by
 * token position has 1 × L maps: drawn as strips with a text's tokens under them, one cell per token.
 */
import { interpolateMagma } from 'd3-scale-chromatic';
import { colorHex } from '../../src/protocol/colors';
import { extent } from '../model/drill';
import { html } from './svg';

type Image = { height: number; width: number; channels: number; values: number[] };

const SIZE = 112;
/** Width of one token's cell in a 1 × L strip: room for a short word piece under it. */
const TOKEN_CELL = 44;
const STRIP_HEIGHT = 24;

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
  const ch = ctx.canvas.height / h;
  const cw = ctx.canvas.width / w;
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) {
      ctx.fillStyle = color(values[r * w + c]);
      ctx.fillRect(c * cw, r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  ctx.globalAlpha = 1;
}

/** A square map, or with `tokens` a 1 × L strip with each position's token under its cell. */
function figure(caption: string, draw: (ctx: CanvasRenderingContext2D) => void, tokens?: string[]): HTMLElement {
  const fig = html('figure', { class: tokens ? 'map map-strip' : 'map' });
  const [width, height] = tokens ? [TOKEN_CELL * tokens.length, STRIP_HEIGHT] : [SIZE, SIZE];
  const canvas = html('canvas', { width: String(width), height: String(height), 'aria-label': caption });
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  draw(canvas.getContext('2d')!);
  fig.append(canvas);
  if (tokens) {
    const row = html('div', { class: 'map-tokens' });
    // widths through the CSSOM: the webview's CSP refuses style attributes
    for (const t of tokens) {
      const cell = html('span', { title: t }, t);
      cell.style.width = `${TOKEN_CELL}px`;
      row.append(cell);
    }
    fig.append(row);
  }
  fig.append(html('figcaption', {}, caption));
  return fig;
}

/** The tokens of a 1 × w map's text, when the map is one row of token positions. */
function stripTokens(h: number, w: number, tokens: string[] | undefined): string[] | undefined {
  return h === 1 && tokens?.length === w ? tokens : undefined;
}

/** The explained fraction per position of B (viridis, like the heatmap) and ε energy over a few probe images. */
export function mapFigures(
  perPosition: { height: number; width: number; values: number[] } | undefined,
  samples: Array<{ index: number; inconsistentEnergy: number[]; image?: Image; tokens?: string[] }> | undefined,
  size: { height: number; width: number } | undefined,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (perPosition && perPosition.values.length === perPosition.height * perPosition.width) {
    const { height, width } = perPosition;
    // averaged over the held-out texts: the first shown text's tokens say which position is which
    const shown = samples?.find((s) => stripTokens(height, width, s.tokens));
    const of = shown ? `, tokens of probe #${shown.index}` : '';
    out.push(
      figure(
        `explained per position (${height}×${width}${of})`,
        (ctx) => drawGrid(ctx, height, width, perPosition.values, colorHex, 1),
        stripTokens(height, width, shown?.tokens),
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
      figure(
        `probe #${s.index}: ε energy`,
        (ctx) => {
          if (s.image) drawImage(ctx, s.image);
          drawGrid(ctx, h, w, s.inconsistentEnergy, norm, s.image ? 0.55 : 1);
        },
        stripTokens(h, w, s.tokens),
      ),
    );
  }
  return out;
}
