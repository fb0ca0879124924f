/**
 * Theme colours read from VS Code's CSS variables at draw time (canvas and exported SVG cannot use var()), with
 * fallbacks for a plain browser.
 */
export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  focus: string;
  font: string;
  /** High-contrast themes: draw cell borders so adjacent cells stay distinguishable. */
  highContrast: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  const hc =
    document.body.classList.contains('vscode-high-contrast') ||
    document.body.classList.contains('vscode-high-contrast-light');
  return {
    background: cssVar(s, '--vscode-editor-background', '#ffffff'),
    foreground: cssVar(s, '--vscode-editor-foreground', cssVar(s, '--vscode-foreground', '#333333')),
    muted: cssVar(s, '--vscode-descriptionForeground', '#717171'),
    grid: cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', '#c8c8c8')),
    focus: cssVar(s, '--vscode-focusBorder', '#0078d4'),
    font: cssVar(s, '--vscode-font-family', 'system-ui, sans-serif'),
    highContrast: hc,
  };
}

/** Colours of the order components (categorical, distinct in light and dark) and of ε (neutral grey). */
export const ORDER_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#edc948'];
export const EPSILON_COLOR = '#9d9d9d';
/** The explained part of the bar that adds up (explained + ε = 1): apart from every order's colour. */
export const EXPLAINED_COLOR = '#21918c';

export function orderColor(id: string): string {
  if (id === 'inconsistent') return EPSILON_COLOR;
  const k = Number(id.replace('order', ''));
  return ORDER_COLORS[k % ORDER_COLORS.length];
}
