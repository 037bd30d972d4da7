import { describe, expect, it } from "vitest";
import { GroveError } from "../../ipc";
import { deferred, settle } from "../testing/promises";
import type { ReviewCalls } from "./api";
import { change, comment, landCheck } from "./fixtures";
import { Review } from "./review.svelte";
import type { DiffScope, DiffSummary, LandOutcome } from "./wire";

function summary(scope: DiffScope, paths: string[], over: Partial<DiffSummary> = {}): DiffSummary {
  return {
    session: "s1",
    scope,
    baseLabel: "main",
    baseCommit: "b",
    headCommit: "h",
    ahead: 1,
    behind: 0,
    uncommitted: 0,
    files: paths.map((p) => change(p)),
    additions: paths.length,
    deletions: 0,
    scopeAvailable: true,
    ...over,
  };
}

function fakeCalls(over: Partial<ReviewCalls> = {}) {
  const log: string[] = [];
  const calls: ReviewCalls = {
    summary: async (_s, scope) => summary(scope, ["a.ts", "b.ts"]),
    file: async () => ({ path: "a.ts", totalRows: 0, offset: 0, rows: [], binary: false, huge: false }),
    context: async (_s, _scope, path) => ({ path, rows: [], endOfFile: true }),
    state: async () => ({ comments: [], viewed: [] }),
    setViewed: async (s, path, viewed) => void log.push(`viewed ${s} ${path} ${viewed}`),
    addComment: async (_s, c) => comment({ id: `c${log.length}`, ...c }),
    deleteComment: async (_s, id) => void log.push(`delete ${id}`),
    sendComments: async () => ({ restored: false }),
    markReviewed: async () => void log.push("reviewed"),
    landCheck: async () => landCheck(),
    land: async (s, r) => {
      log.push(`land ${s} ${JSON.stringify(r)}`);
      return { method: "squash", base: "main", commit: "abc", cleanup: "kept", cleanupNote: null, prUrl: null } as LandOutcome;
    },
    askResolveConflicts: async () => ({ restored: false }),
    ...over,
  };
  return { calls, log };
}

describe("Review", () => {
  it("loads the summary, selects the first file and the land check", async () => {
    const { calls } = fakeCalls();
    const r = new Review(() => "s1", calls);
    await r.refresh();
    expect(r.summary?.files.map((f) => f.path)).toEqual(["a.ts", "b.ts"]);
    expect(r.selected).toBe("a.ts");
    expect(r.check?.base).toBe("main");
  });

  it("asks for the first file's first page with the summary, and hands it to the view once", async () => {
    const asked: string[] = [];
    const { calls } = fakeCalls({
      file: async (_s, scope, path, offset, limit) => {
        asked.push(`${scope} ${path} ${offset} ${limit}`);
        return { path, totalRows: 1, offset, rows: [], binary: false, huge: false };
      },
    });
    const r = new Review(() => "s1", calls);
    await r.refresh();
    expect(asked, "the first page is on its way before any view asks").toEqual(["branch a.ts 0 200"]);
    await r.page("a.ts", 0, 200);
    expect(asked, "the view gets the page already asked for").toHaveLength(1);
    await r.page("a.ts", 0, 200);
    expect(asked, "a second view of the file asks again (the page may be stale)").toHaveLength(2);
    await r.page("b.ts", 0, 200);
    expect(asked.at(-1)).toBe("branch b.ts 0 200");
  });

  it("drops the answer of a scope the user already left", async () => {
    const slow = deferred<DiffSummary>();
    const { calls } = fakeCalls({
      summary: (_s, scope) => (scope === "review" ? slow.promise : Promise.resolve(summary(scope, ["t.ts"]))),
    });
    const r = new Review(() => "s1", calls);
    const first = r.setScope("review");
    const second = r.setScope("turn");
    slow.resolve(summary("review", ["old.ts"]));
    await Promise.all([first, second]);
    expect(r.scope).toBe("turn");
    expect(r.summary?.files.map((f) => f.path)).toEqual(["t.ts"]);
  });

  it("ticks viewed at once and untick it when the engine refuses", async () => {
    const { calls, log } = fakeCalls();
    const r = new Review(() => "s1", calls);
    await r.refresh();
    await r.toggleViewed("a.ts");
    expect(log).toEqual(["viewed s1 a.ts true"]);
    expect(r.file?.viewed).toBe(true);

    const refusing = fakeCalls({ setViewed: async () => Promise.reject(new GroveError("io", "disk full")) });
    const q = new Review(() => "s1", refusing.calls);
    await q.refresh();
    await q.toggleViewed("a.ts");
    expect(q.file?.viewed).toBe(false);
    expect(q.error).toBe("Mark viewed failed: disk full");
  });

  it("adds comments to the batch, sends them, and reports a refused send like the detail panel", async () => {
    let sent = false;
    const { calls } = fakeCalls({
      state: async () => ({ comments: sent ? [comment({ sentAt: "now" })] : [], viewed: [] }),
      sendComments: async () => {
        sent = true;
        return { restored: false };
      },
    });
    const r = new Review(() => "s1", calls);
    await r.refresh();
    expect(await r.addComment({ path: "a.ts", line: 1, endLine: 2, side: "new", body: "why?" })).toBe(true);
    expect(r.unsentCount).toBe(1);
    await r.send();
    expect(r.unsentCount).toBe(0);
    expect(r.note).toBe("1 comment sent to the agent ✓");

    const refused = fakeCalls({
      sendComments: async () => Promise.reject(new GroveError("dialog_open", "the agent shows a permission dialog")),
    });
    const q = new Review(() => "s1", refused.calls);
    await q.addComment({ path: "a.ts", line: 1, endLine: 1, side: "new", body: "x" });
    await q.send();
    expect(q.error).toBe("Send comments failed: the agent shows a permission dialog");
    expect(q.unsentCount).toBe(1);
  });

  it("discards only the unsent comments", async () => {
    const { calls, log } = fakeCalls({
      state: async () => ({ comments: [comment({ id: "a" }), comment({ id: "b", sentAt: "x" }), comment({ id: "c" })], viewed: [] }),
    });
    const r = new Review(() => "s1", calls);
    await r.refresh();
    await r.discard();
    expect(log).toEqual(["delete a", "delete c"]);
  });

  it("lands with the request given, keeps the outcome and refreshes the check", async () => {
    let checks = 0;
    const { calls, log } = fakeCalls({
      landCheck: async () => {
        checks += 1;
        return landCheck();
      },
    });
    const r = new Review(() => "s1", calls);
    await r.refresh();
    await r.land({ method: "rebase", pr: false, commitUncommitted: true });
    await settle();
    expect(log).toEqual(['land s1 {"method":"rebase","pr":false,"commitUncommitted":true}']);
    expect(r.outcome?.commit).toBe("abc");
    expect(checks).toBe(2);
    expect(r.busy).toBeNull();
  });
});
