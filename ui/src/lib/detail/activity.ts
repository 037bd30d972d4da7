// What the agent is doing and how Grove knows it, in words (UI §1.6 "Why it needs you", the Live
// section). The engine says the activity, what it is about, where the evidence came from, how far
// to trust it and when it appeared; a person needs one line of that. The row's one word (the reason
// chip) is the engine resolver's `resolved.label`, not decided here.
// Pure and clock-free (`now` is passed in), so every wording is tested.

import type { Activity, ActivitySource, Confidence, LiveFields } from "../../ipc/bindings";
import { formatAgo } from "../format";

export type ActivityInput = Pick<
  LiveFields,
  "activity" | "activitySource" | "activityDetail" | "activityConfidence" | "activitySince" | "agentError"
>;

/** The activity alone in words; "needs input" matches the engine resolver's label for the same state. */
const ACTIVITY_WORDS: Record<Activity, string> = {
  active: "working",
  ready: "ready",
  idle: "idle",
  waiting_input: "needs input",
  blocked: "blocked",
  exited: "exited",
  unknown: "status unavailable",
};

/** Where the evidence came from, said as the user would ("input" is Grove answering for them). */
const SOURCE_WORDS: Record<ActivitySource, string> = {
  hook: "from hook",
  transcript: "from transcript",
  pane: "seen on screen",
  input: "after your reply",
  process: "process check",
  output: "from terminal output",
};

/** Activities that put the session in front of its human: the panel explains why. */
const NEEDS_YOU = new Set<Activity | null>(["waiting_input", "blocked", "exited"]);

export function needsYou(live: Pick<LiveFields, "activity">): boolean {
  return NEEDS_YOU.has(live.activity);
}

/** The activity in words without its detail: "needs input", or "not probed yet" before a probe. */
export function activityWords(activity: Activity | null): string {
  return activity === null ? "not probed yet" : ACTIVITY_WORDS[activity];
}

/** How long ago the evidence appeared ("12 s ago"), or null when the engine gave no (readable) time. */
export function activityAge(live: Pick<LiveFields, "activitySince">, now: number): string | null {
  if (!live.activitySince) return null;
  const at = Date.parse(live.activitySince);
  return Number.isNaN(at) ? null : formatAgo(now - at);
}

/** What the agent is doing: the engine's detail when it has one, else the activity in words. */
function what(live: ActivityInput): string {
  if (live.activityDetail) return live.activityDetail;
  if (live.activity === "blocked" && live.agentError) return `blocked: ${live.agentError}`;
  return activityWords(live.activity);
}

/**
 * The one line saying what the agent is doing and how Grove knows:
 * "waiting for permission to run `cargo test` — from hook, 12 s ago". A low-confidence reading
 * says it is a guess, so a wrong one is not taken as fact.
 */
export function activityLine(live: ActivityInput, now: number): string {
  if (live.activity === null) return activityWords(null);
  const how = [live.activitySource && SOURCE_WORDS[live.activitySource], activityAge(live, now)].filter(Boolean);
  const guess = live.activityConfidence === "low" ? " (a guess)" : "";
  return how.length > 0 ? `${what(live)} — ${how.join(", ")}${guess}` : `${what(live)}${guess}`;
}

export interface ActivityFacts {
  /** The activity in words: "needs input". */
  state: string;
  /** What it is about, when the engine said: "waiting for permission to run `cargo test`". */
  detail: string | null;
  /** The evidence: "from hook · 12 s ago · high confidence"; null when nothing is known of it. */
  evidence: string | null;
}

const CONFIDENCE_WORDS: Record<Confidence, string> = {
  high: "high confidence",
  medium: "medium confidence",
  low: "low confidence (a guess)",
};

/** The activity split into its parts, for the Live section's debugging view. */
export function activityFacts(live: ActivityInput, now: number): ActivityFacts {
  const evidence = [
    live.activitySource && SOURCE_WORDS[live.activitySource],
    activityAge(live, now),
    live.activityConfidence && CONFIDENCE_WORDS[live.activityConfidence],
  ].filter(Boolean);
  return {
    state: activityWords(live.activity),
    detail: live.activityDetail || null,
    evidence: live.activity !== null && evidence.length > 0 ? evidence.join(" · ") : null,
  };
}
