import { describe, expect, it } from "vitest";
import type { KillOutcome, SessionRecord } from "../../ipc/bindings";
import { createEntry } from "../feed/entry";
import { feedSession, type SessionSpec } from "../feed/fixtures";
import {
  canDiscard,
  canKill,
  cannotReceive,
  freshness,
  keptReasonText,
  killOutcomeText,
  operationError,
  primaryAction,
  sessionTitle,
  sessionWarnings,
} from "./facts";

const entry = (spec: Partial<SessionSpec> = {}) => createEntry("api/api-1", feedSession({ id: "api-1", ...spec }));
const rec = (spec: Partial<SessionSpec> = {}): SessionRecord => entry(spec).record;

describe("sessionTitle", () => {
  it("prefers display name, then branch, then id", () => {
    const r = rec();
    expect(sessionTitle({ ...r, displayName: "Fix auth" })).toBe("Fix auth");
    expect(sessionTitle({ ...r, displayName: "  " }), "a blank name falls back to the branch").toBe("session/api-1");
    expect(sessionTitle({ ...r, displayName: null, branch: "" })).toBe("api-1");
  });
});

describe("primaryAction", () => {
  it("offers Reply to a live session", () => {
    expect(primaryAction(rec())).toBe("reply");
  });
  it("offers Restore to a stopped or killed session", () => {
    expect(primaryAction(rec({ state: "terminated", reason: "stopped_for_restore", runtime: "exited" }))).toBe("restore");
    expect(primaryAction(rec({ state: "terminated", reason: "manually_killed", runtime: "exited" }))).toBe("restore");
    expect(primaryAction(rec({ runtime: "missing" })), "a lost runtime is restorable").toBe("restore");
  });
  it("offers nothing for a merged and cleaned-up session", () => {
    const r = rec({ state: "terminated", reason: "pr_merged", pr: { state: "merged", reason: "merged" } });
    expect(primaryAction(r), "nothing is left to resume").toBeNull();
    expect(cannotReceive(r), "the composer says why it is off").toMatch(/cannot be restored/);
  });
  it("says up front that a plain process cannot receive messages", () => {
    expect(cannotReceive({ ...rec(), runtime: "process" })).toMatch(/plain process/);
    expect(cannotReceive(rec()), "a tmux session can").toBeNull();
  });
});

describe("kill outcomes", () => {
  const outcome = (worktree: KillOutcome["worktree"]): KillOutcome => ({ record: rec(), worktree });
  it("names what was kept and why", () => {
    expect(killOutcomeText(outcome({ kind: "kept", reason: { kind: "uncommitted_changes", entries: 3 } }))).toBe(
      "Killed · worktree kept: 3 uncommitted changes",
    );
    expect(keptReasonText({ kind: "unpushed_commits", commits: 1 })).toBe("1 unpushed commit");
    expect(killOutcomeText(outcome({ kind: "removed" }))).toMatch(/worktree removed/);
  });
  it("offers discarding only for work Grove could remove", () => {
    expect(canDiscard({ kind: "uncommitted_changes", entries: 1 }), "uncommitted work can be discarded").toBe(true);
    expect(canDiscard({ kind: "not_grove_managed", path: "/x" }), "a foreign path is never removed").toBe(false);
  });
  it("hides Kill once a session is killed or cleaned up", () => {
    expect(canKill({ status: "killed" })).toBe(false);
    expect(canKill({ status: "stopped" }), "a stopped session can still be killed").toBe(true);
  });
});

describe("operationError", () => {
  it("names the step when there is one", () => {
    expect(operationError("Send", { message: "tmux session missing", step: "deliver" })).toBe(
      "Send failed at deliver: tmux session missing",
    );
    expect(operationError("Restore", { message: "boom", step: null })).toBe("Restore failed: boom");
  });
});

describe("freshness and warnings", () => {
  const now = Date.parse("2026-11-24T10:10:00Z");
  it("marks failed, timed out and old data as stale", () => {
    expect(freshness({ kind: "stored" }, now).stale, "stored values are not stale").toBe(false);
    expect(freshness({ kind: "enriched", at: "2026-11-24T10:09:50Z" }, now).stale, "10 s old is fresh").toBe(false);
    expect(freshness({ kind: "enriched", at: "2026-11-24T10:00:00Z" }, now).stale, "10 min old is stale").toBe(true);
    const failed = freshness({ kind: "failed", at: "2026-11-24T10:09:00Z", error: "gh rate limited" }, now);
    expect(failed.stale).toBe(true);
    expect(failed.text, "the failure says why").toMatch(/gh rate limited/);
  });
  it("lists probe failures and a lost runtime, and nothing for a healthy session", () => {
    expect(sessionWarnings(entry()), "a healthy session has no warnings").toEqual([]);
    expect(sessionWarnings(entry({ runtime: "probe_failed" }))[0]).toMatch(/probe failed/);
    expect(sessionWarnings(entry({ runtime: "missing" }))[0]).toMatch(/tmux session is gone/);
  });
});
