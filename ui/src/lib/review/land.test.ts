import { describe, expect, it } from "vitest";
import { landCheck } from "./fixtures";
import { aheadBehind, commitQuestion, formatBytes, landActions, outcomeText } from "./land";

describe("landActions", () => {
  it("waits for the check", () => {
    expect(landActions(null).land).toEqual({ enabled: false, reason: "Checking…" });
  });

  it("lands when nothing blocks, and offers Create PR while there is none", () => {
    const a = landActions(landCheck());
    expect(a.land.enabled).toBe(true);
    expect(a.createPr).toEqual({ enabled: true, reason: null });
    expect(a.mergePr).toBeNull();
  });

  it("says why Land cannot run, joining every blocker but uncommitted work", () => {
    const a = landActions(
      landCheck({
        canLand: false,
        uncommitted: 2,
        blockers: [
          { code: "base_dirty", message: "main has uncommitted changes in the project checkout" },
          { code: "conflicts", message: "2 files conflict with main" },
          { code: "uncommitted", message: "2 uncommitted files" },
        ],
      }),
    );
    expect(a.land).toEqual({
      enabled: false,
      reason: "main has uncommitted changes in the project checkout · 2 files conflict with main",
    });
    expect(a.commitFirst).toBe(0);
  });

  it("lets uncommitted work through to a confirm", () => {
    const a = landActions(
      landCheck({ canLand: false, uncommitted: 3, blockers: [{ code: "uncommitted", message: "3 uncommitted files" }] }),
    );
    expect(a.land.enabled).toBe(true);
    expect(a.commitFirst).toBe(3);
    expect(commitQuestion(3)).toBe("Commit 3 uncommitted files and land?");
    expect(commitQuestion(1)).toBe("Commit 1 uncommitted file and land?");
  });

  it("shows Merge PR once a PR exists, with GitHub's reason when it is not mergeable", () => {
    const pr = { canCreate: false, canMerge: false, why: "checks failing", number: 412, url: "https://x/412" };
    const a = landActions(landCheck({ pr }));
    expect(a.createPr).toBeNull();
    expect(a.mergePr).toEqual({ enabled: false, reason: "checks failing" });
    expect(landActions(landCheck({ pr: { ...pr, canMerge: true, why: null } })).mergePr).toEqual({ enabled: true, reason: null });
    expect(landActions(landCheck({ pr: { ...pr, number: null, why: "gh is not installed" } })).createPr).toEqual({
      enabled: false,
      reason: "gh is not installed",
    });
  });
});

describe("words", () => {
  it("formats sizes on disk", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(812 * 1024)).toBe("812 KB");
    expect(formatBytes(1.4 * 1024 ** 3)).toBe("1.4 GB");
  });

  it("says what a landing did, cleanup included", () => {
    const base = { method: "squash" as const, base: "main", commit: "3f2a9c1".padEnd(40, "0"), prUrl: null };
    expect(outcomeText({ ...base, cleanup: "cleaned", cleanupNote: null })).toBe(
      "Landed into main by squash · 3f2a9c1 · agent stopped, worktree removed",
    );
    expect(outcomeText({ ...base, cleanup: "clean_skipped", cleanupNote: "untracked files in the worktree" })).toBe(
      "Landed into main by squash · 3f2a9c1 · worktree kept: untracked files in the worktree",
    );
    expect(outcomeText({ ...base, method: "squash", prUrl: "https://github.com/o/r/pull/9", cleanup: "kept", cleanupNote: null })).toBe(
      "Landed into main through a pull request · https://github.com/o/r/pull/9 · worktree and agent kept",
    );
    expect(aheadBehind(0, 0)).toBe("up to date");
    expect(aheadBehind(3, 1)).toBe("3 ahead · 1 behind");
  });
});
