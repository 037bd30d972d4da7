// Comments on diff lines (SPEC K3, UI §1.12): which line a click names, how shift-click widens
// it into a range, where each comment is drawn among the rows, and the batch bar's words.

import { plural } from "../format";
import type { Gap } from "./layout";
import type { Comment, CommentSide, DiffRow } from "./wire";

/** A line the user clicked: its row in the diff, its number and the side it belongs to. */
export interface LineRef {
  row: number;
  line: number;
  side: CommentSide;
}

/** The lines a new comment covers; the editor opens under `row`, the last row of the range. */
export interface LineSelection {
  side: CommentSide;
  line: number;
  endLine: number;
  /** Where the range started: shift-click extends from here. */
  anchor: LineRef;
  row: number;
}

/** The line a row offers for comments: deleted lines are on the old side, the rest on the new. */
export function lineOf(row: DiffRow, index: number, side?: CommentSide): LineRef | null {
  if (row.kind === "hunk" || row.kind === "no_newline") return null;
  const pick: CommentSide = side ?? (row.kind === "del" ? "old" : "new");
  const line = pick === "old" ? row.old : row.new;
  return line === null ? null : { row: index, line, side: pick };
}

/** A click selects one line; a shift-click on the same side widens from the anchor to the click. */
export function selectLine(current: LineSelection | null, ref: LineRef, shift: boolean): LineSelection {
  if (!shift || current === null || current.side !== ref.side) {
    return { side: ref.side, line: ref.line, endLine: ref.line, anchor: ref, row: ref.row };
  }
  const a = current.anchor;
  return {
    side: ref.side,
    line: Math.min(a.line, ref.line),
    endLine: Math.max(a.line, ref.line),
    anchor: a,
    row: Math.max(a.row, ref.row),
  };
}

/** Whether `row`'s line is inside the selection (for its highlight). */
export function inSelection(sel: LineSelection | null, row: DiffRow): boolean {
  if (sel === null) return false;
  const line = sel.side === "old" ? (row.kind === "add" ? null : row.old) : row.kind === "del" ? null : row.new;
  return line !== null && line >= sel.line && line <= sel.endLine;
}

/** "line 12" or "lines 12–14". */
export function linesLabel(line: number, endLine: number): string {
  return endLine > line ? `lines ${line}–${endLine}` : `line ${line}`;
}

export const unsent = (comments: readonly Comment[]): Comment[] => comments.filter((c) => c.sentAt === null);

/** The batch bar's count: "3 comments"; empty when nothing waits to be sent. */
export function batchText(comments: readonly Comment[]): string {
  const n = unsent(comments).length;
  return n === 0 ? "" : plural(n, "comment");
}

/** A file's comments placed after the rows of their last line; those whose line is not among the rows go on top (`after: -1`). */
export interface Placed {
  byRow: Map<number, Comment[]>;
  gaps: Gap[];
}

/**
 * Places `comments` of one file among the loaded `rows`: a comment follows the row whose line on
 * its side is its `endLine`. A comment whose line is not found yet (a page not loaded, or an
 * outdated line) waits at the top while `complete` is false and stays there once all rows are in.
 */
export function placeComments(
  comments: readonly Comment[],
  rows: Iterable<[number, DiffRow]>,
  blockHeight: (c: Comment) => number,
  /** The drawn line of a row: the row's index in the unified view, its split line in the split view. */
  place: (index: number, row: DiffRow) => number = (index) => index,
): Placed {
  const wanted = new Map<string, Comment[]>();
  for (const c of comments) {
    const k = `${c.side}:${c.endLine}`;
    wanted.set(k, [...(wanted.get(k) ?? []), c]);
  }
  const byRow = new Map<number, Comment[]>();
  if (wanted.size > 0) {
    for (const [index, row] of rows) {
      for (const side of ["new", "old"] as const) {
        const ref = lineOf(row, index, side);
        if (ref === null || (side === "new" && row.kind === "del") || (side === "old" && row.kind === "add")) continue;
        const k = `${side}:${ref.line}`;
        const found = wanted.get(k);
        if (found === undefined) continue;
        wanted.delete(k);
        const at = place(index, row);
        byRow.set(at, [...(byRow.get(at) ?? []), ...found]);
      }
    }
  }
  const top = [...wanted.values()].flat();
  if (top.length > 0) byRow.set(-1, top);
  const gaps = [...byRow].map(([after, list]) => ({
    after,
    height: list.reduce((h, c) => h + blockHeight(c), 0),
  }));
  return { byRow, gaps };
}
