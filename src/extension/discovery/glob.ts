/**
 * Glob matching for watcher events, with the semantics of VS Code's files.exclude / search.exclude patterns:
 * `**` spans folders, `*` and `?` stay within one, `{a,b}` alternates, `[...]` is a character class.
 * (findFiles applies the patterns itself during a scan; a file-created event needs the same check here.)
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders; a trailing `**` matches anything.
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      inGroup++;
      out += '(?:';
    } else if (ch === '}' && inGroup > 0) {
      inGroup--;
      out += ')';
    } else if (ch === ',' && inGroup > 0) out += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += ch.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Patterns compiled once; a path is excluded when it or any of its parent folders matches (as files.exclude does). */
export class GlobSet {
  private readonly patterns: RegExp[];

  constructor(globs: readonly string[]) {
    this.patterns = globs.map(globToRegExp);
  }

  /** `relativePath` is relative to its workspace folder, with forward slashes. */
  matchesPathOrParent(relativePath: string): boolean {
    const parts = relativePath.split('/');
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join('/');
      if (this.patterns.some((re) => re.test(prefix))) return true;
    }
    return false;
  }

  matches(relativePath: string): boolean {
    return this.patterns.some((re) => re.test(relativePath));
  }
}
