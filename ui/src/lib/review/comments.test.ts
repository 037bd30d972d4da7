import { describe, expect, it } from "vitest";
import { batchText, inSelection, lineOf, linesLabel, placeComments, selectLine } from "./comments";
import { comment, row } from "./fixtures";

describe("comment selection", () => {
  it("takes the old side for deleted lines and the new side otherwise; hunks have none", () => {
    expect(lineOf(row("del", 7, null), 3)).toEqual({ row: 3, line: 7, side: "old" });
    expect(lineOf(row("context", 7, 9), 3)).toEqual({ row: 3, line: 9, side: "new" });
    expect(lineOf(row("hunk", null, null, "@@ -1 +1 @@"), 0)).toBeNull();
  });

  it("widens with shift-click from the anchor on the same side, either direction", () => {
    const a = selectLine(null, { row: 10, line: 12, side: "new" }, false);
    expect([a.line, a.endLine, a.row]).toEqual([12, 12, 10]);
    const b = selectLine(a, { row: 13, line: 15, side: "new" }, true);
    expect([b.line, b.endLine, b.row]).toEqual([12, 15, 13]);
    const c = selectLine(b, { row: 8, line: 10, side: "new" }, true);
    expect([c.line, c.endLine, c.row]).toEqual([10, 12, 10]);
    // Another side, or no shift, starts over.
    const d = selectLine(c, { row: 9, line: 4, side: "old" }, true);
    expect([d.side, d.line, d.endLine]).toEqual(["old", 4, 4]);
    expect(inSelection(b, row("add", null, 14))).toBe(true);
    expect(inSelection(b, row("del", 14, null))).toBe(false);
    expect(linesLabel(12, 15)).toBe("lines 12–15");
    expect(linesLabel(12, 12)).toBe("line 12");
  });
});

describe("placeComments", () => {
  const rows: [number, ReturnType<typeof row>][] = [
    [0, row("hunk", null, null, "@@")],
    [1, row("context", 1, 1)],
    [2, row("del", 2, null)],
    [3, row("add", null, 2)],
  ];

  it("places a comment after the row of its last line on its side; missing lines go on top", () => {
    const placed = placeComments(
      [
        comment({ id: "new2", side: "new", line: 2, endLine: 2 }),
        comment({ id: "old2", side: "old", line: 2, endLine: 2 }),
        comment({ id: "ctx", side: "new", line: 1, endLine: 1 }),
        comment({ id: "gone", side: "new", line: 90, endLine: 91 }),
      ],
      rows,
      () => 72,
    );
    expect(placed.byRow.get(3)?.map((c) => c.id)).toEqual(["new2"]);
    expect(placed.byRow.get(2)?.map((c) => c.id)).toEqual(["old2"]);
    expect(placed.byRow.get(1)?.map((c) => c.id)).toEqual(["ctx"]);
    expect(placed.byRow.get(-1)?.map((c) => c.id)).toEqual(["gone"]);
    expect(placed.gaps).toContainEqual({ after: -1, height: 72 });
  });
});

describe("batch bar", () => {
  it("counts the unsent comments only", () => {
    expect(batchText([])).toBe("");
    expect(batchText([comment({ sentAt: "2026-12-07T10:00:00Z" })])).toBe("");
    expect(batchText([comment(), comment({ id: "c2" }), comment({ id: "c3" }), comment({ id: "c4", sentAt: "x" })])).toBe(
      "3 comments",
    );
    expect(batchText([comment()])).toBe("1 comment");
  });
});
