import { describe, expect, it } from "vitest";
import type { Activity, AttentionLevel, DisplayStatus, Enrichment, RuntimeState } from "../../ipc/bindings";
import { createEntry } from "./entry";
import { feedSession } from "./fixtures";
import { ALL_DISPLAY_STATUSES, resolveState, type ResolvedState } from "./state";

interface Case {
  attention?: AttentionLevel;
  activity?: Activity | null;
  activityDetail?: string | null;
  agentError?: string | null;
  enrichment?: Enrichment;
  runtime?: RuntimeState;
}

function resolve(status: DisplayStatus, c: Case = {}): ResolvedState {
  const session = feedSession({
    id: "api-1",
    status,
    attention: c.attention ?? "working",
    activity: c.activity === undefined ? "active" : c.activity,
    ...(c.enrichment ? { enrichment: c.enrichment } : {}),
    ...(c.runtime ? { runtime: c.runtime } : {}),
    activityDetail: c.activityDetail ?? null,
    agentError: c.agentError ?? null,
  });
  return resolveState(createEntry("api/api-1", session));
}

/** Each status as the engine sends it (with its attention level), probed and active. */
const BY_STATUS: Record<DisplayStatus, [AttentionLevel, ResolvedState]> = {
  spawning: ["working", { glyph: "spawning", label: "spawning", tone: "working" }],
  working: ["working", { glyph: "working", label: "working", tone: "working" }],
  idle: ["working", { glyph: "working", label: "working", tone: "working" }],
  needs_input: ["respond", { glyph: "needs_input", label: "needs input", tone: "respond" }],
  stuck: ["respond", { glyph: "needs_input", label: "stuck", tone: "respond" }],
  done: ["done", { glyph: "done", label: "done", tone: "neutral" }],
  detecting: ["respond", { glyph: "checking", label: "detecting", tone: "respond" }],
  killed: ["done", { glyph: "done", label: "killed", tone: "neutral" }],
  stopped: ["done", { glyph: "stopped", label: "stopped · restorable", tone: "neutral" }],
  cleanup: ["done", { glyph: "done", label: "cleaned up", tone: "neutral" }],
  errored: ["respond", { glyph: "errored", label: "errored", tone: "review" }],
  terminated: ["done", { glyph: "done", label: "terminated", tone: "neutral" }],
  merged: ["done", { glyph: "merged", label: "merged", tone: "neutral" }],
  ci_failed: ["review", { glyph: "ci_failing", label: "CI failing", tone: "review" }],
  changes_requested: ["review", { glyph: "changes_requested", label: "changes requested", tone: "review" }],
  review_pending: ["pending", { glyph: "pending", label: "review pending", tone: "pending" }],
  approved: ["merge", { glyph: "merge_ready", label: "approved", tone: "merge" }],
  mergeable: ["merge", { glyph: "merge_ready", label: "merge ready", tone: "merge" }],
  pr_open: ["working", { glyph: "working", label: "working", tone: "working" }],
};

const LIVE_WORKING_STATUSES: DisplayStatus[] = ["working", "idle", "pr_open"];

