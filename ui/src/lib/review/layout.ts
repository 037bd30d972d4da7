// Where the diff's rows sit (UI §4 rule 1, applied to lines): every row has the same height, so a
// row's place is arithmetic; the few blocks drawn between rows (comments, the comment editor) add
// their fixed heights after the row they follow. No measuring, so 50,000 rows cost what 50 do.

/** One block of fixed height drawn after row `after`. Several may follow the same row. */
export interface Gap {
  after: number;
  height: number;
}

/** Gaps merged per row and sorted, with the height of all gaps before each: what the maths reads. */
export interface Gaps {
  rows: number[];
  heights: number[];
  /** `before[i]`: the summed height of gaps after rows earlier than `rows[i]`. */
  before: number[];
  total: number;
}

export function gapsOf(list: readonly Gap[]): Gaps {
  const merged = new Map<number, number>();
  for (const g of list) merged.set(g.after, (merged.get(g.after) ?? 0) + g.height);
  const rows = [...merged.keys()].sort((a, b) => a - b);
  const heights = rows.map((r) => merged.get(r) ?? 0);
  const before: number[] = [];
  let sum = 0;
  for (const h of heights) {
    before.push(sum);
    sum += h;
  }
  return { rows, heights, before, total: sum };
}

export const NO_GAPS: Gaps = gapsOf([]);

/** How many gap rows lie strictly before `row` (binary search). */
function gapsBefore(gaps: Gaps, row: number): number {
  let lo = 0;
  let hi = gaps.rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((gaps.rows[mid] ?? 0) < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The y of row `row`'s top. */
export function rowTop(row: number, rowHeight: number, gaps: Gaps): number {
  const n = gapsBefore(gaps, row);
  const extra = n === 0 ? 0 : (gaps.before[n - 1] ?? 0) + (gaps.heights[n - 1] ?? 0);
  return row * rowHeight + extra;
}

/** The full height of `total` rows with their gaps. */
export function contentHeight(total: number, rowHeight: number, gaps: Gaps): number {
  return total * rowHeight + gaps.total;
}

/** The row at height `y` (a y inside a gap gives the row the gap follows), clamped to the rows. */
export function rowAt(y: number, total: number, rowHeight: number, gaps: Gaps): number {
  if (total <= 0) return 0;
  let lo = 0;
  let hi = total - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (rowTop(mid, rowHeight, gaps) <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The rows to keep in the DOM: those on screen plus `overscan` on each side, as [first, end). */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  total: number,
  rowHeight: number,
  gaps: Gaps,
  overscan: number,
): { first: number; end: number } {
  if (total <= 0) return { first: 0, end: 0 };
  const top = rowAt(Math.max(0, scrollTop), total, rowHeight, gaps);
  const bottom = rowAt(Math.max(0, scrollTop + viewport), total, rowHeight, gaps);
  return { first: Math.max(0, top - overscan), end: Math.min(total, bottom + 1 + overscan) };
}
