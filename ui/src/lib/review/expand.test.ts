import { describe, expect, it } from "vitest";
import {
  STEP,
  blockLines,
  directions,
  expansion,
  gapAbove,
  gapBelow,
  hiddenLines,
  label,
  parseHunk,
  request,
  reveal,
} from "./expand";
import { row } from "./fixtures";

const hunk = (text: string) => row("hunk", null, null, text);
const context = (old: number, neu: number) => row("context", old, neu, `line ${old}`);
/** Context rows new `from..=to`, old = new − delta, as the engine answers them. */
const lines = (from: number, to: number, delta: number) =>
  Array.from({ length: to - from + 1 }, (_, k) => context(from + k - delta, from + k));

describe("hunk headers", () => {
  it("read both starts and counts, a missing count being 1", () => {
    expect(parseHunk("@@ -10,7 +12,8 @@ fn main()")).toEqual({ oldStart: 10, oldCount: 7, newStart: 12, newCount: 8 });
    expect(parseHunk("@@ -3 +3 @@")).toEqual({ oldStart: 3, oldCount: 1, newStart: 3, newCount: 1 });
    expect(parseHunk("not a header")).toBeNull();
  });
});

describe("gaps", () => {
  it("above the first hunk: lines 1 to the hunk's start, only expandable upwards", () => {
    const gap = gapAbove(0, hunk("@@ -48,7 +50,7 @@"), undefined);
    expect(gap).toEqual({ from: 1, to: 49, delta: 2, first: true });
    expect(directions(expansion(gap!))).toEqual(["up"]);
  });

  it("between hunks: from after the row above to before the hunk, both ways when 20 or more hide", () => {
    const gap = gapAbove(9, hunk("@@ -60,7 +62,7 @@"), context(13, 13));
    expect(gap).toEqual({ from: 14, to: 61, delta: 2, first: false });
    const e = expansion(gap!);
    expect(hiddenLines(e)).toBe(48);
    expect(directions(e)).toEqual(["down", "up"]);
    expect(label(e, "up")).toBe(`↑ Expand ${STEP} lines`);
  });

  it("none when the hunks touch, or the row above is not loaded yet", () => {
    expect(gapAbove(0, hunk("@@ -1,3 +1,3 @@"), undefined)).toBeNull();
    expect(gapAbove(7, hunk("@@ -14,3 +14,3 @@"), context(13, 13))).toBeNull();
    expect(gapAbove(7, hunk("@@ -20,3 +20,3 @@"), undefined)).toBeNull();
  });

  it("below the last hunk only after a context row, with no known end", () => {
    expect(gapBelow(context(98, 100))).toEqual({ from: 101, to: null, delta: 2, first: false });
    expect(gapBelow(row("add", null, 100))).toBeNull();
    expect(gapBelow(row("no_newline", null, null))).toBeNull();
  });
});

describe("expanding", () => {
  it("down continues below the hunk above, up grows above the hunk below, old numbers offset", () => {
    let e = expansion({ from: 14, to: 61, delta: 2, first: false });
    const down = request(e, "down");
    expect(down).toEqual({ from: 14, to: 33, oldFrom: 12 });
    e = reveal(e, "down", lines(14, 33, 2), false);
    const up = request(e, "up");
    expect(up).toEqual({ from: 42, to: 61, oldFrom: 40 });
    e = reveal(e, "up", lines(42, 61, 2), false);
    expect(hiddenLines(e)).toBe(8);
    expect(directions(e)).toEqual(["all"]);
    expect(label(e, "all")).toBe("Show 8 hidden lines");
    expect(request(e, "all")).toEqual({ from: 34, to: 41, oldFrom: 32 });
    e = reveal(e, "all", lines(34, 41, 2), false);
    expect(directions(e)).toEqual([]);
    // The block reads top to bottom in line order, with no expander left.
    const news = blockLines(e).map((l) => (l.kind === "row" ? l.row.new : "expander"));
    expect(news).toEqual(Array.from({ length: 48 }, (_, k) => 14 + k));
  });

  it("the block keeps the expander between the revealed edges while lines hide", () => {
    let e = expansion({ from: 1, to: 49, delta: 0, first: true });
    e = reveal(e, "up", lines(30, 49, 0), false);
    const kinds = blockLines(e).map((l) => l.kind);
    expect(kinds[0]).toBe("expander");
    expect(kinds.length).toBe(21);
  });

  it("below the last hunk, down until the file ends", () => {
    let e = expansion({ from: 101, to: null, delta: 2, first: false });
    expect(directions(e)).toEqual(["down"]);
    expect(request(e, "down")).toEqual({ from: 101, to: 120, oldFrom: 99 });
    e = reveal(e, "down", lines(101, 102, 2), true);
    expect(directions(e)).toEqual([]);
    expect(hiddenLines(e)).toBe(0);
  });
});
