import { describe, expect, it } from "vitest";
import { OVERSCAN, revealScrollTop, visibleRange } from "./viewport";

describe("visibleRange", () => {
  it("renders the viewport's items plus the overscan on each side", () => {
    // 32 px items, 320 px viewport scrolled to item 100: items 100..109 are visible.
    const r = visibleRange(3200, 320, 32, 10_000);
    expect(r, "8 above the first visible, 8 past the last").toEqual({ start: 100 - OVERSCAN, end: 110 + OVERSCAN });
  });

  it("clamps at both ends of the list", () => {
    expect(visibleRange(0, 320, 32, 10_000).start, "never before the first item").toBe(0);
    expect(visibleRange(32 * 9_995, 320, 32, 10_000).end, "never past the last item").toBe(10_000);
    expect(visibleRange(0, 320, 32, 3), "a short list renders whole").toEqual({ start: 0, end: 3 });
  });

  it("keeps the window bounded at 10,000 items wherever it is scrolled", () => {
    for (const top of [0, 1234, 160_000, 319_000]) {
      const r = visibleRange(top, 900, 32, 10_000);
      expect(r.end - r.start, `window at ${top}px stays small`).toBeLessThanOrEqual(Math.ceil(900 / 32) + 1 + 2 * OVERSCAN);
    }
  });

  it("renders nothing for an empty list or a scroll past its end", () => {
    expect(visibleRange(0, 500, 32, 0)).toEqual({ start: 0, end: 0 });
    const past = visibleRange(10_000, 500, 32, 5);
    expect(past.end, "a stale scrollTop after the list shrank still renders the tail").toBe(5);
    expect(past.start).toBeLessThan(5);
  });
});

describe("revealScrollTop", () => {
  it("leaves the scroll alone when the item is fully visible", () => {
    expect(revealScrollTop(5, 0, 320, 32)).toBeNull();
  });

  it("scrolls the least distance: up to show an item above, down to show one below", () => {
    expect(revealScrollTop(2, 320, 320, 32), "item above: its top meets the viewport top").toBe(64);
    expect(revealScrollTop(20, 0, 320, 32), "item below: its bottom meets the viewport bottom").toBe(21 * 32 - 320);
  });

  it("keeps an item clear of the sticky header", () => {
    expect(revealScrollTop(10, 320, 320, 32, 32), "item 10 would sit under the sticky header").toBe(320 - 32);
  });
});
