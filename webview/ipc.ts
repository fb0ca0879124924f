/** The webview's side of the panel channel: typed posting, validated receiving, and persisted view state. */
import {
  isHostMessage,
  type HostMessage,
  type PanelViewState,
  type WebviewMessage,
} from '../src/protocol/webview.protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class PanelIpc {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  onMessage(handler: (message: HostMessage) => void): void {
    window.addEventListener('message', (e: MessageEvent) => {
      if (isHostMessage(e.data)) handler(e.data);
    });
  }

  getState(): PanelViewState {
    const s = this.api.getState();
    return typeof s === 'object' && s !== null ? (s as PanelViewState) : {};
  }

  setState(state: PanelViewState): void {
    this.api.setState(state);
  }
}
