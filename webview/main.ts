/** Entry of the panel's webview bundle (dist/webview.js + dist/webview.css). */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import './styles/panel.css';
import './styles/banner.css';
import { App } from './app';
import { PanelIpc } from './ipc';

const root = document.getElementById('app') ?? document.body;
new App(root, new PanelIpc());
