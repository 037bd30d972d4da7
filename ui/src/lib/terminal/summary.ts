// The ended summary (UI §1.6): what a dead runtime shows instead of a blank terminal. What
// happened and why, when, where the PR stands and what the agent was last seen doing, in words;
// a session running as a plain process says it has no terminal at all.

import type { LiveFields, Resolved, SessionReason, SessionRecord, RuntimeReason } from "../../ipc/bindings";
import { words } from "../detail/facts";
import type { TerminalSubject } from "./settings";
import type { TerminalState } from "./status";

export interface EndedSummary {
  /** "Session terminated", "Agent exited", "No terminal". */
  title: string;
  /** What happened, in a sentence fragment: "killed by hand · tmux session gone". */
  what: string;
  /** When it ended, or last changed (ISO), for `timestamp`; null for a plain process still running. */
  at: string | null;
  /** "PR #412 · merged"; "no PR" when there is none. */
  pr: string;
  /** What the agent was last seen doing, when the probes said. */
  activity: string | null;
  /** When it last did something (ISO), when its files say. */
  activityAt: string | null;
  /** Whether Restore can bring it back (the panel's restore). */
  restorable: boolean;
}

/** Session reasons that end a session, said as a person would. */
const SESSION_REASONS: Partial<Record<SessionReason, string>> = {
  manually_killed: "killed by hand",
  stopped_for_restore: "stopped, can be restored",
  pr_merged: "its PR was merged",
  auto_cleanup: "cleaned up automatically",
  runtime_lost: "exited unexpectedly: its runtime disappeared",
  agent_process_exited: "exited unexpectedly: the agent's process exited",
  probe_failure: "the probes kept failing",
  error_in_process: "the agent hit an error",
  research_complete: "the research is complete",
};

const RUNTIME_REASONS: Partial<Record<RuntimeReason, string>> = {
  tmux_missing: "tmux session gone",
  process_missing: "process gone",
  manual_kill_requested: "runtime killed",
  stopped_for_restore: "runtime stopped",
  pr_merged_cleanup: "runtime cleaned up after the merge",
  auto_cleanup: "runtime cleaned up",
};

function title(record: SessionRecord, status: TerminalState, crashed: boolean): string {
  if (record.runtime === "process") return "No terminal";
  // The engine's word for an end nobody asked for (SPEC A2a).
  if (crashed) return "Exited unexpectedly";
  const lc = record.lifecycle;
  if (lc.session.state === "done") return "Session done";
  if (lc.session.state === "terminated") return "Session terminated";
  if (lc.pr.state === "merged") return "PR merged";
  if (lc.runtime.state === "exited") return "Agent exited";
  if (lc.runtime.state === "missing") return "tmux session gone";
  return status.state === "ended" ? "Terminal ended" : "Session ended";
}

function what(record: SessionRecord, status: TerminalState, ended: boolean): string {
  const lc = record.lifecycle;
  if (record.runtime === "process") {
    return `This session runs as a plain process, with no terminal to show · ${words(lc.session.state)}`;
  }
  const parts: string[] = [];
  // The viewer's own word when the record has not caught up with it yet: the session's reason
  // ("task in progress") would contradict it.
  if (status.state === "ended" && !ended) parts.push(status.reason || "the terminal ended");
  else parts.push(SESSION_REASONS[lc.session.reason] ?? words(lc.session.reason));
  const runtime = RUNTIME_REASONS[lc.runtime.reason];
  if (runtime) parts.push(runtime);
  else if (lc.runtime.state !== "alive") parts.push(`runtime ${words(lc.runtime.state)}`);
  return [...new Set(parts)].join(" · ");
}

function prLine(record: SessionRecord): string {
  const pr = record.lifecycle.pr;
  if (pr.state === "none") return "no PR";
  const name = pr.number === null ? "PR" : `PR #${pr.number}`;
  return pr.state === "open" ? `${name} · open, ${words(pr.reason)}` : `${name} · ${words(pr.state)}`;
}

export function endedSummary(
  record: SessionRecord,
  resolved: Pick<Resolved, "ended" | "restorable" | "state">,
  live: Pick<LiveFields, "activityDetail" | "lastActivityAt" | "info">,
  status: TerminalState,
): EndedSummary {
  const session = record.lifecycle.session;
  const ended = resolved.ended || status.state === "ended";
  return {
    title: title(record, status, resolved.state === "crashed"),
    what: what(record, status, resolved.ended),
    at: ended ? (session.terminatedAt ?? session.lastTransitionAt ?? null) : null,
    pr: prLine(record),
    activity: live.activityDetail || live.info?.summary || null,
    activityAt: live.lastActivityAt,
    restorable: resolved.restorable,
  };
}

/**
 * Whether the terminal area shows the summary rather than a live terminal: a plain process has no
 * terminal, and an ended session has nothing left to attach to (the viewer's own "ended" is
 * shown over the output it already drew; see TerminalPane).
 */
export function showsSummaryOnly(session: TerminalSubject): boolean {
  return session.record.runtime === "process" || session.resolved.ended;
}
