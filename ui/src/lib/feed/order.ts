// Which group a session sits in, and its fixed place inside it (UI §1.3, §4.4). The place is a
// sort key taken when the session enters the group and kept while it stays, so nothing a session
// does inside its group (activity, a new transition, a new summary) moves its row.

import type { SessionRecord } from "../../ipc/bindings";
import type { GroupKey } from "../groups";

// The group itself is the engine's (`resolved.group`, SPEC A2a): this file only orders inside it.

/** Unparseable or absent times sort as the epoch rather than poisoning comparisons with NaN. */
function timeOf(iso: string | null): number {
  if (iso === null) return 0;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * The sort key of a session entering `group`; arrays sort ascending by it, then by session key.
 *
 * - respond, merge, review: when it entered, oldest first. The first snapshot has no history, so
 *   the record's last transition stands in for it; later entries are seen happening, at `now`.
 * - pending, working: creation time (fixed for life).
 * - stopped, done: when it ended, newest first (negated). Ending without `terminatedAt` (PR merged,
 *   runtime gone) falls back like the entry time above.
 */
export function sortKeyFor(group: GroupKey, record: SessionRecord, initial: boolean, now: number): number {
  const session = record.lifecycle.session;
  const entered = initial ? timeOf(session.lastTransitionAt) : now;
  switch (group) {
    case "respond":
    case "merge":
    case "review":
      return entered;
    case "pending":
    case "working":
      return timeOf(record.createdAt);
    case "stopped":
    case "done":
      return -(session.terminatedAt !== null ? timeOf(session.terminatedAt) : entered);
  }
}

/** Whether (a, aKey) sorts before (b, bKey). */
function before(a: number, aKey: string, b: number, bKey: string): boolean {
  return a < b || (a === b && aKey < bKey);
}

/** First index whose element does not sort before (sortKey, key); binary search. */
function lowerBound(ids: readonly string[], sortKey: number, key: string, sortKeyOf: (id: string) => number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const id = ids[mid] as string;
    if (before(sortKeyOf(id), id, sortKey, key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `key` into the sorted `ids` in place. */
export function insertSorted(ids: string[], key: string, sortKey: number, sortKeyOf: (id: string) => number): void {
  ids.splice(lowerBound(ids, sortKey, key, sortKeyOf), 0, key);
}

/** Removes `key` (whose sort key is `sortKey`) from the sorted `ids` in place; false if absent. */
export function removeSorted(ids: string[], key: string, sortKey: number, sortKeyOf: (id: string) => number): boolean {
  const at = lowerBound(ids, sortKey, key, sortKeyOf);
  if (ids[at] !== key) return false;
  ids.splice(at, 1);
  return true;
}

/** Sorts a whole group at once (a snapshot), by the same order insertSorted keeps. */
export function sortGroup(ids: string[], sortKeyOf: (id: string) => number): void {
  ids.sort((a, b) => sortKeyOf(a) - sortKeyOf(b) || (a < b ? -1 : a > b ? 1 : 0));
}
