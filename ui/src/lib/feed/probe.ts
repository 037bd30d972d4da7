// Measurement hooks the end-to-end suite and the benchmarks read (ARCHITECTURE §5): when each feed
// message arrived, when the first snapshot was painted, and the feed's current position. Bounded
// and cheap, so they stay on in every build.

import type { FeedEvent } from "../../ipc/bindings";
import type { FeedStatus } from "./store";
import { keyOfSession } from "./keys";

export interface FeedLogEntry {
  t: number;
  seq: number;
  kind: FeedEvent["kind"];
  keys: string[];
  /** Each session's live activity, in the order of `keys`: when a state reached the page. */
  activities: (string | null)[];
}

/** The arrival log is a ring: a long run must not grow memory without bound. */
export const FEED_LOG_LIMIT = 5000;

declare global {
  interface Window {
    __groveFeedLog?: FeedLogEntry[];
    __groveFirstPaintAt?: number;
    __groveFeed?: { seq: number | null; status: FeedStatus; sessions: number; groups: Record<string, number> };
  }
}

/** Appends one arrival to `log`, dropping the oldest past the limit. */
export function logArrival(log: FeedLogEntry[], event: FeedEvent, t: number, limit = FEED_LOG_LIMIT): void {
  log.push({
    t,
    seq: event.seq,
    kind: event.kind,
    keys: event.sessions.map(keyOfSession),
    activities: event.sessions.map((s) => s.view.live.activity),
  });
  if (log.length > limit) log.splice(0, log.length - limit);
}

export function recordArrival(event: FeedEvent): void {
  if (typeof window === "undefined") return;
  logArrival((window.__groveFeedLog ??= []), event, Date.now());
}

export function recordFeed(
  seq: number | null,
  status: FeedStatus,
  sessions: number,
  groups: Record<string, number> = {},
): void {
  if (typeof window === "undefined") return;
  window.__groveFeed = { seq, status, sessions, groups };
}

/** Marks the first frame after the first snapshot's rows reached the DOM; later calls keep the first. */
export function recordFirstPaint(): void {
  if (typeof window === "undefined" || window.__groveFirstPaintAt !== undefined) return;
  requestAnimationFrame(() => {
    window.__groveFirstPaintAt ??= Date.now();
  });
}
