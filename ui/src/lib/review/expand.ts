// Hunks expand for context (UI §1.12): the unchanged lines git left out between hunks, above the
// first and below the last, revealed 20 at a time from either edge (or all at once when fewer
// than 20 remain), like GitHub. Between two hunks old and new line numbers differ by a fixed
// offset, which the hunk header below the gap gives, so a gap is known from its hunk row and the
// row above it. Revealed rows are fixed-height blocks after the row above the hunk (layout.ts):
// the diff's row indexes, pages and comment places stay as they are.

import type { DiffRow } from "./wire";

/** Lines one click reveals. */
export const STEP = 20;

/** `@@ -a,b +c,d @@`: where each side's lines of a hunk start, and how many there are. */
export interface HunkHeader {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
}

export function parseHunk(text: string): HunkHeader | null {
  const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(text);
  if (m === null) return null;
  const n = (s: string | undefined) => (s === undefined ? 1 : Number(s));
  return { oldStart: Number(m[1]), oldCount: n(m[2]), newStart: Number(m[3]), newCount: n(m[4]) };
}

/** The hidden lines of one gap, on the new side: `from..=to` (`to` null: to the end of the file). */
export interface HiddenGap {
  from: number;
  to: number | null;
  /** new − old for every line of the gap. */
  delta: number;
  /** Above the first hunk: only "up" makes sense (lines above it, nearest first). */
  first: boolean;
}

/**
 * The gap above the hunk at `hunk` (its header row), given the row above it; null when nothing is
 * hidden there or the row above is not loaded. Rows above a later hunk end with context (git's
 * -U3), whose new number is where the gap starts.
 */
export function gapAbove(hunk: number, header: DiffRow, above: DiffRow | undefined): HiddenGap | null {
  const h = parseHunk(header.text);
  if (h === null) return null;
  let from = 1;
  if (hunk > 0) {
    if (above?.kind !== "context" || above.new === null) return null;
    from = above.new + 1;
  }
  // A side with no lines names the line before the hunk, not its first line.
  const newFirst = h.newCount === 0 ? h.newStart + 1 : h.newStart;
  const oldFirst = h.oldCount === 0 ? h.oldStart + 1 : h.oldStart;
  const to = newFirst - 1;
  if (to < from) return null;
  return { from, to, delta: newFirst - oldFirst, first: hunk === 0 };
}

/**
 * The gap below the last row: lines after it, up to an end the diff does not tell. Only a context
 * row can have lines below it: a hunk that ends with a change ends at the end of the file.
 */
export function gapBelow(last: DiffRow | undefined): HiddenGap | null {
  if (last?.kind !== "context" || last.new === null || last.old === null) return null;
  return { from: last.new + 1, to: null, delta: last.new - last.old, first: false };
}

/** What the user revealed of one gap: rows from its top edge down, from its bottom edge up. */
export interface Expansion {
  gap: HiddenGap;
  top: DiffRow[];
  bottom: DiffRow[];
  /** The file ended within what was revealed (a gap below the last hunk). */
  ended: boolean;
}

export function expansion(gap: HiddenGap): Expansion {
  return { gap, top: [], bottom: [], ended: false };
}

/** Lines still hidden; null when unknown (below the last hunk, before the file's end is seen). */
export function hiddenLines(e: Expansion): number | null {
  if (e.ended) return 0;
  if (e.gap.to === null) return null;
  return Math.max(0, e.gap.to - e.gap.from + 1 - e.top.length - e.bottom.length);
}

export type Direction = "up" | "down" | "all";

/** The expander's buttons: none once nothing is hidden. */
export function directions(e: Expansion): Direction[] {
  const hidden = hiddenLines(e);
  if (hidden === null) return ["down"];
  if (hidden === 0) return [];
  if (hidden < STEP) return ["all"];
  return e.gap.first ? ["up"] : ["down", "up"];
}

/** The button's words. */
export function label(e: Expansion, d: Direction): string {
  if (d === "all") return `Show ${hiddenLines(e) ?? 0} hidden lines`;
  return `${d === "up" ? "↑" : "↓"} Expand ${STEP} lines`;
}

/** Lines a click asks for: new `from..=to`, and the old number of `from`. */
export interface ContextRequest {
  from: number;
  to: number;
  oldFrom: number;
}

export function request(e: Expansion, d: Direction): ContextRequest {
  const first = e.gap.from + e.top.length;
  const last = e.gap.to === null ? null : e.gap.to - e.bottom.length;
  let from: number;
  let to: number;
  if (d === "up" && last !== null) {
    to = last;
    from = Math.max(first, last - STEP + 1);
  } else if (d === "all" && last !== null) {
    from = first;
    to = last;
  } else {
    from = first;
    to = last === null ? first + STEP - 1 : Math.min(last, first + STEP - 1);
  }
  return { from, to, oldFrom: from - e.gap.delta };
}

/** The expansion after the rows of `request(e, d)` arrived. */
export function reveal(e: Expansion, d: Direction, rows: DiffRow[], endOfFile: boolean): Expansion {
  // No lines where lines were expected (the file changed under the view): nothing more to show.
  if (rows.length === 0) return { ...e, ended: true };
  if (d === "up") return { ...e, bottom: [...rows, ...e.bottom] };
  return { ...e, top: [...e.top, ...rows], ended: e.ended || (e.gap.to === null && endOfFile) };
}

/** Rows of the block drawn for `e`: revealed rows, with the expander between them while lines hide. */
export type BlockLine = { kind: "row"; row: DiffRow } | { kind: "expander" };

export function blockLines(e: Expansion): BlockLine[] {
  const lines: BlockLine[] = e.top.map((row) => ({ kind: "row", row }));
  if (directions(e).length > 0) lines.push({ kind: "expander" });
  for (const row of e.bottom) lines.push({ kind: "row", row });
  return lines;
}
