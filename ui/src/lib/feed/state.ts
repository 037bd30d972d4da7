// The one state resolver (UI §1.5, rule 2): maps a session to the glyph, label and tone every
// surface shows, so a row, the detail panel and the tray can never disagree. Ranked: what the
// record says decisively (spawning, asks the user, ended) first, then merge, then live signs the
// agent needs its human, then the PR's review states, then live activity. Live fields not known
// yet read "checking", never "exited" or "unknown" (E5). A wait or block says what it is about
// ("permission", "blocked · rate_limit") through the same chip wording the detail panel explains.
// Ages ("idle 14m") are the view's: this stays pure and clock-free.

import type { Activity, DisplayStatus } from "../../ipc/bindings";
import { reasonChip } from "../detail/activity";
import type { SessionEntry } from "./entry";

export type StateGlyph =
  | "spawning"
  | "working"
  | "idle"
  | "needs_input"
  | "errored"
  | "ci_failing"
  | "changes_requested"
  | "pending"
  | "merge_ready"
  | "stopped"
  | "done"
  | "merged"
  | "checking"
  | "probe_failed";

/** The colour of the glyph; the `--att-*` token of the same name (UI §2.2). */
export type StateTone = "working" | "respond" | "review" | "pending" | "merge" | "neutral";

export interface ResolvedState {
  glyph: StateGlyph;
  label: string;
  tone: StateTone;
}

/** Every display status, kept complete by the compiler: a Record must name every key. */
const DISPLAY_STATUS_SET: Record<DisplayStatus, true> = {
  spawning: true,
  working: true,
  idle: true,
  needs_input: true,
  stuck: true,
  done: true,
  detecting: true,
  killed: true,
  stopped: true,
  cleanup: true,
  errored: true,
  terminated: true,
  merged: true,
  ci_failed: true,
  changes_requested: true,
  review_pending: true,
  approved: true,
  mergeable: true,
  pr_open: true,
};
export const ALL_DISPLAY_STATUSES = Object.keys(DISPLAY_STATUS_SET) as DisplayStatus[];

const state = (glyph: StateGlyph, label: string, tone: StateTone): ResolvedState => ({ glyph, label, tone });

/** States the lifecycle decides whatever the probes say. */
function fromRecord(status: DisplayStatus): ResolvedState | null {
  switch (status) {
    case "spawning":
      return state("spawning", "spawning", "working");
    case "needs_input":
      return state("needs_input", "needs input", "respond");
    case "stuck":
      return state("needs_input", "stuck", "respond");
    case "detecting":
      return state("checking", "detecting", "respond");
    case "errored":
      return state("errored", "errored", "review");
    case "stopped":
      return state("stopped", "stopped · restorable", "neutral");
    case "done":
      return state("done", "done", "neutral");
    case "killed":
      return state("done", "killed", "neutral");
    case "cleanup":
      return state("done", "cleaned up", "neutral");
    case "terminated":
      return state("done", "terminated", "neutral");
    case "merged":
      return state("merged", "merged", "neutral");
    case "working":
    case "idle":
    case "ci_failed":
    case "changes_requested":
    case "review_pending":
    case "approved":
    case "mergeable":
    case "pr_open":
      return null;
  }
}

/** Live activity that means the agent needs its human (SPEC A5's respond-by-activity). */
const NEEDS_HUMAN: Record<"waiting_input" | "blocked" | "exited", ResolvedState> = {
  waiting_input: state("needs_input", "needs input", "respond"),
  blocked: state("errored", "blocked", "review"),
  exited: state("errored", "exited unexpectedly", "review"),
};

type ResolverInput = Pick<SessionEntry, "status" | "attention" | "live" | "enrichment" | "record">;

/**
 * The label refined by what the live activity says the wait is about ("permission", "question",
 * "blocked · rate_limit"), but only when the activity is the one `base` stands for: a record that
 * says "needs input" while the probe says something else keeps its own word.
 */
function withReason(base: ResolvedState, live: ResolverInput["live"], activity: Activity): ResolvedState {
  if (live.activity !== activity) return base;
  const label = reasonChip(live);
  return label === null ? base : { ...base, label };
}

export function resolveState(entry: ResolverInput): ResolvedState {
  const decided = fromRecord(entry.status);
  if (decided !== null) {
    return entry.status === "needs_input" ? withReason(decided, entry.live, "waiting_input") : decided;
  }
  const runtime = entry.record.lifecycle.runtime.state;
  // Terminal by runtime while the session part still says working (A3): the probe saw it end.
  if (entry.attention === "done") {
    return state("done", runtime === "exited" ? "exited" : "ended", "neutral");
  }
  if (entry.status === "mergeable") return state("merge_ready", "merge ready", "merge");
  if (entry.status === "approved") return state("merge_ready", "approved", "merge");
  const activity = entry.live.activity;
  if (activity === "waiting_input" || activity === "blocked" || activity === "exited") {
    return withReason(NEEDS_HUMAN[activity], entry.live, activity);
  }
  if (entry.status === "ci_failed") return state("ci_failing", "CI failing", "review");
  if (entry.status === "changes_requested") return state("changes_requested", "changes requested", "review");
  if (entry.status === "review_pending") return state("pending", "review pending", "pending");
  // working, idle, pr_open: the glyph is the live activity.
  switch (activity) {
    case "active":
      return state("working", "working", "working");
    case "ready":
      return state("idle", "ready", "working");
    case "idle":
      return state("idle", "idle", "working");
    case "unknown":
      return state("probe_failed", "status unavailable", "neutral");
    case null:
      if (runtime === "probe_failed" || entry.enrichment.kind === "failed" || entry.enrichment.kind === "timed_out") {
        return state("probe_failed", "status unavailable", "neutral");
      }
      return state("checking", "checking…", "neutral");
  }
}
