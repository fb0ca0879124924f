/**
 * One escape per renderer for text that comes from model files, probe folders or saved reports (all untrusted): it
 * must show as the characters it is, never as markup, links or terminal commands.
 */

/** Text → HTML-safe text (element content and quoted attributes): for the reports and the extension's webviews. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * C0 and C1 controls (ESC starts colour, cursor, screen-clearing and OSC 8 hyperlink sequences; CR and BS overwrite
 * what was printed; newlines start a Markdown block), DEL, and the bidi overrides that reorder what a reader sees.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const REPLACEMENT = '\ufffd';

/** Text → one terminal line that prints as is: each control character becomes U+FFFD (same width, so tables align). */
export const terminalText = (s: string): string => s.replace(CONTROLS, REPLACEMENT);

/**
 * Text → Markdown that renders as exactly that text, on one line: every character that can start a link, image,
 * autolink, HTML tag, entity, heading, emphasis, code span, table cell, strikethrough or (in VS Code) a theme icon is
 * backslash-escaped, and control characters (newlines included) become U+FFFD. Not for code spans, where backslashes
 * show: model text is never put in one.
 */
export const markdownText = (s: string): string => terminalText(s).replace(/[\\`*_[\]()<>#|!&~$]/g, '\\$&');

/**
 * Text → one part (a file name, a query) of a Markdown link destination: percent-encoded, parentheses too, so that no
 * character of it can end the link or start another.
 */
export const markdownLinkPart = (s: string): string =>
  encodeURIComponent(s).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
