// The changed files as a tree (UI §1.12): directories with the summed +/− counts of what is under
// them, single-child chains folded into one row ("src/lib/review"), directories before files,
// each alphabetical. The panel draws the flattened rows; j/k walk the files in that same order.

import type { FileChange } from "./wire";

interface DirNode {
  name: string;
  path: string;
  dirs: Map<string, DirNode>;
  files: FileChange[];
}

export interface TreeDir {
  kind: "dir";
  /** The directory's full path, the key of its collapsed state. */
  path: string;
  /** What the row shows: one segment, or a folded chain "src/lib". */
  name: string;
  depth: number;
  additions: number;
  deletions: number;
  files: number;
  viewed: number;
}

export interface TreeFile {
  kind: "file";
  path: string;
  name: string;
  depth: number;
  change: FileChange;
}

export type TreeItem = TreeDir | TreeFile;

function newDir(name: string, path: string): DirNode {
  return { name, path, dirs: new Map(), files: [] };
}

function nest(files: readonly FileChange[]): DirNode {
  const root = newDir("", "");
  for (const file of files) {
    const parts = file.path.split("/");
    let dir = root;
    for (const part of parts.slice(0, -1)) {
      const path = dir.path === "" ? part : `${dir.path}/${part}`;
      let next = dir.dirs.get(part);
      if (next === undefined) {
        next = newDir(part, path);
        dir.dirs.set(part, next);
      }
      dir = next;
    }
    dir.files.push(file);
  }
  return root;
}

/** A directory holding only one directory and no files is shown as one row with the joined name. */
function fold(dir: DirNode): DirNode {
  let node = dir;
  while (node.files.length === 0 && node.dirs.size === 1) {
    const only = node.dirs.values().next().value as DirNode;
    node = { ...only, name: `${node.name}/${only.name}` };
  }
  return node;
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

interface Totals {
  additions: number;
  deletions: number;
  files: number;
  viewed: number;
}

function walk(
  dir: DirNode,
  depth: number,
  out: TreeItem[],
  collapsed: ReadonlySet<string>,
  match: (f: FileChange) => boolean,
): Totals {
  const totals: Totals = { additions: 0, deletions: 0, files: 0, viewed: 0 };
  const subdirs = [...dir.dirs.values()].map(fold).sort((a, b) => byName(a.name, b.name));
  for (const sub of subdirs) {
    const at = out.length;
    const row: TreeDir = { kind: "dir", path: sub.path, name: sub.name, depth, additions: 0, deletions: 0, files: 0, viewed: 0 };
    out.push(row);
    const inner: TreeItem[] = [];
    const t = walk(sub, depth + 1, inner, collapsed, match);
    if (t.files === 0) {
      out.splice(at, 1);
      continue;
    }
    Object.assign(row, t);
    if (!collapsed.has(sub.path)) out.push(...inner);
    totals.additions += t.additions;
    totals.deletions += t.deletions;
    totals.files += t.files;
    totals.viewed += t.viewed;
  }
  for (const change of [...dir.files].sort((a, b) => byName(a.path, b.path))) {
    if (!match(change)) continue;
    out.push({ kind: "file", path: change.path, name: baseName(change.path), depth, change });
    totals.additions += change.additions ?? 0;
    totals.deletions += change.deletions ?? 0;
    totals.files += 1;
    if (change.viewed) totals.viewed += 1;
  }
  return totals;
}

/**
 * The tree's visible rows: directories in `collapsed` hide what is under them, and a non-empty
 * `filter` keeps the files whose path contains it (case-insensitive) with their directories.
 * While filtering, directories stay open so every match is in view.
 */
export function treeRows(files: readonly FileChange[], collapsed: ReadonlySet<string>, filter = ""): TreeItem[] {
  const needle = filter.trim().toLowerCase();
  const match = needle === "" ? () => true : (f: FileChange) => f.path.toLowerCase().includes(needle);
  const out: TreeItem[] = [];
  walk(nest(files), 0, out, needle === "" ? collapsed : new Set(), match);
  return out;
}

/** The file paths of the visible rows, in order: what j/k walk. */
export function filePaths(rows: readonly TreeItem[]): string[] {
  return rows.filter((r): r is TreeFile => r.kind === "file").map((r) => r.path);
}

/** The path `delta` files away from `current` (clamped); the first file when `current` is not shown. */
export function stepFile(paths: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (paths.length === 0) return null;
  const at = current === null ? -1 : paths.indexOf(current);
  if (at < 0) return paths[delta > 0 ? 0 : paths.length - 1] ?? null;
  return paths[Math.min(paths.length - 1, Math.max(0, at + delta))] ?? null;
}
