// What the PR loop last read of a session's pull request (`SessionRecord.prInfo`, SPEC H4), as the
// row's PR·CI column and the detail panel's "PR & CI" section show it (UI §1.4, §1.6). Pure: the
// clock comes in as `now`, so the panel's tick alone moves "checked 2 min ago".

import type { FailedCheck, PrInfo, PrPart, ReviewDecision } from "../../ipc/bindings";
import { formatAgo, plural } from "../format";

/** The one mark after `#412`, worst first: failing ✕, conflicts ⚠, pending clock, passing ✓. */
export type PrMark = "failing" | "conflicts" | "pending" | "passing";

/**
 * The worst state of the PR's checks and mergeability, or null when there is nothing to say (no
 * checks and no conflict). A failing check outranks a conflict: the agent has to fix the code
 * before a rebase is worth it, and both are "review" (red) in the brief.
 */
export function worstPrMark(info: Pick<PrInfo, "ci" | "mergeable">): PrMark | null {
  if (info.ci === "failing") return "failing";
  if (info.mergeable === "conflicting") return "conflicts";
  if (info.ci === "pending") return "pending";
  if (info.ci === "passing") return "passing";
  return null;
}

/** The mark's words, for its tooltip and for screen readers. */
export function prMarkTitle(mark: PrMark, info: Pick<PrInfo, "failedChecks">): string {
  switch (mark) {
    case "failing": {
      const names = uniqueChecks(info.failedChecks).map((c) => c.name);
      return names.length > 0 ? `CI failing: ${names.join(", ")}` : "CI failing";
    }
    case "conflicts":
      return "Conflicts with the base branch";
    case "pending":
      return "CI running";
    case "passing":
      return "CI passing";
  }
}

/**
 * Whether `info` is about the PR the lifecycle names. The loop reads the PR the lifecycle points
 * at, so they differ only for a moment after a new PR replaced the old one; in that moment the
 * old PR's checks must not be shown as the new one's. A lifecycle that names no PR yet does not
 * contradict anything.
 */
export function prInfoMatches(info: Pick<PrInfo, "number" | "url">, pr: Pick<PrPart, "number" | "url">): boolean {
  if (pr.url !== null && pr.url !== info.url) return false;
  if (pr.number !== null && pr.number !== info.number) return false;
  return true;
}

/** The record's PR info when it is about the lifecycle's PR; null otherwise. */
export function currentPrInfo(record: {
  prInfo?: PrInfo | null;
  lifecycle: { pr: Pick<PrPart, "number" | "url"> };
}): PrInfo | null {
  const info = record.prInfo ?? null;
  if (info === null) return null;
  return prInfoMatches(info, record.lifecycle.pr) ? info : null;
}

/** Failed checks once each (a re-run check can be listed twice), in the order the loop read them. */
export function uniqueChecks(checks: readonly FailedCheck[]): FailedCheck[] {
  const seen = new Set<string>();
  const out: FailedCheck[] = [];
  for (const check of checks) {
    if (seen.has(check.name)) continue;
    seen.add(check.name);
    out.push(check);
  }
  return out;
}

export type PrTone = "review" | "pending" | "merge" | "neutral";

export interface PrCiLine {
  mark: PrMark | null;
  /** "CI failing · 2 checks", "CI running", "CI passing", "no checks". */
  label: string;
  tone: PrTone;
  /** The failing checks, listed first in the section; empty unless CI is failing. */
  checks: FailedCheck[];
}

function ciLine(info: PrInfo): PrCiLine {
  switch (info.ci) {
    case "failing": {
      const checks = uniqueChecks(info.failedChecks);
      const label = checks.length > 0 ? `CI failing · ${plural(checks.length, "check")}` : "CI failing";
      return { mark: "failing", label, tone: "review", checks };
    }
    // Checks listed as failed next to a state that is not failing are an older reading; they
    // are dropped rather than shown under a green or running state.
    case "pending":
      return { mark: "pending", label: "CI running", tone: "pending", checks: [] };
    case "passing":
      return { mark: "passing", label: "CI passing", tone: "merge", checks: [] };
    case "none":
      return { mark: null, label: "no checks", tone: "neutral", checks: [] };
  }
}

const REVIEW: Record<ReviewDecision, { label: string; tone: PrTone }> = {
  approved: { label: "approved", tone: "merge" },
  changes_requested: { label: "changes requested", tone: "review" },
  review_required: { label: "review required", tone: "pending" },
  none: { label: "no review decision", tone: "neutral" },
};

export function reviewLine(review: ReviewDecision): { label: string; tone: PrTone } {
  return REVIEW[review];
}

export interface MergeBlocker {
  /** Picks the icon: triangle-alert for conflicts, message-square for threads (UI §2.3). */
  kind: "conflicts" | "threads";
  text: string;
}

/**
 * What keeps the PR from merging that the CI and review lines do not already say: a conflict
 * with the base branch and review threads nobody resolved.
 */
export function mergeBlockers(info: Pick<PrInfo, "mergeable" | "unresolvedThreads">): MergeBlocker[] {
  const out: MergeBlocker[] = [];
  if (info.mergeable === "conflicting") out.push({ kind: "conflicts", text: "conflicts with the base branch" });
  if (info.unresolvedThreads > 0) {
    out.push({ kind: "threads", text: plural(info.unresolvedThreads, "unresolved thread") });
  }
  return out;
}

/** The merge line when nothing blocks: whether GitHub has worked out mergeability yet. */
function mergeClear(info: Pick<PrInfo, "mergeable">): string {
  return info.mergeable === "mergeable" ? "merges cleanly" : "mergeability not known yet";
}

/** "+120" and "−8" (a real minus sign, as the brief writes it), thousands grouped. */
export function diffParts(info: Pick<PrInfo, "additions" | "deletions">): { add: string; del: string } {
  return {
    add: `+${info.additions.toLocaleString("en-US")}`,
    del: `−${info.deletions.toLocaleString("en-US")}`,
  };
}

export interface PrSection {
  /** "#412". */
  number: string;
  title: string;
  url: string;
  draft: boolean;
  ci: PrCiLine;
  review: { label: string; tone: PrTone };
  /** Empty when nothing blocks the merge; `mergeNote` then says why the line is clear. */
  blockers: MergeBlocker[];
  mergeNote: string;
  diff: { add: string; del: string };
  checkedAt: string;
}

/** The section's content; clock-free, so it is rebuilt only when the record changed. */
export function prSection(info: PrInfo): PrSection {
  const blockers = mergeBlockers(info);
  return {
    number: `#${info.number}`,
    title: info.title.trim() || "(untitled pull request)",
    url: info.url,
    draft: info.draft,
    ci: ciLine(info),
    review: reviewLine(info.review),
    blockers,
    mergeNote: blockers.length > 0 ? "" : mergeClear(info),
    diff: diffParts(info),
    checkedAt: info.checkedAt,
  };
}

/** Past this the reading is stale (UI §2.5: PR data older than 5 min gets a warning tone). */
const STALE_MS = 5 * 60_000;

/** "checked 2 min ago"; stale past five minutes, or when the time cannot be read. */
export function checkedText(checkedAt: string, now: number): { text: string; stale: boolean } {
  const at = Date.parse(checkedAt);
  if (Number.isNaN(at)) return { text: "checked at an unknown time", stale: true };
  return { text: `checked ${formatAgo(now - at)}`, stale: now - at > STALE_MS };
}