describe("resolveState (UI §1.5)", () => {
  it("knows every display status", () => {
    expect(ALL_DISPLAY_STATUSES.length, "the list and the table cover the same statuses").toBe(
      Object.keys(BY_STATUS).length,
    );
    for (const status of ALL_DISPLAY_STATUSES) {
      const [attention, expected] = BY_STATUS[status];
      expect(resolve(status, { attention }), `status ${status}`).toEqual(expected);
    }
  });

  it("shows checking, never exited or unknown, for a session not probed yet (E5)", () => {
    for (const status of LIVE_WORKING_STATUSES) {
      const state = resolve(status, { activity: null, enrichment: { kind: "stored" } });
      expect(state, `unprobed ${status}`).toEqual({ glyph: "checking", label: "checking…", tone: "neutral" });
    }
    for (const status of ALL_DISPLAY_STATUSES) {
      const [attention] = BY_STATUS[status];
      const { label } = resolve(status, { attention, activity: null, enrichment: { kind: "stored" } });
      expect(label, `unprobed ${status} must not claim an end it has no evidence of`).not.toMatch(/exited|unknown/);
    }
  });

  it("shows probe failed when the probe failed or timed out", () => {
    const at = "2026-11-24T12:00:00Z";
    const cases: Case[] = [
      { activity: "unknown", enrichment: { kind: "timed_out", at } },
      { activity: null, enrichment: { kind: "failed", at, error: "tmux: EAGAIN" } },
      { activity: null, runtime: "probe_failed" },
    ];
    for (const c of cases) {
      expect(resolve("working", c).glyph, JSON.stringify(c)).toBe("probe_failed");
    }
  });

  it("draws working, idle and pr_open from live activity", () => {
    const table: [Activity, ResolvedState][] = [
      ["active", { glyph: "working", label: "working", tone: "working" }],
      ["ready", { glyph: "idle", label: "ready", tone: "working" }],
      ["idle", { glyph: "idle", label: "idle", tone: "working" }],
      ["waiting_input", { glyph: "needs_input", label: "needs input", tone: "respond" }],
      ["blocked", { glyph: "errored", label: "blocked", tone: "review" }],
      ["exited", { glyph: "errored", label: "exited unexpectedly", tone: "review" }],
      ["unknown", { glyph: "probe_failed", label: "status unavailable", tone: "neutral" }],
    ];
    for (const status of LIVE_WORKING_STATUSES) {
      for (const [activity, expected] of table) {
        expect(resolve(status, { activity }), `${status} with activity ${activity}`).toEqual(expected);
      }
    }
  });

  it("says what a wait or a block is about (UI §1.4 reason chip)", () => {
    const table: [DisplayStatus, AttentionLevel, Case, ResolvedState][] = [
      [
        "working",
        "respond",
        { activity: "waiting_input", activityDetail: "waiting for permission to run `cargo test`" },
        { glyph: "needs_input", label: "permission", tone: "respond" },
      ],
      [
        "working",
        "respond",
        { activity: "waiting_input", activityDetail: "asking a question" },
        { glyph: "needs_input", label: "question", tone: "respond" },
      ],
      [
        "pr_open",
        "respond",
        { activity: "waiting_input", activityDetail: "waiting for approval of its plan" },
        { glyph: "needs_input", label: "question", tone: "respond" },
      ],
      [
        "ci_failed",
        "respond",
        { activity: "waiting_input", activityDetail: "on screen: Do you want to proceed?" },
        { glyph: "needs_input", label: "needs input", tone: "respond" },
      ],
      [
        "working",
        "respond",
        { activity: "blocked", agentError: "rate_limit: You have hit your limit" },
        { glyph: "errored", label: "blocked · rate_limit", tone: "review" },
      ],
      [
        "working",
        "respond",
        { activity: "exited", activityDetail: "the agent's process is gone" },
        { glyph: "errored", label: "exited unexpectedly", tone: "review" },
      ],
      // The record's own needs-input takes the live reason only when the probe agrees it waits.
      [
        "needs_input",
        "respond",
        { activity: "waiting_input", activityDetail: "waiting for permission to edit src/main.rs" },
        { glyph: "needs_input", label: "permission", tone: "respond" },
      ],
      [
        "needs_input",
        "respond",
        { activity: "blocked", agentError: "rate_limit: slow down" },
        { glyph: "needs_input", label: "needs input", tone: "respond" },
      ],
      [
        "stuck",
        "respond",
        { activity: "waiting_input", activityDetail: "waiting for permission to run `ls`" },
        { glyph: "needs_input", label: "stuck", tone: "respond" },
      ],
      // A working agent's detail is not a reason: the healthy label stays quiet.
      [
        "working",
        "working",
        { activity: "active", activityDetail: "running `cargo test`" },
        { glyph: "working", label: "working", tone: "working" },
      ],
    ];
    for (const [status, attention, c, expected] of table) {
      expect(resolve(status, { attention, ...c }), `${status} with ${JSON.stringify(c)}`).toEqual(expected);
    }
  });

  it("ranks merge above an agent waiting, and an agent waiting above review", () => {
    expect(resolve("mergeable", { attention: "merge", activity: "waiting_input" }).glyph).toBe("merge_ready");
    expect(resolve("ci_failed", { attention: "respond", activity: "waiting_input" }).glyph).toBe("needs_input");
  });

  it("shows an ended session as ended when only its runtime says so (A3)", () => {
    expect(resolve("working", { attention: "done", runtime: "exited" })).toEqual({
      glyph: "done",
      label: "exited",
      tone: "neutral",
    });
    expect(resolve("mergeable", { attention: "done", runtime: "missing" }).label, "terminal outranks merge").toBe(
      "ended",
    );
  });
});
