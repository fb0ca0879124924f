/** How a layer looks in the tree: codicon by kind, shape without the batch dimension. */
import * as vscode from 'vscode';
import type { LayerInfo } from '../../protocol/report';

const KIND_ICONS: Record<string, string> = {
  input: 'sign-in',
  conv: 'symbol-array',
  dense: 'symbol-numeric',
  pool: 'fold-down',
  activation: 'pulse',
  norm: 'symbol-ruler',
  add: 'add',
  concat: 'combine',
  reshape: 'symbol-namespace',
};

export function layerIcon(layer: LayerInfo): vscode.ThemeIcon {
  // Probe points are what a comparison uses by default: make them stand out.
  if (layer.probePoint) return new vscode.ThemeIcon('target', new vscode.ThemeColor('charts.blue'));
  return new vscode.ThemeIcon(KIND_ICONS[layer.kind] ?? 'symbol-field');
}

/** "14×14×32" for NHWC [-1, 14, 14, 32]. */
export function formatShape(shape: readonly number[]): string {
  const dims = shape[0] === -1 ? shape.slice(1) : shape;
  return dims.map((d) => (d < 0 ? '?' : String(d))).join('×');
}

export function layerDescription(layer: LayerInfo): string {
  return [layer.kind, formatShape(layer.shape), layer.probePoint ? 'probe point' : ''].filter(Boolean).join(' · ');
}
