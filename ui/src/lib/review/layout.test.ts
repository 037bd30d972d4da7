import { describe, expect, it } from "vitest";
import { contentHeight, gapsOf, NO_GAPS, rowAt, rowTop, visibleRange } from "./layout";

describe("row layout", () => {
  it("places rows by arithmetic without gaps", () => {
    expect(rowTop(10, 20, NO_GAPS)).toBe(200);
    expect(rowAt(205, 100, 20, NO_GAPS)).toBe(10);
    expect(contentHeight(50_000, 20, NO_GAPS)).toBe(1_000_000);
  });

  it("moves rows after a gap down by its height, and merges gaps after the same row", () => {
    const gaps = gapsOf([
      { after: 5, height: 72 },
      { after: 5, height: 72 },
      { after: 9, height: 128 },
    ]);
    expect(rowTop(5, 20, gaps)).toBe(100);
    expect(rowTop(6, 20, gaps)).toBe(120 + 144);
    expect(rowTop(10, 20, gaps)).toBe(200 + 144 + 128);
    expect(contentHeight(20, 20, gaps)).toBe(400 + 272);
    // A y inside a gap belongs to the row it follows.
    expect(rowAt(150, 20, 20, gaps)).toBe(5);
    expect(rowAt(264, 20, 20, gaps)).toBe(6);
  });

  it("puts a gap after row −1 above the first row", () => {
    const gaps = gapsOf([{ after: -1, height: 72 }]);
    expect(rowTop(0, 20, gaps)).toBe(72);
    expect(rowAt(10, 5, 20, gaps)).toBe(0);
  });

  it("keeps only the rows on screen plus the overscan, clamped to the file", () => {
    expect(visibleRange(0, 600, 50_000, 20, NO_GAPS, 12)).toEqual({ first: 0, end: 43 });
    expect(visibleRange(500_000, 600, 50_000, 20, NO_GAPS, 12)).toEqual({ first: 24_988, end: 25_043 });
    expect(visibleRange(999_400, 600, 50_000, 20, NO_GAPS, 12)).toEqual({ first: 49_958, end: 50_000 });
    expect(visibleRange(0, 600, 0, 20, NO_GAPS, 12)).toEqual({ first: 0, end: 0 });
    expect(visibleRange(0, 600, 1, 20, NO_GAPS, 12)).toEqual({ first: 0, end: 1 });
  });

  it("finds the right rows on a 50,000-row file with many gaps", () => {
    // A stopwatch here would only measure the machine: the figure that matters is the scroll in
    // the real window (tests/e2e/measure_review.rs). This checks the search against a walk.
    const list = Array.from({ length: 500 }, (_, i) => ({ after: i * 100, height: 72 }));
    const gaps = gapsOf(list);
    const topOf = (row: number) => row * 20 + list.filter((g) => g.after < row).length * 72;
    for (let y = 0; y < 1_000_000; y += 9_973) {
      const { first } = visibleRange(y, 800, 50_000, 20, gaps, 0);
      expect(topOf(first), `row ${first} starts at or above ${y}`).toBeLessThanOrEqual(y);
      expect(topOf(first) + 20 + (list.some((g) => g.after === first) ? 72 : 0), `row ${first} reaches ${y}`).toBeGreaterThan(y);
    }
  });
});
