// The Model Overview page: one row per layer with the consistency columns of the compared ones, a stale banner
// when the analysis is stale, and nothing inline that the CSP would have to allow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisRecord } from '../../../../src/extension/contracts';
import { modelConsistency } from '../../../../src/extension/inline/consistency';
import { overviewHtml, type OverviewPage } from '../../../../src/extension/inline/overviewHtml';
import type { LayerInfo, PairResult } from '../../../../src/protocol/report';

const layer = (name: string, kind: string, depth: number, shape: number[]): LayerInfo => ({
  name,
  kind,
  depth,
  shape,
  probePoint: kind === 'pool',
});
const layers = [
  layer('conv1', 'conv', 0, [-1, 28, 28, 8]),
  layer('pool1', 'pool', 1, [-1, 14, 14, 8]),
  layer('<odd>', 'other', 2, [-1, 10]),
];
const pair: PairResult = {
  layerA: 'p1',
  layerB: 'pool1',
  direction: 'A->B',
  explained: 0.42,
  orders: [
    { order: 0, fraction: 0.3, variance: 0.3 },
    { order: 1, fraction: 0.12, variance: 0.12 },
  ],
  inconsistent: { variance: 0.58, fraction: 0.58 },
  varianceB: 1,
  similarity: { linearCKA: 0.8 },
  training: { epochs: 1, seconds: 1, finalLoss: 1, gates: [], curve: [] },
};

function page(stale: boolean): OverviewPage {
  const record = {
    id: 'r',
    modelA: '/ref.onnx',
    modelB: '/m.onnx',
    probe: 'mnist',
    preset: 'fast',
    startedAt: '2026-11-29T17:00:00Z',
    status: 'done',
    stale,
    report: { pairs: [pair], probe: { source: 'mnist', count: 64 } },
  } as unknown as AnalysisRecord;
  return {
    cspSource: 'vscode-resource:',
    nonce: 'N0nce',
    scriptUri: 'vscode-resource:/overview.js',
    styleUri: 'vscode-resource:/overview.css',
    modelName: 'm',
    modelPath: 'm.onnx',
    layers,
    model: modelConsistency(record, '/m.onnx', () => 'ref'),
    referenceName: 'ref',
  };
}

test('a row per layer; the compared one links to its drill-down with its numbers', () => {
  const html = overviewHtml(page(false));
  assert.equal(html.match(/<tr[ >]/g)!.length, 1 + layers.length);
  assert.match(
    html,
    /<tr class="compared">.*data-layer="pool1".*data-value="0.42".*data-value="0.3".*data-value="0.12".*data-value="0.58".*data-value="0.8".*>p1</,
  );
  assert.match(html, /N × 14 × 14 × 8/);
  assert.ok(html.includes('&lt;odd&gt;') && !html.includes('<odd>'), 'layer names are escaped');
  assert.match(
    html,
    /vs <strong>ref<\/strong> \(reference model\): ref explains this model's layers: mean explained <strong>0.420<\/strong>/,
  );
  assert.doesNotMatch(html, /class="stale"/);
  // Orders are not orthogonal (order 0 may exceed explained): the note under the table says so.
  assert.match(html, /orders overlap, so they need not add up to explained/);
});

test('stale: said above the table, numbers struck through', () => {
  const html = overviewHtml(page(true));
  assert.match(html, /<p class="stale" role="alert">Stale: a model file changed after this analysis/);
  assert.match(html, /<body class="is-stale">/);
});

test('CSP: scripts only by nonce from a file, no inline script or style attribute', () => {
  const html = overviewHtml(page(false));
  assert.match(html, /script-src 'nonce-N0nce'/);
  assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="N0nce" src="vscode-resource:/overview.js">']);
  assert.doesNotMatch(html, /style="|onclick=|<style/);
});

test('no analysis yet: the table without consistency columns and a way to compare', () => {
  const html = overviewHtml({ ...page(false), model: undefined });
  assert.match(html, /No analysis of this model yet against the reference model ref/);
  assert.match(html, /data-action="compare"/);
  assert.doesNotMatch(html, />explained</);
});
