import { describe, expect, it } from "vitest";
import { row } from "./fixtures";
import { runMemo, splitLine, splitPlace } from "./split";

const rows = [
  row("hunk", null, null, "@@ -1,4 +1,3 @@"),
  row("context", 1, 1, "a"),
  row("del", 2, null, "b"),
  row("del", 3, null, "c"),
  row("del", 4, null, "d"),
  row("add", null, 2, "B"),
  row("add", null, 3, "C"),
  row("context", 5, 4, "e"),
  row("add", null, 5, "f"),
];
const get = (i: number) => rows[i];
const show = (i: number) => {
  const l = splitLine(i, get, runMemo());
  if (l === undefined) return "?";
  if (l.full) return `full:${l.full.kind}`;
  return `${l.left?.text ?? "_"}|${l.right?.text ?? "_"}`;
};

describe("splitLine", () => {
  it("pairs a block's deletions with its additions and pads the rest, keeping row indexes", () => {
    expect(rows.map((_, i) => show(i))).toEqual(["full:hunk", "a|a", "b|B", "c|C", "d|_", "_|_", "_|_", "e|e", "_|f"]);
  });

  it("draws an addition on the line of the deletion it pairs with", () => {
    expect(rows.map((_, i) => splitPlace(i, get, runMemo()))).toEqual([0, 1, 2, 3, 4, 2, 3, 7, 8]);
  });

  it("waits for rows that are not loaded", () => {
    expect(splitLine(50, get, runMemo())).toBeUndefined();
  });

  it("walks a long block once thanks to the memo", () => {
    const long = Array.from({ length: 50_000 }, (_, i) => row("add", null, i + 1, String(i)));
    const memo = runMemo();
    // Counted reads, not a stopwatch: without the memo, 100 lines in the middle of a 50,000-row
    // block read about 100 x 25,000 rows; with it, the block is walked back to its start once
    // and across once.
    let reads = 0;
    const get = (k: number) => {
      reads++;
      return long[k];
    };
    for (let i = 25_000; i < 25_100; i++) splitLine(i, get, memo);
    expect(reads, "rows read to place 100 lines of one long block").toBeLessThan(3 * 50_000);
    expect(splitLine(25_000, (k) => long[k], memo)?.right?.text).toBe("25000");
  });
});
