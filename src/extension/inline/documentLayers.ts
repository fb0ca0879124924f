/** The layer entries of an open model.json, parsed once per document version (hovers and lenses ask often). */
import type * as vscode from 'vscode';
import { modelJsonLayers, type ModelJsonLayers } from './layerEntries';

const cache = new WeakMap<vscode.TextDocument, { version: number; layers: ModelJsonLayers | undefined }>();

export function documentLayers(document: vscode.TextDocument): ModelJsonLayers | undefined {
  const hit = cache.get(document);
  if (hit?.version === document.version) return hit.layers;
  const layers = modelJsonLayers(document.getText());
  cache.set(document, { version: document.version, layers });
  return layers;
}
