// What the detail panel says about a session beyond the resolved state: its title, whether a
// message can reach it, how its agent died, the freshness of its live data, and the text of an
// operation's outcome. Pure, so the panel only lays these out. What the session *is* (ended,
// restorable, the primary action) is the engine resolver's (`entry.resolved`, SPEC A2a); nothing
// here reads the lifecycle to decide it again.

import type { AgentExit, Enrichment, KeptReason, KillOutcome, Resolved, SessionRecord } from "../../ipc/bindings";
import { formatAge } from "../format";
import type { SessionEntry } from "../feed/entry";

/** Display name, else branch, else id (UI §1.6). */
export function sessionTitle(record: Pick<SessionRecord, "displayName" | "branch" | "id">): string {
  return record.displayName?.trim() || record.branch || record.id;
}

/** "task_in_progress" → "task in progress": the enums read as words. */
export function words(value: string): string {
  return value.replace(/_/g, " ");
}

/**
 * Why a message cannot reach the session, or null when it can (F2a's refusals, said up front): a
 * plain process has no terminal, and of the ended sessions a send restores only a stopped or
 * crashed one; a killed or finished one must be restored by hand first.
 */
export function cannotReceive(
  record: Pick<SessionRecord, "runtime">,
  resolved: Pick<Resolved, "ended" | "restorable" | "state">,
): string | null {
  if (record.runtime === "process") return "This session runs as a plain process, with no terminal to send to.";
  if (resolved.ended && !resolved.restorable) return "This session has ended and cannot be restored.";
  if (resolved.ended && !sendRestores(resolved)) {
    return "This session has ended; a send restores only a stopped or crashed session. Restore it first.";
  }
  return null;
}

/** Whether a send restores the session first (SPEC F2a): only one stopped for a restore or crashed. */
export function sendRestores(resolved: Pick<Resolved, "ended" | "restorable" | "state">): boolean {
  return restoredBySend(resolved) !== null;
}

/** What a send restores first, for the composer's hint: "stopped", "crashed", or null. */
export function restoredBySend(
  resolved: Pick<Resolved, "ended" | "restorable" | "state">,
): "stopped" | "crashed" | null {
  if (!resolved.ended || !resolved.restorable) return null;
  return resolved.state === "stopped" || resolved.state === "crashed" ? resolved.state : null;
}

/** How a crashed agent ended (SPEC A2a): its exit status in words and its last lines, for the panel. */
export interface CrashFacts {
  /** "exit status 1", "signal SIGKILL"; null when the runtime did not say. */
  status: string | null;
  /** The pane's last lines, oldest first, trailing blank lines dropped; at most `CRASH_LINES`. */
  lastLines: string[];
}

/** A few lines are enough to see the error; the terminal has the rest. */
export const CRASH_LINES = 8;

/** What the record says of a crash; null unless the engine resolved the session as crashed. */
export function crashFacts(exit: AgentExit | null | undefined, resolved: Pick<Resolved, "state">): CrashFacts | null {
  if (resolved.state !== "crashed") return null;
  if (!exit) return { status: null, lastLines: [] };
  const status = exit.signal ? `signal ${exit.signal}` : exit.status !== null ? `exit status ${exit.status}` : null;
  const lines = [...exit.lastLines];
  while (lines.length > 0 && (lines[lines.length - 1] ?? "").trim() === "") lines.pop();
  return { status, lastLines: lines.slice(-CRASH_LINES) };
}

/** Statuses whose session is already killed or cleaned up: Kill has nothing left to do. */
const KILLED = new Set(["killed", "cleanup", "merged"]);

export function canKill(entry: Pick<SessionEntry, "status">): boolean {
  return !KILLED.has(entry.status);
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export function keptReasonText(reason: KeptReason): string {
  switch (reason.kind) {
    case "uncommitted_changes":
      return count(reason.entries, "uncommitted change", "uncommitted changes");
    case "unpushed_commits":
      return count(reason.commits, "unpushed commit", "unpushed commits");
    case "not_grove_managed":
      return `${reason.path} is not a worktree Grove made`;
    case "check_failed":
      return `could not check it for work (${reason.error})`;
  }
}

/** Whether discarding would remove something only this worktree holds: that needs a dialog (UI §3.5). */
export function canDiscard(reason: KeptReason): boolean {
  return reason.kind === "uncommitted_changes" || reason.kind === "unpushed_commits" || reason.kind === "check_failed";
}

export function killOutcomeText(outcome: KillOutcome): string {
  switch (outcome.worktree.kind) {
    case "removed":
      return "Killed · worktree removed, branch kept";
    case "missing":
      return "Killed · the worktree was already gone";
    case "kept":
      return `Killed · worktree kept: ${keptReasonText(outcome.worktree.reason)}`;
  }
}

/** "Send failed at deliver: tmux session missing"; the step named when the backend gave one. */
export function operationError(verb: string, error: { message: string; step?: string | null }): string {
  return `${verb} failed${error.step ? ` at ${error.step}` : ""}: ${error.message}`;
}

/** An ISO time as "Nov 24, 10:00 · 4m ago"; unparseable text as it came. */
export function timestamp(iso: string | null, now: number): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const when = new Date(t).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
  const age = formatAge(now - t);
  return `${when} · ${age === "now" ? "now" : `${age} ago`}`;
}

export interface Freshness {
  text: string;
  /** Past UI §2.5's fresh window, or failed: shown in a warning tone. */
  stale: boolean;
}

/** Past this the live data is stale (UI §2.5). */
const STALE_MS = 5 * 60_000;

export function freshness(enrichment: Enrichment, now: number): Freshness {
  switch (enrichment.kind) {
    case "stored":
      return { text: "from the record (not probed yet)", stale: false };
    case "enriched": {
      const age = now - Date.parse(enrichment.at);
      // NaN (an unreadable time) counts as stale: nothing says the data is recent.
      return { text: `enriched ${timestamp(enrichment.at, now)}`, stale: !(age <= STALE_MS) };
    }
    case "failed":
      return { text: `refresh failed ${timestamp(enrichment.at, now)}: ${enrichment.error}`, stale: true };
    case "timed_out":
      return { text: `refresh timed out ${timestamp(enrichment.at, now)}`, stale: true };
  }
}

/** Things wrong with this one session that the resolved state alone does not say. */
export function sessionWarnings(entry: Pick<SessionEntry, "record" | "live" | "enrichment">): string[] {
  const out: string[] = [];
  const lc = entry.record.lifecycle;
  if (entry.live.agentError) out.push(`The agent reported: ${entry.live.agentError}`);
  if (lc.runtime.state === "probe_failed") out.push("The runtime probe failed; its state is unknown until the next pass.");
  // A runtime gone under a live record is the resolver's "crashed", said with the crash itself.
  if (entry.enrichment.kind === "failed") out.push(`Live data could not be refreshed: ${entry.enrichment.error}`);
  if (entry.enrichment.kind === "timed_out") out.push("Live data timed out; the last good values are shown.");
  return out;
}
