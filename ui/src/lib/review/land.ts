// What the land actions may do and, when they may not, why (SPEC K4-K6, UI §1.12): each button
// carries its reason as visible text and title; uncommitted work alone does not block Land, it
// asks "Commit N uncommitted files and land?" first.

import { plural } from "../format";
import type { LandCheck, LandOutcome } from "./wire";

export interface Action {
  enabled: boolean;
  /** Why not, when disabled; shown next to the button and as its title. */
  reason: string | null;
}

export interface LandActions {
  land: Action;
  /** Uncommitted files Land would commit first (after a confirm); 0 when none. */
  commitFirst: number;
  /** Create PR, shown while no PR exists. */
  createPr: Action | null;
  /** Merge PR, shown once a PR exists. */
  mergePr: Action | null;
}

const CHECKING: Action = { enabled: false, reason: "Checking…" };

export function landActions(check: LandCheck | null): LandActions {
  if (check === null) return { land: CHECKING, commitFirst: 0, createPr: null, mergePr: null };
  const blocking = check.blockers.filter((b) => b.code !== "uncommitted");
  const land: Action =
    blocking.length > 0
      ? { enabled: false, reason: blocking.map((b) => b.message).join(" · ") }
      : { enabled: true, reason: null };
  const { pr } = check;
  const exists = pr.number !== null;
  return {
    land,
    commitFirst: blocking.length === 0 ? check.uncommitted : 0,
    createPr: exists ? null : { enabled: pr.canCreate, reason: pr.canCreate ? null : (pr.why ?? "Cannot create a PR") },
    mergePr: exists ? { enabled: pr.canMerge, reason: pr.canMerge ? null : (pr.why ?? "Not mergeable yet") } : null,
  };
}

/** The confirm asked before landing with uncommitted work. */
export function commitQuestion(n: number): string {
  return `Commit ${plural(n, "uncommitted file")} and land?`;
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** A size on disk: "0 B", "812 KB", "1.4 GB" (powers of 1024, one decimal under 10). */
export function formatBytes(bytes: number): string {
  let n = Math.max(0, bytes);
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || n >= 10 ? 0 : 1;
  return `${n.toFixed(digits)} ${UNITS[unit]}`;
}

const CLEANUP: Record<LandOutcome["cleanup"], string> = {
  kept: "worktree and agent kept",
  stopped: "agent stopped, worktree kept",
  cleaned: "agent stopped, worktree removed",
  clean_skipped: "worktree kept",
};

/** What a landing did, in one line: "Landed into main by squash · 3f2a9c1 · agent stopped, worktree removed". */
export function outcomeText(o: LandOutcome): string {
  const how = o.prUrl ? "through a pull request" : `by ${o.method}`;
  const commit = o.prUrl ?? (/^[0-9a-f]{40}$/.test(o.commit) ? o.commit.slice(0, 7) : o.commit);
  const cleanup = CLEANUP[o.cleanup] + (o.cleanupNote ? `: ${o.cleanupNote}` : "");
  return `Landed into ${o.base} ${how} · ${commit} · ${cleanup}`;
}

/** "3 ahead · 1 behind" with zero parts left out; "up to date" when both are zero. */
export function aheadBehind(ahead: number, behind: number): string {
  const parts = [ahead > 0 ? `${ahead} ahead` : "", behind > 0 ? `${behind} behind` : ""].filter(Boolean);
  return parts.length === 0 ? "up to date" : parts.join(" · ");
}
