/** Entry of the family and drift panel's bundle (dist/webview-family.js + .css). */
import '../styles/banner.css';
import './family.css';
import { FamilyView } from './view';
import { isFamilyHostMessage, type FamilyWebviewMessage } from '../../src/protocol/family-view.protocol';

interface VsCodeApi {
  postMessage(message: FamilyWebviewMessage): void;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const view = new FamilyView(document.getElementById('app') ?? document.body, (m) => api.postMessage(m));
window.addEventListener('message', (e: MessageEvent) => {
  if (!isFamilyHostMessage(e.data)) return;
  view.render(e.data);
  // What VS Code hands the host after a window reload (familyPanel.ts restoreFamilyPanels): the panel is drawn again.
  api.setState(e.data);
});
api.postMessage({ type: 'kc/ready' });
