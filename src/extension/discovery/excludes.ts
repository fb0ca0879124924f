/** The folders and files a user excluded (files.exclude + search.exclude), per workspace folder. */
import * as vscode from 'vscode';
import { GlobSet } from './glob';

/** Patterns set to `true`; `{ when: … }` sibling conditions are treated as not excluded. */
export function excludedGlobs(folder: vscode.WorkspaceFolder): string[] {
  const globs = new Set<string>();
  for (const section of ['files', 'search']) {
    const map = vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    for (const [glob, value] of Object.entries(map)) if (value === true) globs.add(glob);
  }
  return [...globs];
}

export interface FolderExcludes {
  /** One glob for findFiles' exclude argument (patterns with braces are left to `set`, since globs do not nest). */
  findFilesGlob: string | null;
  set: GlobSet;
}

export function folderExcludes(folder: vscode.WorkspaceFolder): FolderExcludes {
  const globs = excludedGlobs(folder);
  const flat = globs.filter((g) => !/[{}]/.test(g));
  return { findFilesGlob: flat.length ? `{${flat.join(',')}}` : null, set: new GlobSet(globs) };
}
