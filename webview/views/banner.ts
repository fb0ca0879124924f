/**
 * The collapsible messages area of a panel's head (the pair panel's and the family view's): its summary (the first
 * message, and how many more) takes one line, its list opens over the content below (styles/banner.css), so messages
 * arriving late never push the pictures down.
 */
import { html } from './svg';

export class Banner {
  readonly element = html('details', { id: 'banner' }) as HTMLDetailsElement;
  private readonly summary = html('summary', { role: 'status' });
  private readonly list = html('div', { class: 'banner-list' });

  constructor() {
    this.element.append(this.summary, this.list);
    this.element.hidden = true;
  }

  /** `error`: drawn as an error; `open`: opened when the messages change (a failure is the whole story). */
  render(lines: string[], { error = false, open = false } = {}): void {
    const more = lines.length > 1 ? ` (+${lines.length - 1} more)` : '';
    if (this.summary.textContent !== (lines.length ? `${lines[0]}${more}` : '')) {
      this.summary.replaceChildren(html('span', { class: 'banner-text' }, lines[0] ?? ''), more);
      this.summary.title = `${lines.length} message${lines.length === 1 ? '' : 's'}: click to ${this.element.open ? 'close' : 'read all'}`;
      if (open) this.element.open = true;
    }
    this.list.replaceChildren(...lines.map((l) => html('div', {}, l)));
    this.element.hidden = lines.length === 0;
    this.element.classList.toggle('error', error);
  }
}
