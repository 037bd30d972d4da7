// The Svelte side of the feed store (UI §4.2-4.3): subscribes to the engine's feed, applies it once
// per frame, and turns each change notification into bumps of exactly the signals that changed:
// one counter per session row, one per group array. A patch touching one session re-renders its
// row and nothing else; counts, projects and warnings are replaced only when they changed.

import type { FeedEvent, FeedProject, FeedWarning } from "../../ipc/bindings";
import type { FeedSubscription } from "../../ipc";
import { emptyCounts, GROUPS, type GroupCounts, type GroupKey } from "../groups";
import { FrameQueue, animationFrameScheduler, type FrameScheduler } from "./frame";
import { recordArrival, recordFeed } from "./probe";
import { FeedStore, type FeedChange, type FeedStatus } from "./store";

/** One row's version: a signal only that row's component reads. */
class Version {
  value = $state(0);
}

/** SPEC E3: a failing source shows an error only after this many failures in a row. */
const FAILURES_BEFORE_ERROR = 3;
const RESYNC_RETRY_MS = 1000;

export type Subscribe = (onEvent: (event: FeedEvent) => void) => Promise<FeedSubscription>;

function countsEqual(a: GroupCounts, b: GroupCounts): boolean {
  return GROUPS.every((g) => a[g.key] === b[g.key]);
}

export class LiveFeed {
  readonly store: FeedStore;
  /** Per group, bumped when its id array changed (membership or order). */
  readonly groupVersions: Record<GroupKey, number> = $state({
    respond: 0,
    merge: 0,
    review: 0,
    pending: 0,
    working: 0,
    stopped: 0,
    done: 0,
  });
  /** Bumped when sessions were added or removed. */
  membership = $state(0);
  status = $state<FeedStatus>("connecting");
  seq = $state<number | null>(null);
  counts = $state.raw<GroupCounts>(emptyCounts());
  sessionCount = $state(0);
  projects = $state.raw<readonly FeedProject[]>([]);
  warnings = $state.raw<readonly FeedWarning[]>([]);
  /** When the last message was applied (ms since the epoch). */
  lastEventAt = $state<number | null>(null);
  /** Set once the first snapshot is applied. */
  ready = $state(false);
  /** Why the feed could not be reached, when it could not. */
  error = $state<string | null>(null);

  readonly #rows = new Map<string, Version>();
  readonly #queue: FrameQueue;
  readonly #subscribe: Subscribe;
  #subscription: FeedSubscription | null = null;
  /** A resync asked for before the subscription existed is sent once it does. */
  #resyncOwed = false;
  #closed = false;
  #resyncFailures = 0;

  constructor(subscribe: Subscribe, schedule: FrameScheduler = animationFrameScheduler) {
    this.#subscribe = subscribe;
    this.store = new FeedStore({ requestResync: () => this.#resync() });
    this.#queue = new FrameQueue((events) => this.store.applyBatch(events), schedule);
    this.store.subscribe((change) => this.#onChange(change));
    recordFeed(null, "connecting", 0);
  }

  /** Subscribes to the feed; the returned function unsubscribes. */
  start(): () => void {
    this.#subscribe((event) => {
      recordArrival(event);
      this.#queue.push(event);
    }).then(
      (subscription) => {
        if (this.#closed) {
          subscription.close().catch(() => {});
          return;
        }
        this.#subscription = subscription;
        if (this.#resyncOwed) this.#resync();
      },
      (e: unknown) => {
        this.error = e instanceof Error ? e.message : String(e);
      },
    );
    return () => {
      this.#closed = true;
      // Closing is best effort: the window is going away or the feed already is.
      this.#subscription?.close().catch(() => {});
      this.#subscription = null;
    };
  }

  /** The row's version: read it where the row renders so that row alone follows its changes. */
  version(key: string): number {
    return this.#rows.get(key)?.value ?? 0;
  }

  #resync(): void {
    const subscription = this.#subscription;
    if (subscription === null || this.#closed) {
      this.#resyncOwed = true;
      return;
    }
    this.#resyncOwed = false;
    subscription.resync().then(
      () => (this.#resyncFailures = 0),
      (e: unknown) => {
        // E3: the last good data stays; the failure is shown only once it keeps happening.
        this.#resyncFailures++;
        if (this.#resyncFailures >= FAILURES_BEFORE_ERROR) this.error = e instanceof Error ? e.message : String(e);
        setTimeout(() => this.#resync(), RESYNC_RETRY_MS);
      },
    );
  }

  #onChange(change: FeedChange): void {
    const store = this.store;
    for (const key of change.sessions) {
      let version = this.#rows.get(key);
      if (version === undefined) {
        version = new Version();
        this.#rows.set(key, version);
      }
      version.value++;
    }
    for (const group of change.groups) this.groupVersions[group]++;
    if (change.membership) {
      for (const key of this.#rows.keys()) if (!store.sessions.has(key)) this.#rows.delete(key);
      this.membership++;
      this.sessionCount = store.sessions.size;
    }
    if (change.groups.size > 0) {
      const counts = store.counts();
      if (!countsEqual(counts, this.counts)) this.counts = counts;
    }
    if (change.feed) {
      if (this.projects !== store.projects) this.projects = store.projects;
      if (this.warnings !== store.warnings) this.warnings = store.warnings;
      this.status = store.status;
      this.seq = store.seq;
      this.lastEventAt = store.lastEventAt;
      if (store.status === "live") {
        this.ready = true;
        this.error = null;
        this.#resyncFailures = 0;
      }
    }
    recordFeed(store.seq, store.status, store.sessions.size, store.counts());
  }
}
