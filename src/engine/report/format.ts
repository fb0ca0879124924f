/** Number formatting shared by the text, Markdown and HTML reports, so that every view shows the same digits. */
import type { ProbeInfo } from '../../protocol/report';

// The number formats live in src/protocol/format.ts (shared with the panel); re-exported for the renderers here.
export { arrowText, explainsText, fmt, seconds } from '../../protocol/format';

/** A plain-text table; columns from `firstRight` on are right-aligned (numbers), the others left-aligned. */
export function textTable(header: string[], rows: string[][], firstRight = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < firstRight ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Layer names without the path prefix they all share (graph models name layers "model/block1/conv/Relu"). The prefix
 * is the longest common prefix of all names, cut back to its last '/', and always shorter than every name, so no
 * short name is empty. One pass over the characters: it ends for any set of names (torch.onnx names such as
 * "/0/Conv_output_0" beside "logits" once looped forever).
 */
export function shortNames(names: string[]): { prefix: string; name: (n: string) => string } {
  let common = names.length > 0 ? names[0] : '';
  for (const n of names) {
    let i = 0;
    while (i < common.length && i < n.length && common[i] === n[i]) i++;
    common = common.slice(0, i);
  }
  const shortest = names.reduce((min, n) => Math.min(min, n.length), Infinity);
  common = common.slice(0, Math.max(0, shortest - 1));
  const prefix = common.slice(0, common.lastIndexOf('/') + 1);
  return { prefix, name: (n) => n.slice(prefix.length) };
}

/** "680 fit / 120 validation / 200 held out": how the probe samples were used. */
export function splitSummary(probe: ProbeInfo): string {
  const validation = probe.validation ?? 0;
  return validation > 0
    ? `${probe.train - validation} fit / ${validation} validation / ${probe.test} held out`
    : `${probe.train} fit / ${probe.test} held out`;
}
