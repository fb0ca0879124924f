/**
 * The compare wizard's layer pairing, chosen visually: one row per layer of A with its partner in B ("conv2 → conv2"),
 * pre-filled by the engine's automatic pairing (./autoPairing.ts), each row editable (Enter: pick B's partner, or
 * leave the layer out), layers of A addable. What the rows say is what runs.
 */
import * as vscode from 'vscode';
import { ARROW } from '../../protocol/format';
import { shortLayerNames } from '../../protocol/layer-names';
import type { LayerInfo } from '../../protocol/report';
import { automaticPairs, autoPartner } from './autoPairing';
import { layerDescription } from '../sidebar/layerPresentation';
import type { WizardItem } from './wizard';

export interface LayerPairChoice {
  a: string;
  b: string;
  /** Still the automatic partner (not chosen by the user). */
  auto: boolean;
}

interface Listing {
  listLayers(uri: vscode.Uri): Promise<LayerInfo[]>;
}

type RowValue = { edit: number } | 'add';

/** The automatic pairing of A's probe points with B's probe points (all layers when a model marks none). */
export async function autoPairs(services: Listing, a: vscode.Uri, b: vscode.Uri): Promise<LayerPairChoice[]> {
  const [allA, allB] = await Promise.all([services.listLayers(a), services.listLayers(b)]);
  return automaticPairs(allA, allB).map((p) => ({ ...p, auto: true }));
}

/** The step's rows: first "compare these pairs", then one per pair, then "add a layer of A". */
export function pairItems(pairs: LayerPairChoice[], nameA: string, nameB: string): Array<WizardItem<unknown>> {
  const short = shortLayerNames([...new Set(pairs.flatMap((p) => [p.a, p.b]))]);
  const names = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const shortOf = (n: string) => short[names.indexOf(n)] ?? n;
  return [
    {
      label: `$(check) Compare these ${pairs.length} pair${pairs.length === 1 ? '' : 's'}`,
      description: pairs.length ? `${nameA} ${ARROW} ${nameB} and back` : 'add a layer of A first',
      value: 'start',
    },
    { label: 'pairs', kind: vscode.QuickPickItemKind.Separator, value: undefined },
    ...pairs.map((p, i) => ({
      label: `${shortOf(p.a)}  ${ARROW}  ${shortOf(p.b)}`,
      description: p.auto ? 'automatic · Enter to change' : 'chosen · Enter to change',
      detail: shortOf(p.a) !== p.a || shortOf(p.b) !== p.b ? `${p.a} ${ARROW} ${p.b}` : undefined,
      value: { edit: i } satisfies RowValue,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, value: undefined },
    { label: '$(add) Add a layer of A…', value: 'add' satisfies RowValue },
  ];
}

/** Edits one row (B's partner, or leave the layer out) or adds a layer of A; the pairs as they are after it. */
export async function editPairs(
  services: Listing,
  a: vscode.Uri,
  b: vscode.Uri,
  pairs: LayerPairChoice[],
  value: unknown,
): Promise<LayerPairChoice[]> {
  const [allA, allB] = await Promise.all([services.listLayers(a), services.listLayers(b)]);
  if (value === 'add') {
    const taken = new Set(pairs.map((p) => p.a));
    const layer = await pickOne(
      allA.filter((l) => !taken.has(l.name)),
      `Add a layer of A (${vscode.workspace.asRelativePath(a)})`,
    );
    if (!layer) return pairs;
    const partner = autoPartner(layer.name, allA, allB);
    const chosen = await pickPartner(allB, layer.name, partner, b);
    return chosen === undefined || chosen === null
      ? pairs
      : [...pairs, { a: layer.name, b: chosen, auto: chosen === partner }];
  }
  const index = (value as { edit?: number } | undefined)?.edit;
  if (index === undefined || !pairs[index]) return pairs;
  const row = pairs[index];
  const chosen = await pickPartner(allB, row.a, row.b, b);
  if (chosen === undefined) return pairs;
  if (chosen === null) return pairs.filter((_, i) => i !== index);
  return pairs.map((p, i) => (i === index ? { a: p.a, b: chosen, auto: p.auto && chosen === p.b } : p));
}

/** B's partner for A's layer, the current one marked; null: leave A's layer out; undefined: dismissed. */
async function pickPartner(
  layersB: LayerInfo[],
  layerA: string,
  current: string,
  b: vscode.Uri,
): Promise<string | null | undefined> {
  const short = shortLayerNames(layersB.map((l) => l.name));
  const items: Array<vscode.QuickPickItem & { name: string | null }> = [
    { label: '$(close) Leave this layer out', name: null },
    ...layersB.map((l, i) => ({
      label: `${l.name === current ? '$(arrow-right) ' : ''}${short[i]}`,
      description: `${layerDescription(l)}${l.name === current ? ' · current partner' : ''}`,
      detail: short[i] !== l.name ? l.name : undefined,
      name: l.name,
    })),
  ];
  const qp = vscode.window.createQuickPick<(typeof items)[number]>();
  qp.title = `${layerA} ${ARROW} which layer of B (${vscode.workspace.asRelativePath(b)})?`;
  qp.placeholder = "B's partner of this layer";
  qp.matchOnDetail = true;
  qp.items = items;
  const active = items.find((it) => it.name === current);
  if (active) qp.activeItems = [active];
  qp.show();
  try {
    return await new Promise((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0]?.name));
      qp.onDidHide(() => resolve(undefined));
    });
  } finally {
    qp.dispose();
  }
}

async function pickOne(layers: LayerInfo[], title: string): Promise<LayerInfo | undefined> {
  const short = shortLayerNames(layers.map((l) => l.name));
  const picked = await vscode.window.showQuickPick(
    layers.map((layer, i) => ({
      label: short[i],
      description: layerDescription(layer),
      detail: short[i] !== layer.name ? layer.name : undefined,
      layer,
    })),
    { title, placeHolder: 'Layer of A', matchOnDetail: true },
  );
  return picked?.layer;
}
