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
  crashFacts,
  operationError,
  sendRestores,
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

describe("cannotReceive", () => {
  it("reads whether the session ended and can come back from the engine's resolution", () => {
    const cleaned = entry({ attention: "done", resolved: { ended: true, restorable: false } });
    expect(cannotReceive(cleaned.record, cleaned.resolved), "the composer says why it is off").toMatch(/cannot be restored/);
    const stopped = entry({ attention: "done", resolved: { ended: true, restorable: true, state: "stopped" } });
    expect(cannotReceive(stopped.record, stopped.resolved), "a send restores a stopped session").toBeNull();
  });
  it("sends to a stopped or crashed session by restoring it, never to a killed one (SPEC F2a)", () => {
    const ended = (state: "stopped" | "crashed" | "done" | "errored") =>
      entry({ attention: "done", resolved: { ended: true, restorable: true, state } });
    for (const state of ["stopped", "crashed"] as const) {
      const e = ended(state);
      expect(sendRestores(e.resolved), `a send restores a ${state} session first`).toBe(true);
      expect(cannotReceive(e.record, e.resolved), `the composer stays open for a ${state} session`).toBeNull();
    }
    for (const state of ["done", "errored"] as const) {
      const e = ended(state);
      expect(sendRestores(e.resolved), `a send never restores a ${state} (killed or failed) session`).toBe(false);
      expect(cannotReceive(e.record, e.resolved), `the composer says to restore a ${state} session first`).toMatch(
        /restores only a stopped or crashed session\. Restore it first/,
      );
    }
    const live = entry();
    expect(sendRestores(live.resolved), "a live session needs no restore").toBe(false);
  });
  it("says up front that a plain process cannot receive messages", () => {
    const live = entry();
    expect(cannotReceive({ runtime: "process" }, live.resolved)).toMatch(/plain process/);
    expect(cannotReceive(live.record, live.resolved), "a tmux session can").toBeNull();
  });
});

describe("crashFacts (SPEC A2a)", () => {
  const at = "2026-11-24T10:00:00Z";
  it("says the exit status and the last lines, trailing blanks dropped", () => {
    const exit = { status: 1, signal: null, lastLines: ["a", "b", "Error: boom", "", " "], at };
    expect(crashFacts(exit, { state: "crashed" })).toEqual({
      status: "exit status 1",
      lastLines: ["a", "b", "Error: boom"],
    });
    expect(crashFacts({ ...exit, signal: "SIGKILL" }, { state: "crashed" })?.status).toBe("signal SIGKILL");
  });
  it("keeps only the last few lines", () => {
    const lastLines = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const facts = crashFacts({ status: null, signal: null, lastLines, at }, { state: "crashed" });
    expect(facts?.lastLines).toEqual(lastLines.slice(-8));
    expect(facts?.status, "an unknown status is not guessed").toBeNull();
  });
  it("is nothing unless the engine resolved a crash", () => {
    expect(crashFacts({ status: 0, signal: null, lastLines: ["bye"], at }, { state: "done" })).toBeNull();
    expect(crashFacts(null, { state: "crashed" }), "a crash without details still shows").toEqual({
      status: null,
      lastLines: [],
    });
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
  it("lists probe failures, and nothing for a healthy session", () => {
    expect(sessionWarnings(entry()), "a healthy session has no warnings").toEqual([]);
    expect(sessionWarnings(entry({ runtime: "probe_failed" }))[0]).toMatch(/probe failed/);
  });
});
