// The rows of one file's diff, fetched in pages as they scroll into view (`review_file` with
// offset/limit) and kept in a bounded cache, so a 50,000-row change never crosses the IPC at once
// and memory stays flat however far the user scrolls. One instance per file and scope; `dispose`
// drops answers still in flight, so a late page never lands in another file's view.

import type { DiffRow, FileDiff } from "./wire";

/** Rows per request: a few screens, so a page covers a flick of the wheel. */
export const PAGE_ROWS = 200;
/** Pages kept: 64 × 200 rows, far more than any screen; the oldest leave first. */
export const MAX_PAGES = 64;

export type FetchPage = (offset: number, limit: number) => Promise<FileDiff>;

export class RowPages {
  /** Rows in the whole file's diff; null until the first page answered. */
  total: number | null = null;
  /** Why the last page failed, if it did. */
  error: string | null = null;

  readonly #fetch: FetchPage;
  readonly #changed: () => void;
  readonly #size: number;
  readonly #max: number;
  /** Page number → rows; Map order is the order of last use. */
  readonly #pages = new Map<number, DiffRow[]>();
  readonly #inFlight = new Set<number>();
  #disposed = false;

  constructor(fetch: FetchPage, changed: () => void, size = PAGE_ROWS, max = MAX_PAGES) {
    this.#fetch = fetch;
    this.#changed = changed;
    this.#size = size;
    this.#max = max;
  }

  /** Row `index`, when its page is here. */
  get(index: number): DiffRow | undefined {
    return this.#pages.get(Math.floor(index / this.#size))?.[index % this.#size];
  }

  /** Whether the page holding row `index` is cached. */
  has(index: number): boolean {
    return this.#pages.has(Math.floor(index / this.#size));
  }

  /** The cached pages' rows with their indexes, for placing comments at the lines they name. */
  *loaded(): Generator<[number, DiffRow]> {
    for (const [page, rows] of this.#pages) {
      for (let i = 0; i < rows.length; i++) yield [page * this.#size + i, rows[i] as DiffRow];
    }
  }

  get cachedPages(): number {
    return this.#pages.size;
  }

  /** Asks for the pages covering rows [first, end) that are neither cached nor on their way. */
  ensure(first: number, end: number): void {
    if (this.#disposed) return;
    const last = this.total === null ? Math.max(first, end - 1) : Math.min(end, this.total) - 1;
    const from = Math.floor(Math.max(0, first) / this.#size);
    const to = Math.max(from, Math.floor(Math.max(0, last) / this.#size));
    for (let page = from; page <= to; page++) {
      const rows = this.#pages.get(page);
      if (rows !== undefined) {
        // Touch, so the pages on screen are the last to be evicted.
        this.#pages.delete(page);
        this.#pages.set(page, rows);
      } else if (!this.#inFlight.has(page)) {
        void this.#load(page, from, to);
      }
      if (this.total === null) break; // The first answer tells how many pages there are.
    }
  }

  dispose(): void {
    this.#disposed = true;
  }

  async #load(page: number, from: number, to: number): Promise<void> {
    this.#inFlight.add(page);
    try {
      const diff = await this.#fetch(page * this.#size, this.#size);
      if (this.#disposed) return;
      this.total = diff.totalRows;
      this.#pages.set(page, diff.rows);
      this.error = null;
      this.#evict(from, to);
    } catch (e) {
      if (this.#disposed) return;
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.#inFlight.delete(page);
    }
    this.#changed();
  }

  #evict(from: number, to: number): void {
    for (const page of this.#pages.keys()) {
      if (this.#pages.size <= this.#max) return;
      if (page >= from && page <= to) continue;
      this.#pages.delete(page);
    }
  }
}
