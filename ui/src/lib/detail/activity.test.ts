import { describe, expect, it } from "vitest";
import { activityFacts, activityLine, needsYou, type ActivityInput } from "./activity";

const NOW = Date.parse("2026-11-24T12:00:00Z");
/** An ISO time `ms` before NOW. */
const ago = (ms: number) => new Date(NOW - ms).toISOString();

const PERMISSION = "waiting for permission to run `cargo test`";

function live(over: Partial<ActivityInput> = {}): ActivityInput {
  return {
    activity: "waiting_input",
    activitySource: "hook",
    activityDetail: PERMISSION,
    activityConfidence: "high",
    activitySince: ago(12_000),
    agentError: null,
    ...over,
  };
}

describe("activityLine", () => {
  it.each<[string, Partial<ActivityInput>, string]>([
    ["a permission prompt from a hook", {}, "waiting for permission to run `cargo test` — from hook, 12 s ago"],
    [
      "a question in the transcript",
      { activitySource: "transcript", activityDetail: "asking a question", activitySince: ago(4 * 60_000) },
      "asking a question — from transcript, 4 min ago",
    ],
    [
      "a prompt seen on screen",
      { activitySource: "pane", activityDetail: "on screen: Do you want to proceed?", activityConfidence: "medium" },
      "on screen: Do you want to proceed? — seen on screen, 12 s ago",
    ],
    [
      "Grove's answer",
      { activity: "active", activitySource: "input", activityDetail: "answered from Grove", activitySince: ago(2_000) },
      "answered from Grove — after your reply, just now",
    ],
    [
      "the process check",
      { activity: "exited", activitySource: "process", activityDetail: "the agent's process is gone" },
      "the agent's process is gone — process check, 12 s ago",
    ],
    [
      "a guess from terminal output",
      { activity: "active", activitySource: "output", activityDetail: null, activityConfidence: "low" },
      "working — from terminal output, 12 s ago (a guess)",
    ],
    ["a wait with no detail", { activityDetail: null }, "needs input — from hook, 12 s ago"],
    [
      "a block with the agent's error",
      { activity: "blocked", activityDetail: null, agentError: "rate_limit: slow down" },
      "blocked: rate_limit: slow down — from hook, 12 s ago",
    ],
    ["a block without an error", { activity: "blocked", activityDetail: null }, "blocked — from hook, 12 s ago"],
    ["ready", { activity: "ready", activityDetail: null }, "ready — from hook, 12 s ago"],
    ["idle", { activity: "idle", activityDetail: null }, "idle — from hook, 12 s ago"],
    ["exited, no detail", { activity: "exited", activityDetail: null }, "exited — from hook, 12 s ago"],
    [
      "a failed probe",
      { activity: "unknown", activitySource: null, activityDetail: null, activitySince: null, activityConfidence: null },
      "status unavailable",
    ],
    ["no time of evidence", { activitySince: null }, `${PERMISSION} — from hook`],
    ["an unreadable time", { activitySince: "yesterday-ish" }, `${PERMISSION} — from hook`],
    ["no source", { activitySource: null }, `${PERMISSION} — 12 s ago`],
    ["a guess with nothing else known", { activitySource: null, activitySince: null, activityConfidence: "low" }, `${PERMISSION} (a guess)`],
    ["an empty detail", { activityDetail: "" }, "needs input — from hook, 12 s ago"],
    ["not probed yet", { activity: null, activitySource: null, activityDetail: null, activitySince: null }, "not probed yet"],
  ])("%s", (_, over, expected) => {
    expect(activityLine(live(over), NOW)).toBe(expected);
  });

  it("ages with the clock", () => {
    const l = live({ activitySince: ago(0) });
    expect(activityLine(l, NOW + 12_000)).toBe(`${PERMISSION} — from hook, 12 s ago`);
    expect(activityLine(l, NOW + 61_000)).toBe(`${PERMISSION} — from hook, 1 min ago`);
  });
});

describe("activityFacts", () => {
  it.each<[string, Partial<ActivityInput>, ReturnType<typeof activityFacts>]>([
    [
      "everything known",
      {},
      { state: "needs input", detail: PERMISSION, evidence: "from hook · 12 s ago · high confidence" },
    ],
    [
      "a guess without a detail",
      { activity: "active", activitySource: "output", activityDetail: null, activityConfidence: "low" },
      { state: "working", detail: null, evidence: "from terminal output · 12 s ago · low confidence (a guess)" },
    ],
    [
      "only the activity",
      { activity: "idle", activitySource: null, activityDetail: null, activityConfidence: null, activitySince: null },
      { state: "idle", detail: null, evidence: null },
    ],
    [
      "not probed yet",
      { activity: null, activitySource: null, activityDetail: null, activityConfidence: null, activitySince: null },
      { state: "not probed yet", detail: null, evidence: null },
    ],
  ])("%s", (_, over, expected) => {
    expect(activityFacts(live(over), NOW)).toEqual(expected);
  });
});

describe("needsYou", () => {
  it.each<[ActivityInput["activity"], boolean]>([
    ["waiting_input", true],
    ["blocked", true],
    ["exited", true],
    ["active", false],
    ["ready", false],
    ["idle", false],
    ["unknown", false],
    [null, false],
  ])("%s → %s", (activity, expected) => {
    expect(needsYou({ activity })).toBe(expected);
  });
});
