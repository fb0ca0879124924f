/** Small builders for the toolkit's controls (@vscode-elements/elements), shared by the toolbar and the tabs. */
import { html } from './svg';

export interface SelectEl extends HTMLElement {
  value: string;
}

export function select(id: string, label: string): SelectEl {
  const el = document.createElement('vscode-single-select') as unknown as SelectEl;
  el.id = id;
  el.setAttribute('aria-label', label);
  return el;
}

/** Replaces a select's options only when the list or its labels changed (streamed results must not reset an open menu). */
export function setOptions(el: SelectEl, options: Array<[string, string]>, value: string): void {
  const key = options.map((o) => `${o[0]}\u0001${o[1]}`).join('|');
  const chosen = options.some((o) => o[0] === value) ? value : (options[0]?.[0] ?? '');
  if (el.dataset.options !== key) {
    el.dataset.options = key;
    el.replaceChildren(
      ...options.map(([v, l]) => {
        const opt = document.createElement('vscode-option');
        opt.setAttribute('value', v);
        if (v === chosen) opt.setAttribute('selected', '');
        opt.textContent = l;
        return opt;
      }),
    );
  }
  if (el.value !== chosen) el.value = chosen;
}

export function labelled(text: string, control: HTMLElement): HTMLElement {
  const l = html('label', { class: 'field' });
  l.append(html('span', {}, text), control);
  return l;
}

export function button(id: string, label: string, onClick: () => void): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.setAttribute('secondary', '');
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** A link-styled action (help, not a command button): keeps the toolbar's buttons to the panel's own actions. */
export function textLink(id: string, label: string, onClick: () => void): HTMLElement {
  const a = html('a', { id, href: '#', role: 'button' }, label);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return a;
}
