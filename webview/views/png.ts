/** PNG of the current view: its canvases and SVG charts stacked under a title, on the theme's background. */
import { readTheme } from './theme';

type Part = HTMLCanvasElement | SVGSVGElement;

function size(p: Part): { w: number; h: number } {
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

export async function viewToPng(title: string, parts: Part[]): Promise<string> {
  const theme = readTheme();
  const pad = 12;
  const titleH = 24;
  const sizes = parts.map(size);
  const W = Math.ceil(Math.max(320, ...sizes.map((s) => s.w)) + 2 * pad);
  const H = Math.ceil(titleH + sizes.reduce((a, s) => a + s.h + pad, 0) + pad);
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const out = document.createElement('canvas');
  out.width = W * scale;
  out.height = H * scale;
  const ctx = out.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = theme.foreground;
  ctx.font = `bold 13px ${theme.font}`;
  ctx.textBaseline = 'top';
  ctx.fillText(title, pad, pad);
  let y = titleH + pad;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const { w, h } = sizes[i];
    ctx.drawImage(p instanceof HTMLCanvasElement ? p : await svgImage(p), pad, y, w, h);
    y += h + pad;
  }
  return out.toDataURL('image/png');
}
