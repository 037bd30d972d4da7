// The split view without a second row model: a change block of m deleted and n added rows
// (git writes the deletions first) is drawn as max(m, n) paired lines, then m + n − max(m, n)
// empty ones, so line i of the split view is row i of the unified diff and the paging, the
// layout maths and the comment places stay the same for both views.

import type { DiffRow } from "./wire";

export interface SplitLine {
  /** A hunk header or "no newline" note across both sides. */
  full: DiffRow | null;
  left: DiffRow | null;
  right: DiffRow | null;
  /** Row indexes of the sides (for comment selection). */
  leftIndex: number | null;
  rightIndex: number | null;
}

const changed = (r: DiffRow | undefined): boolean => r !== undefined && (r.kind === "add" || r.kind === "del");

/** Remembers where each block starts and its deletions and additions, so consecutive lines cost
 * O(1) and a block is walked about once; drop it when rows change (a page arriving can extend a
 * block). */
export interface RunMemo {
  starts: Map<number, number>;
  /** Block start -> (deletions, additions). */
  blocks: Map<number, { m: number; n: number }>;
}

export const runMemo = (): RunMemo => ({ starts: new Map(), blocks: new Map() });

function runStart(i: number, get: (i: number) => DiffRow | undefined, memo: RunMemo): number {
  const known = memo.starts.get(i);
  if (known !== undefined) return known;
  let s = i;
  // A block ends where a del follows an add: that del begins the next block.
  while (changed(get(s - 1)) && !(get(s)?.kind === "del" && get(s - 1)?.kind === "add")) {
    const m = memo.starts.get(s - 1);
    if (m !== undefined) {
      s = m;
      break;
    }
    s -= 1;
  }
  memo.starts.set(i, s);
  return s;
}

/** The deletions and additions of the block starting at `s` (as far as rows are loaded). */
function block(s: number, get: (i: number) => DiffRow | undefined, memo: RunMemo): { m: number; n: number } {
  const known = memo.blocks.get(s);
  if (known !== undefined) return known;
  let m = 0;
  while (get(s + m)?.kind === "del") m += 1;
  let n = 0;
  while (get(s + m + n)?.kind === "add") n += 1;
  const counts = { m, n };
  memo.blocks.set(s, counts);
  return counts;
}

/** Line `i` of the split view; undefined while its row is not loaded. */
export function splitLine(i: number, get: (i: number) => DiffRow | undefined, memo: RunMemo): SplitLine | undefined {
  const row = get(i);
  if (row === undefined) return undefined;
  if (!changed(row)) {
    if (row.kind === "context") return { full: null, left: row, right: row, leftIndex: i, rightIndex: i };
    return { full: row, left: null, right: null, leftIndex: null, rightIndex: null };
  }
  const s = runStart(i, get, memo);
  const { m, n } = block(s, get, memo);
  const p = i - s;
  const leftIndex = p < m ? s + p : null;
  const rightIndex = p < n ? s + m + p : null;
  return {
    full: null,
    left: leftIndex === null ? null : (get(leftIndex) ?? null),
    right: rightIndex === null ? null : (get(rightIndex) ?? null),
    leftIndex,
    rightIndex,
  };
}

/** The split view's line that shows row `i`: an addition moves up beside the deletion it pairs with. */
export function splitPlace(i: number, get: (i: number) => DiffRow | undefined, memo: RunMemo): number {
  if (get(i)?.kind !== "add") return i;
  const s = runStart(i, get, memo);
  return s + (i - s - block(s, get, memo).m);
}
