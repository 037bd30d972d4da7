// Virtual window arithmetic over fixed-height items (UI §4.1): which items to put in the DOM and
// where to scroll so one is seen. Pure, so it is tested without a browser.

/** Items rendered beyond each edge of the viewport, so a fast scroll does not show blank rows. */
export const OVERSCAN = 8;

export interface Range {
  /** First rendered index. */
  start: number;
  /** One past the last rendered index. */
  end: number;
}

export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  itemHeight: number,
  count: number,
  overscan = OVERSCAN,
): Range {
  if (count === 0 || itemHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.min(count - 1, Math.floor(top / itemHeight));
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / itemHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, Math.max(last, first + 1) + overscan) };
}

/**
 * The scrollTop that brings item `index` fully into view with the least movement, or null when it
 * already is. `reserveTop` is the height the sticky header covers at the top.
 */
export function revealScrollTop(
  index: number,
  scrollTop: number,
  viewportHeight: number,
  itemHeight: number,
  reserveTop = 0,
): number | null {
  const top = index * itemHeight;
  const bottom = top + itemHeight;
  if (top < scrollTop + reserveTop) return Math.max(0, top - reserveTop);
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}
