import { describe, expect, it } from "vitest";
import { pendingGlyph, pendingRows, type PendingLike } from "./pending";

const spawn = (over: Partial<PendingLike> = {}): PendingLike => ({
  localId: "l1",
  project: "api",
  sessionKey: null,
  progress: null,
  error: null,
  ...over,
});

describe("pending spawn rows", () => {
  it("is spawning while it runs and errored once a step failed", () => {
    expect(pendingGlyph(spawn({ progress: { step: "worktree", number: 2, total: 7 } }))).toBe("spawning");
    expect(pendingGlyph(spawn({ error: { step: "worktree", message: "branch exists" } }))).toBe("errored");
  });

  it("hides a spawn once its session is in the store, and spawns of other projects in a scope", () => {
    const list = [
      spawn({ localId: "a" }),
      spawn({ localId: "b", sessionKey: "api/api-2" }),
      spawn({ localId: "c", sessionKey: "api/api-3" }),
      spawn({ localId: "d", project: "web" }),
    ];
    const inStore = (k: string) => k === "api/api-2";
    expect(pendingRows(list, inStore, null).map((p) => p.localId), "the real row took over b").toEqual(["a", "c", "d"]);
    expect(pendingRows(list, inStore, "api").map((p) => p.localId), "web's spawn is out of scope").toEqual(["a", "c"]);
  });
});
