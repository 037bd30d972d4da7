import { describe, expect, it } from "vitest";
import { deferred, settle } from "../testing/promises";
import { row } from "./fixtures";
import { RowPages } from "./pages";
import type { FileDiff } from "./wire";

function file(total: number) {
  const asked: number[] = [];
  const answers = new Map<number, ReturnType<typeof deferred<FileDiff>>>();
  const fetch = (offset: number, limit: number) => {
    asked.push(offset);
    const d = deferred<FileDiff>();
    answers.set(offset, d);
    return d.promise;
  };
  const answer = (offset: number, limit = 10) => {
    const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, k) =>
      row("add", null, offset + k + 1, `line ${offset + k + 1}`),
    );
    answers.get(offset)?.resolve({ path: "a.ts", totalRows: total, offset, rows, binary: false, huge: false });
  };
  return { asked, fetch, answer, answers };
}

describe("RowPages", () => {
  it("asks for the first page alone until the total is known, then for the pages in view", async () => {
    const f = file(95);
    let changes = 0;
    const pages = new RowPages(f.fetch, () => changes++, 10, 4);
    pages.ensure(0, 30);
    pages.ensure(0, 30);
    expect(f.asked).toEqual([0]);
    f.answer(0);
    await settle();
    expect(pages.total).toBe(95);
    expect(pages.get(3)?.new).toBe(4);
    expect(changes).toBe(1);
    pages.ensure(0, 30);
    expect(f.asked).toEqual([0, 10, 20]);
    // Past the end nothing more is asked.
    pages.ensure(80, 200);
    expect(f.asked).toEqual([0, 10, 20, 80, 90]);
  });

  it("keeps a bounded number of pages, evicting the least recently used outside the view", async () => {
    const f = file(1000);
    const pages = new RowPages(f.fetch, () => {}, 10, 3);
    pages.ensure(0, 1);
    f.answer(0);
    await settle();
    for (const first of [10, 20, 30, 40]) {
      pages.ensure(first, first + 10);
      f.answer(first);
      await settle();
    }
    expect(pages.cachedPages).toBe(3);
    expect(pages.has(0)).toBe(false);
    expect(pages.has(40)).toBe(true);
  });

  it("drops answers that arrive after dispose, and reports a failed page", async () => {
    const f = file(50);
    let changes = 0;
    const pages = new RowPages(f.fetch, () => changes++, 10, 3);
    pages.ensure(0, 1);
    pages.dispose();
    f.answer(0);
    await settle();
    expect(pages.total).toBeNull();
    expect(changes).toBe(0);

    const g = file(50);
    const failing = new RowPages(g.fetch, () => changes++, 10, 3);
    failing.ensure(0, 1);
    g.answers.get(0)?.reject(new Error("git diff failed"));
    await settle();
    expect(failing.error).toBe("git diff failed");
  });

  it("lists the loaded rows with their indexes", async () => {
    const f = file(15);
    const pages = new RowPages(f.fetch, () => {}, 10, 3);
    pages.ensure(0, 1);
    f.answer(0);
    await settle();
    pages.ensure(0, 15);
    f.answer(10);
    await settle();
    expect([...pages.loaded()].map(([i, r]) => `${i}:${r.new}`).slice(9, 12)).toEqual(["9:10", "10:11", "11:12"]);
  });
});
