import { describe, expect, it } from "vitest";
import type { LiveFields, Resolved, SessionRecord } from "../../ipc/bindings";
import { feedSession, type SessionSpec } from "../feed/fixtures";
import { endedSummary, showsSummaryOnly } from "./summary";

/** A session as the engine sends it; whether it ended and can come back is the engine's word. */
function session(spec: Omit<SessionSpec, "id">) {
  const s = feedSession({ id: "s1", ...spec });
  return { record: s.view.record as SessionRecord, live: s.view.live as LiveFields, resolved: s.resolved as Resolved };
}
const ended = (restorable: boolean) => ({ attention: "done" as const, resolved: { ended: true, restorable } });

describe("endedSummary", () => {
  it("says what happened, when, the PR and the last activity of a killed session", () => {
    const { record, live, resolved } = session({
      ...ended(true),
      state: "terminated",
      reason: "manually_killed",
      runtime: "missing",
      terminatedAt: "2026-11-24T11:00:00Z",
      pr: { state: "open", reason: "ci_failing", number: 412 },
      activityDetail: "running cargo test",
    });
    record.lifecycle.runtime.reason = "tmux_missing";
    const s = endedSummary(record, resolved, live, { state: "closed" });
    expect(s.title).toBe("Session terminated");
    expect(s.what).toBe("killed by hand · tmux session gone");
    expect(s.at, "the end time, when the record has one").toBe("2026-11-24T11:00:00Z");
    expect(s.pr).toBe("PR #412 · open, ci failing");
    expect(s.activity).toBe("running cargo test");
    expect(s.restorable, "a killed session with an open PR can come back").toBe(true);
  });

  it("names a merged PR and offers no restore once it is cleaned up", () => {
    const { record, live, resolved } = session({
      ...ended(false),
      state: "terminated",
      reason: "pr_merged",
      runtime: "missing",
      lastTransitionAt: "2026-11-24T12:00:00Z",
      pr: { state: "merged", reason: "merged", number: 7 },
    });
    const s = endedSummary(record, resolved, live, { state: "closed" });
    expect(s.title).toBe("Session terminated");
    expect(s.what).toContain("its PR was merged");
    expect(s.at, "without an end time, the last change").toBe("2026-11-24T12:00:00Z");
    expect(s.pr).toBe("PR #7 · merged");
    expect(s.restorable).toBe(false);
  });

  it("leads with the viewer's reason when the terminal ended before the record caught up", () => {
    const { record, live, resolved } = session({});
    const s = endedSummary(record, resolved, live, { state: "ended", reason: "the tmux session exited" });
    expect(s.title).toBe("Terminal ended");
    expect(s.what, "not the record's contradicting 'task in progress'").toBe("the tmux session exited");
    expect(s.at, "when it ended: the record's last change").toBe(record.lifecycle.session.lastTransitionAt);
    expect(s.pr).toBe("no PR");
    expect(s.restorable, "the record still says live: nothing to restore yet").toBe(false);
  });

  it("says a crash is one: nobody asked the agent to end (SPEC A2a)", () => {
    const { record, live } = session({ state: "terminated", reason: "runtime_lost", runtime: "missing" });
    const resolved = { ended: true, restorable: true, state: "crashed" as const };
    const s = endedSummary(record, resolved, live, { state: "closed" });
    expect(s.title).toBe("Exited unexpectedly");
    expect(s.what).toMatch(/^exited unexpectedly: its runtime disappeared/);
    expect(s.restorable).toBe(true);
  });

  it("says a plain process has no terminal", () => {
    const { record, live, resolved } = session({});
    record.runtime = "process";
    const s = endedSummary(record, resolved, live, { state: "closed" });
    expect(s.title).toBe("No terminal");
    expect(s.what).toContain("plain process");
    expect(s.at, "a running process has no end time").toBeNull();
    expect(showsSummaryOnly({ record, resolved })).toBe(true);
  });

  it("shows the summary alone for ended sessions and plain processes, the terminal otherwise", () => {
    expect(showsSummaryOnly(session({}))).toBe(false);
    expect(showsSummaryOnly(session({ runtime: "exited", ...ended(true) })), "ended, as the engine says").toBe(true);
    expect(showsSummaryOnly(session({ state: "done", reason: "research_complete", ...ended(true) }))).toBe(true);
  });
});
