// What the UI shows about a session's PR beyond the record (SPEC E4, ao-domain §4.12).
//
// The record's lifecycle holds only the PR's identity and one reason. Title, checks and diff size
// come from PR enrichment (`setPrDetails` on the store), never from the feed, so a feed update must
// not wipe them while the PR is the same; only a different PR, or newer details, replace them.
// CI, review and mergeability follow the incoming lifecycle wherever its reason decides them,
// because incoming lifecycle always wins (E4).

import type { PrPart, PrReason } from "../../ipc/bindings";

export type CiState = "passing" | "failing" | "pending" | "unknown";
export type ReviewDecision = "approved" | "changes_requested" | "review_pending" | "none" | "unknown";

export interface PrCheck {
  name: string;
  state: "passing" | "failing" | "pending";
  url: string | null;
}

/** One answer of PR enrichment (gh), for the PR it names. */
export interface PrDetails {
  number: number | null;
  url: string | null;
  title: string;
  checks: PrCheck[];
  additions: number;
  deletions: number;
  ci: CiState;
  review: ReviewDecision;
  mergeable: boolean | null;
  /** When enrichment fetched it (ISO time), for the freshness marker of UI §2.5. */
  at: string;
}

/** What a session's row and detail show about its PR. */
export interface PrDisplay {
  number: number | null;
  url: string | null;
  /** The display fields: null until PR enrichment answered for this PR. */
  title: string | null;
  checks: PrCheck[];
  additions: number | null;
  deletions: number | null;
  /** When the display fields were fetched; null means never enriched. */
  enrichedAt: string | null;
  ci: CiState;
  review: ReviewDecision;
  /** Whether the PR can be merged now; null when nothing says. */
  mergeable: boolean | null;
}

type PrFacts = Pick<PrDisplay, "ci" | "review" | "mergeable">;

const UNKNOWN_FACTS: PrFacts = { ci: "unknown", review: "unknown", mergeable: null };

/**
 * The facts a PR reason decides; the rest stay as they were. ci_failing and changes_requested
 * also clear mergeability: a held "mergeable" next to a failing PR would offer a Merge button the
 * lifecycle no longer supports. in_progress and the non-open reasons decide nothing.
 */
export function factsFromReason(reason: PrReason): Partial<PrFacts> {
  switch (reason) {
    case "merge_ready":
      return { ci: "passing", mergeable: true };
    case "ci_failing":
      return { ci: "failing", mergeable: false };
    case "approved":
      return { review: "approved" };
    case "changes_requested":
      return { review: "changes_requested", mergeable: false };
    case "review_pending":
      return { review: "review_pending" };
    case "not_created":
    case "in_progress":
    case "merged":
    case "closed_unmerged":
    case "cleared_on_restore":
      return {};
  }
}

function hasPr(pr: { number: number | null; url: string | null }): boolean {
  return pr.number !== null || pr.url !== null;
}

/** Same PR: by URL when both sides know it, else by number (one project is one repository). */
export function samePr(
  a: { number: number | null; url: string | null },
  b: { number: number | null; url: string | null },
): boolean {
  if (a.url !== null && b.url !== null) return a.url === b.url;
  if (a.number !== null && b.number !== null) return a.number === b.number;
  return false;
}

/** Checks that contradict the CI state the lifecycle now gives are dropped, not shown under it. */
function checksAgree(checks: PrCheck[], ci: CiState): boolean {
  // No checks contradict nothing; answering "no" here would swap in a fresh [] on every update.
  if (checks.length === 0) return true;
  if (ci === "failing") return checks.some((c) => c.state === "failing");
  if (ci === "passing") return checks.every((c) => c.state === "passing");
  return true;
}

/**
 * The PR display after a feed update. `held` is what the store shows now, `pr` the incoming
 * lifecycle's PR part. Returns `held` itself when nothing changed, so unchanged sessions keep
 * object identity.
 */
export function reconcilePr(held: PrDisplay | null, pr: PrPart): PrDisplay | null {
  if (!hasPr(pr)) return null;
  const decided = factsFromReason(pr.reason);
  if (held === null || !samePr(held, pr)) {
    return {
      number: pr.number,
      url: pr.url,
      title: null,
      checks: [],
      additions: null,
      deletions: null,
      enrichedAt: null,
      ...UNKNOWN_FACTS,
      ...decided,
    };
  }
  const next: PrDisplay = {
    ...held,
    // A URL or number learnt later completes the identity of the same PR.
    number: pr.number ?? held.number,
    url: pr.url ?? held.url,
    ...decided,
  };
  if (!checksAgree(next.checks, next.ci)) next.checks = [];
  return prDisplayEqual(held, next) ? held : next;
}

/**
 * The display after PR enrichment answered, for the session whose lifecycle PR part is `pr`.
 * Null when the answer is for another PR than the one held (a late answer for a replaced PR).
 * The lifecycle's decided facts still win over the answer's, as on every feed update.
 */
export function applyPrDetails(held: PrDisplay | null, details: PrDetails, pr: PrPart): PrDisplay | null {
  if (held === null || !samePr(held, details)) return null;
  const next: PrDisplay = {
    number: held.number ?? details.number,
    url: held.url ?? details.url,
    title: details.title,
    checks: details.checks,
    additions: details.additions,
    deletions: details.deletions,
    enrichedAt: details.at,
    ci: details.ci,
    review: details.review,
    mergeable: details.mergeable,
    ...factsFromReason(pr.reason),
  };
  if (!checksAgree(next.checks, next.ci)) next.checks = [];
  return next;
}

function prDisplayEqual(a: PrDisplay, b: PrDisplay): boolean {
  return (
    a.number === b.number &&
    a.url === b.url &&
    a.title === b.title &&
    a.checks === b.checks &&
    a.additions === b.additions &&
    a.deletions === b.deletions &&
    a.enrichedAt === b.enrichedAt &&
    a.ci === b.ci &&
    a.review === b.review &&
    a.mergeable === b.mergeable
  );
}
