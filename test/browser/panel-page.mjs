// Loads a built webview bundle (the panel's dist/webview.js + .css, the family panel's dist/webview-family.*) in real
// chromium the way VS Code does: served over HTTP, under the panel's Content Security Policy, with a stub
// acquireVsCodeApi that records what the webview posts and keeps its state across reloads. Theme colours are set as VS Code sets them: CSS variables on <html>.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// TypeScript through tsx (run.mjs imports it).
import { panelHtml } from '../../src/extension/panel/html.ts';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Builds the webview bundle from the current sources (fast: esbuild, one bundle). */
export function buildWebview() {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), 'webview'], { cwd: root, stdio: 'inherit' });
}

const NONCE = 'dGVzdG5vbmNlMTIzNDU2Nzg5MA';

/** The extension's own webview document (its Content Security Policy too), with the test server as resource origin. */
function page(origin, bundle, title) {
  return panelHtml({
    cspSource: origin,
    nonce: NONCE,
    scriptUri: `${origin}/dist/${bundle}.js`,
    styleUri: `${origin}/dist/${bundle}.css`,
    title,
  });
}

/** Serves the page of a webview bundle (dist/<bundle>.js + .css) on 127.0.0.1; returns { url, close }. */
export async function serve(bundle = 'webview', title = 'Knowledge Consistency') {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(`http://127.0.0.1:${server.address().port}`, bundle, title));
      return;
    }
    const files = { [`/dist/${bundle}.js`]: 'text/javascript', [`/dist/${bundle}.css`]: 'text/css' };
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (!files[path]) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': files[path] });
    res.end(readFileSync(join(root, path)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

// The VS Code stub: posted messages go to window.__posted; state lives in sessionStorage so it survives reload.
const STUB = () => {
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => JSON.parse(sessionStorage.getItem('kc-state') ?? 'null'),
    setState: (s) => sessionStorage.setItem('kc-state', JSON.stringify(s)),
  });
};

const COMMON = {
  '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
};

export const THEMES = {
  light: {
    className: 'vscode-light',
    vars: {
      ...COMMON,
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-editorHoverWidget-background': '#f8f8f8',
      '--vscode-editorHoverWidget-foreground': '#3b3b3b',
      '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-panelTitle-activeForeground': '#3b3b3b',
      '--vscode-panelTitle-activeBorder': '#005fb8',
      '--vscode-panelTitle-inactiveForeground': '#3b3b3b',
      '--vscode-errorForeground': '#f85149',
      '--vscode-textBlockQuote-background': '#f8f8f8',
      '--vscode-textBlockQuote-border': '#e5e5e5',
      '--vscode-progressBar-background': '#005fb8',
      '--vscode-panel-background': '#f8f8f8',
      '--vscode-settings-dropdownBackground': '#ffffff',
      '--vscode-settings-dropdownForeground': '#3b3b3b',
      '--vscode-settings-dropdownBorder': '#cecece',
      '--vscode-settings-dropdownListBorder': '#c8c8c8',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.16)',
    },
  },
  dark: {
    className: 'vscode-dark',
    vars: {
      ...COMMON,
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-widget-border': '#313131',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-editorHoverWidget-background': '#202020',
      '--vscode-editorHoverWidget-foreground': '#cccccc',
      '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-panelTitle-activeForeground': '#cccccc',
      '--vscode-panelTitle-activeBorder': '#0078d4',
      '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
      '--vscode-errorForeground': '#f85149',
      '--vscode-textBlockQuote-background': '#2b2b2b',
      '--vscode-textBlockQuote-border': '#616161',
      '--vscode-progressBar-background': '#0078d4',
      '--vscode-panel-background': '#181818',
      '--vscode-settings-dropdownBackground': '#313131',
      '--vscode-settings-dropdownForeground': '#cccccc',
      '--vscode-settings-dropdownBorder': '#3c3c3c',
      '--vscode-settings-dropdownListBorder': '#454545',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
    },
  },
  highContrast: {
    className: 'vscode-high-contrast',
    vars: {
      ...COMMON,
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-focusBorder': '#f38518',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
      '--vscode-editorHoverWidget-background': '#0c141f',
      '--vscode-editorHoverWidget-foreground': '#ffffff',
      '--vscode-editorHoverWidget-border': '#6fc3df',
      '--vscode-panelTitle-activeForeground': '#ffffff',
      '--vscode-panelTitle-activeBorder': '#6fc3df',
      '--vscode-panelTitle-inactiveForeground': '#ffffff',
      '--vscode-errorForeground': '#f48771',
      '--vscode-progressBar-background': '#6fc3df',
      '--vscode-panel-background': '#000000',
      '--vscode-settings-dropdownBackground': '#000000',
      '--vscode-settings-dropdownForeground': '#ffffff',
      '--vscode-settings-dropdownBorder': '#6fc3df',
      '--vscode-settings-dropdownListBorder': '#6fc3df',
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-list-hoverBackground': '#000000',
    },
  },
};

/** Opens the served page in `theme`; returns the page. Console errors and CSP violations fail the test. */
export async function openPanel(context, url, theme = 'light') {
  const p = await context.newPage();
  const problems = [];
  p.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  p.on('pageerror', (e) => problems.push(String(e)));
  await p.addInitScript(STUB);
  await p.goto(url);
  await applyTheme(p, theme);
  await p.waitForFunction(() => window.__posted.some((m) => m.type === 'kc/ready'));
  p.problems = problems;
  return p;
}

export async function applyTheme(p, theme) {
  const t = THEMES[theme];
  await p.evaluate(({ className, vars }) => {
    document.body.className = className;
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  }, t);
}

/** Sends host messages the way the panel host does (window message events). */
export async function send(p, ...messages) {
  await p.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
  // Two frames: the app coalesces messages into one draw per animation frame.
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

export function record(report, extra = {}) {
  return {
    id: 'analysis-1',
    modelA: report.models?.a.path ?? 'a.onnx',
    modelB: report.models?.b.path ?? 'b.onnx',
    probe: report.probe.source,
    preset: report.settings.preset,
    startedAt: report.createdAt,
    status: 'done',
    report,
    ...extra,
  };
}

export async function posted(p, type) {
  return p.evaluate((t) => window.__posted.filter((m) => !t || m.type === t), type);
}

/** Geometry of the heatmap canvas in page coordinates, from the data attributes the view publishes. */
export async function heatmapGeometry(p) {
  return p.$eval('#heatmap', (c) => {
    const r = c.getBoundingClientRect();
    return {
      left: r.left,
      top: r.top,
      rows: +c.dataset.rows,
      cols: +c.dataset.cols,
      cell: +c.dataset.cell,
      x0: +c.dataset.x0,
      y0: +c.dataset.y0,
    };
  });
}

export function cellCenter(g, row, col) {
  return { x: g.left + g.x0 + col * g.cell + g.cell / 2, y: g.top + g.y0 + row * g.cell + g.cell / 2 };
}
