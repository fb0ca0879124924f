/** Hovers on a layer's `"name": …` in a TF.js model.json: the pair's full numbers with small bars. */
import * as vscode from 'vscode';
import { hoverMarkdown, staleness } from './format';
import { documentLayers } from './documentLayers';
import { OPEN_PAIR_COMMAND, openPairUri, type ConsistencySource } from './source';

export class ConsistencyHoverProvider implements vscode.HoverProvider {
  constructor(private readonly source: ConsistencySource) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = document.offsetAt(position);
    const entry = (documentLayers(document)?.entries ?? []).find(
      (e) => offset >= e.offset && offset <= e.offset + e.length,
    );
    if (!entry) return undefined;
    const model = this.source.forModel(document.uri);
    const layer = model?.layers.get(entry.name);
    if (!model || !layer) return undefined;
    const markdown = new vscode.MarkdownString(
      hoverMarkdown(
        layer,
        model,
        staleness(model, document.isDirty),
        openPairUri(model.record.id, layer.layer, model.modelPath),
      ),
      true,
    );
    markdown.isTrusted = { enabledCommands: [OPEN_PAIR_COMMAND] };
    return new vscode.Hover(
      markdown,
      new vscode.Range(document.positionAt(entry.offset), document.positionAt(entry.offset + entry.length)),
    );
  }
}
