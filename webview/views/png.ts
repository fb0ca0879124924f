/**
 * PNG of the current view: its canvases, SVG charts and key-value tables, stacked in rows under a title, on the
 * theme's background.
 */
import { readTheme } from './theme';

type Graphic = HTMLCanvasElement | SVGSVGElement;
/** One row of the image: graphics side by side, or lines of text (a table). */
export type PngRow = Graphic[] | { lines: string[] };

const PAD = 12;
const GAP = 10;
const LINE = 17;

function size(p: Graphic): { w: number; h: number } {
  if (p instanceof HTMLCanvasElement) return { w: p.clientWidth || p.width, h: p.clientHeight || p.height };
  return { w: Number(p.getAttribute('width')) || p.clientWidth, h: Number(p.getAttribute('height')) || p.clientHeight };
}

async function svgImage(svg: SVGSVGElement): Promise<HTMLImageElement> {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const img = new Image();
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(copy));
  await img.decode();
  return img;
}

export async function viewToPng(title: string, rows: PngRow[]): Promise<string> {
  const theme = readTheme();
  const measure = document.createElement('canvas').getContext('2d')!;
  measure.font = `12px ${theme.font}`;
  const dims = rows.map((row) => {
    if ('lines' in row)
      return { w: Math.max(0, ...row.lines.map((l) => measure.measureText(l).width)), h: row.lines.length * LINE };
    const s = row.map(size);
    return {
      w: s.reduce((a, x) => a + x.w, 0) + GAP * Math.max(0, s.length - 1),
      h: Math.max(0, ...s.map((x) => x.h)),
    };
  });
  measure.font = `bold 13px ${theme.font}`;
  const W = Math.ceil(Math.max(320, measure.measureText(title).width, ...dims.map((d) => d.w)) + 2 * PAD);
  const H = Math.ceil(PAD + 24 + dims.reduce((a, d) => a + d.h + PAD, 0));
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const out = document.createElement('canvas');
  out.width = W * scale;
  out.height = H * scale;
  const ctx = out.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = theme.foreground;
  ctx.textBaseline = 'top';
  ctx.font = `bold 13px ${theme.font}`;
  ctx.fillText(title, PAD, PAD);
  let y = PAD + 24;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if ('lines' in row) {
      ctx.font = `12px ${theme.font}`;
      ctx.fillStyle = theme.foreground;
      row.lines.forEach((l, k) => ctx.fillText(l, PAD, y + k * LINE));
    } else {
      let x = PAD;
      for (const g of row) {
        const { w, h } = size(g);
        ctx.drawImage(g instanceof HTMLCanvasElement ? g : await svgImage(g), x, y, w, h);
        x += w + GAP;
      }
    }
    y += dims[i].h + PAD;
  }
  return out.toDataURL('image/png');
}

/**
 * The rows of a rendered view: each section's charts in document order, a section's map figures side by side, and
 * its tables as "key: value" lines.
 */
export function rowsOf(container: HTMLElement): PngRow[] {
  const rows: PngRow[] = [];
  for (const el of container.querySelectorAll<HTMLElement | SVGSVGElement>('svg, .maps, table')) {
    if (el instanceof SVGSVGElement) {
      if (!el.closest('.maps')) rows.push([el]);
    } else if (el.classList.contains('maps')) {
      rows.push([...el.querySelectorAll('canvas')]);
    } else {
      rows.push({
        lines: [...el.querySelectorAll('tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? '').join(': ')),
      });
    }
  }
  return rows;
}
