/**
 * The Model Overview page: the layer table (name, kind, shape) with consistency columns against the other model.
 * Rendered whole on the host (no inline script); media/overview/overview.js sorts it and reports row clicks.
 */
import { fmt } from '../../protocol/format';
import type { LayerInfo } from '../../protocol/report';
import type { ModelConsistency } from './consistency';
import { esc } from '../../engine/report/escape';
import { webviewDocument } from '../webviewHtml';

export interface OverviewPage {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  modelName: string;
  modelPath: string;
  layers?: LayerInfo[];
  /** Why there are no layers (listing failed, Restricted Mode). */
  error?: string;
  model?: ModelConsistency;
  referenceName?: string;
}

/** A numeric cell: the value for sorting, the digits for reading, a bar behind them. */
function num(v: number | undefined, explainedHere = true): string {
  if (v === undefined || !Number.isFinite(v)) return '<td class="num" data-value="">–</td>';
  // The bar's width is set by the script (the CSP allows no style attributes).
  return `<td class="num${explainedHere ? '' : ' other'}" data-value="${v}"><span class="bar"></span><span class="v">${fmt(v, 3)}</span></td>`;
}

function header(page: OverviewPage): string {
  const m = page.model;
  const lines = [`<h1>${esc(page.modelName)}</h1>`, `<p class="path">${esc(page.modelPath)}</p>`];
  if (!m) {
    lines.push(
      `<p class="note">No analysis of this model yet${page.referenceName ? ` against the reference model ${esc(page.referenceName)}` : ''}. ` +
        `<button type="button" data-action="compare">Compare with the reference model…</button></p>`,
    );
    return lines.join('\n');
  }
  const r = m.record;
  lines.push(
    `<p class="summary">Knowledge consistency vs <strong>${esc(m.otherName)}</strong>${m.otherName === page.referenceName ? ' (reference model)' : ''}: ` +
      `${esc(m.otherName)} explains this model's layers: mean explained <strong>${fmt(m.mean, 3)}</strong> · ${esc(r.preset)} preset · probe ${esc(r.report?.probe.source ?? r.probe)} × ${r.report?.probe.count ?? '?'} · ${esc(new Date(r.startedAt).toLocaleString())} ` +
      `<button type="button" data-action="openAnalysis">Open analysis</button></p>`,
  );
  if (m.checking && !m.stale)
    lines.push('<p class="stale" role="status">Checking the saved file against this analysis…</p>');
  if (m.stale)
    lines.push(
      '<p class="stale" role="alert">Stale: a model file changed after this analysis. These numbers describe the old content; compare again for current ones.</p>',
    );
  return lines.join('\n');
}

export function overviewHtml(page: OverviewPage): string {
  const m = page.model;
  const k = m?.maxOrder ?? -1;
  const cols = [
    ['depth', 'num'],
    ['layer', 'text'],
    ['kind', 'text'],
    ['shape', 'text'],
    ...(m
      ? [
          ['explained', 'num'],
          ...Array.from({ length: k + 1 }, (_, i) => [`order ${i}`, 'num']),
          ['ε', 'num'],
          ['CKA*', 'num'],
          ['vs layer', 'text'],
        ]
      : []),
  ];
  const head = cols
    .map(
      ([label, type], i) =>
        `<th scope="col" data-type="${type}" aria-sort="none"><button type="button" data-col="${i}">${esc(label)}</button></th>`,
    )
    .join('');
  const rows = (page.layers ?? []).map((layer) => {
    const c = m?.layers.get(layer.name);
    const cells = [
      `<td class="num" data-value="${layer.depth}">${layer.depth}</td>`,
      c
        ? `<td data-value="${esc(layer.name)}"><a href="#" data-layer="${esc(layer.name)}" title="Open the drill-down of this layer's pair">${esc(layer.name)} ▸</a></td>`
        : `<td data-value="${esc(layer.name)}">${esc(layer.name)}</td>`,
      `<td data-value="${esc(layer.kind)}">${esc(layer.kind)}${layer.op ? ` <span class="op">${esc(layer.op)}</span>` : ''}</td>`,
      `<td data-value="${esc(layer.shape.join('×'))}">${esc(layer.shape.map((d) => (d < 0 ? 'N' : String(d))).join(' × '))}</td>`,
    ];
    if (m) {
      const p = c?.pair;
      const here = c?.explainedHere ?? true;
      cells.push(
        num(p?.explained, here),
        ...Array.from({ length: k + 1 }, (_, i) => num(p?.orders[i]?.fraction, here)),
        num(p?.inconsistent.fraction, here),
        num(p?.similarity.linearCKA, here),
      );
      cells.push(
        c
          ? `<td data-value="${esc(c.otherLayer)}">${esc(c.otherLayer)}${here ? '' : ' <span class="op">(this layer explains it)</span>'}</td>`
          : '<td data-value=""></td>',
      );
    }
    return `<tr${c ? ' class="compared"' : ''}>${cells.join('')}</tr>`;
  });
  const body = page.error
    ? `<p class="error">${esc(page.error)}</p>`
    : page.layers === undefined
      ? '<p class="note">Listing layers…</p>'
      : `<table id="layers"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>` +
        (m
          ? '<p class="note">Explained, orders and ε are held-out fractions of this layer\'s feature variance predicted from the other model\'s layer (knowledge consistency); explained + ε = 1; orders overlap, so they need not add up to explained (an order alone can pass 1). *CKA is similarity, not consistency. Click a column to sort, a layer to open its drill-down.</p>'
          : '');
  return webviewDocument({
    cspSource: page.cspSource,
    nonce: page.nonce,
    scriptUri: page.scriptUri,
    styleUri: page.styleUri,
    title: `Model Overview: ${page.modelName}`,
    bodyClass: m?.stale || m?.checking ? 'is-stale' : undefined,
    body: `${header(page)}\n${body}`,
  });
}
