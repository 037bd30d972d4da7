// The feed store (SPEC E1, E4; UI §4.2-4.4): applies the engine's snapshot and patches to a
// normalised state, one entry per session plus one ordered id array per group.
//
// Plain TypeScript rather than Svelte runes: at 10,000 sessions a `$state` proxy around every
// record would wrap objects the UI only reads, and the store must run in vitest without the
// compiler. Entries are mutated in place and every applied batch ends in one notification naming
// exactly which entries and which group arrays changed, so a view adapter can bump one signal per
// changed row or group and nothing else re-renders.

import type { FeedEvent, FeedProject, FeedWarning, Patch, Snapshot } from "../../ipc/bindings";
import { emptyCounts, GROUPS, type GroupCounts, type GroupKey } from "../groups";
import { createEntry, updateEntry, type SessionEntry } from "./entry";
import { jsonEqual } from "./json";
import { keyOfSession } from "./keys";
import { insertSorted, removeSorted, sortGroup, sortKeyFor } from "./order";
import { applyPrDetails, type PrDetails } from "./pr";

/** connecting: no snapshot yet; live: applying patches; resyncing: waiting for a snapshot. */
export type FeedStatus = "connecting" | "live" | "resyncing";

/** Why the store asked for a snapshot, for the diagnostics the status bar opens (UI §1.7). */
export type ResyncReason = "seq_gap" | "unknown_session" | "removed_session" | "patch_before_snapshot";

/** What one applied batch changed. Entries change in place; this says which to re-read. */
export interface FeedChange {
  /** Keys of entries whose fields changed (new entries included). */
  sessions: ReadonlySet<string>;
  /** Groups whose id array changed (membership or order). */
  groups: ReadonlySet<GroupKey>;
  /** Whether sessions were added to or removed from the store. */
  membership: boolean;
  /** Whether status, seq, projects or warnings changed. */
  feed: boolean;
}

export interface FeedStoreOptions {
  /** Asks the feed for a new snapshot; called once per resync, until the snapshot arrives. */
  requestResync: (reason: ResyncReason) => void;
  /** Milliseconds since the epoch; injected so tests control when a session "entered" a group. */
  now?: () => number;
}

interface MutableChange {
  sessions: Set<string>;
  groups: Set<GroupKey>;
  membership: boolean;
  feed: boolean;
}

function newChange(): MutableChange {
  return { sessions: new Set(), groups: new Set(), membership: false, feed: false };
}

function emptyGroups(): Record<GroupKey, string[]> {
  return { respond: [], merge: [], review: [], pending: [], working: [], stopped: [], done: [] };
}

export class FeedStore {
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #groups = emptyGroups();
  #projects: readonly FeedProject[] = [];
  #warnings: readonly FeedWarning[] = [];
  #seq: number | null = null;
  #status: FeedStatus = "connecting";
  #resyncReason: ResyncReason | null = null;
  #lastEventAt: number | null = null;
  readonly #listeners = new Set<(change: FeedChange) => void>();
  readonly #requestResync: (reason: ResyncReason) => void;
  readonly #now: () => number;
  readonly #sortKeyOf = (key: string): number => this.#sessions.get(key)?.sortKey ?? 0;

  constructor(options: FeedStoreOptions) {
    this.#requestResync = options.requestResync;
    this.#now = options.now ?? Date.now;
  }

  get sessions(): ReadonlyMap<string, SessionEntry> {
    return this.#sessions;
  }
  /** One id array per group, in display order; arrays are updated in place, never replaced. */
  get groups(): Readonly<Record<GroupKey, readonly string[]>> {
    return this.#groups;
  }
  get projects(): readonly FeedProject[] {
    return this.#projects;
  }
  get warnings(): readonly FeedWarning[] {
    return this.#warnings;
  }
  /** The sequence number of the last applied message; null before the first snapshot. */
  get seq(): number | null {
    return this.#seq;
  }
  get status(): FeedStatus {
    return this.#status;
  }
  /** Why the current (or last) resync was asked for. */
  get resyncReason(): ResyncReason | null {
    return this.#resyncReason;
  }
  /** When the last message was applied, for "Live · patch 0.4 s ago". */
  get lastEventAt(): number | null {
    return this.#lastEventAt;
  }

  /** Group sizes for the fleet bar, sidebar, tray, title and badge: the arrays' lengths. */
  counts(): GroupCounts {
    const counts = emptyCounts();
    for (const g of GROUPS) counts[g.key] = this.#groups[g.key].length;
    return counts;
  }

  /**
   * Sessions not ended (SPEC A3), as the engine resolved them: what quitting would stop. Not a sum
   * of groups, since a crashed session needs you but has nothing left to stop.
   */
  liveCount(): number {
    let n = 0;
    for (const entry of this.#sessions.values()) if (!entry.resolved.ended) n += 1;
    return n;
  }

  /** Calls `listener` after every batch that changed something; returns the unsubscribe. */
  subscribe(listener: (change: FeedChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  apply(event: FeedEvent): void {
    this.applyBatch([event]);
  }

  /** Applies events in order and notifies once (the frame queue hands over one frame's worth). */
  applyBatch(events: readonly FeedEvent[]): void {
    const change = newChange();
    for (const event of events) {
      if (event.kind === "snapshot") this.#applySnapshot(event, change);
      else this.#applyPatch(event, change);
    }
    this.#notify(change);
  }

  /**
   * Stores PR enrichment's answer for a session. Returns false, changing nothing, when the session
   * is unknown or its PR is no longer the one the answer is about.
   */
  setPrDetails(key: string, details: PrDetails): boolean {
    const entry = this.#sessions.get(key);
    if (entry === undefined) return false;
    const pr = applyPrDetails(entry.pr, details, entry.record.lifecycle.pr);
    if (pr === null) return false;
    entry.pr = pr;
    const change = newChange();
    change.sessions.add(key);
    this.#notify(change);
    return true;
  }

  #notify(change: MutableChange): void {
    if (change.sessions.size === 0 && change.groups.size === 0 && !change.membership && !change.feed) return;
    for (const listener of this.#listeners) listener(change);
  }

  #resync(reason: ResyncReason, change: MutableChange): void {
    if (this.#status === "resyncing") return;
    this.#status = "resyncing";
    this.#resyncReason = reason;
    change.feed = true;
    this.#requestResync(reason);
  }

  /**
   * A patch is applied only when it follows the held seq, names only known sessions and removes
   * none (E1, E4). Otherwise it is dropped whole and a snapshot requested: half of a membership
   * change would show a fleet that never existed, and the snapshot carries the patch's content anyway.
   * While resyncing every patch is dropped, since the snapshot supersedes it.
   */
  #applyPatch(patch: Patch, change: MutableChange): void {
    if (this.#status === "resyncing") return;
    if (this.#status === "connecting") return this.#resync("patch_before_snapshot", change);
    if (this.#seq === null || patch.seq !== this.#seq + 1) return this.#resync("seq_gap", change);
    if (patch.removed.length > 0) return this.#resync("removed_session", change);
    if (patch.sessions.some((s) => !this.#sessions.has(keyOfSession(s)))) {
      return this.#resync("unknown_session", change);
    }
    const now = this.#now();
    for (const session of patch.sessions) {
      const key = keyOfSession(session);
      const entry = this.#sessions.get(key) as SessionEntry;
      if (!updateEntry(entry, session)) continue;
      change.sessions.add(key);
      this.#regroup(entry, now, change);
    }
    if (patch.warnings !== null && !jsonEqual(this.#warnings, patch.warnings)) {
      this.#warnings = patch.warnings;
    }
    this.#seq = patch.seq;
    this.#lastEventAt = now;
    change.feed = true;
  }

  /** Moves an entry whose attention or status changed group; its place inside a group never moves. */
  #regroup(entry: SessionEntry, now: number, change: MutableChange): void {
    const group = entry.resolved.group;
    if (group === entry.group) return;
    removeSorted(this.#groups[entry.group], entry.key, entry.sortKey, this.#sortKeyOf);
    change.groups.add(entry.group);
    entry.group = group;
    entry.sortKey = sortKeyFor(group, entry.record, false, now);
    insertSorted(this.#groups[group], entry.key, entry.sortKey, this.#sortKeyOf);
    change.groups.add(group);
  }

  /**
   * Replaces the state with the snapshot as a diff (UI §4.2): entries of sessions that stay are
   * updated in place (unchanged ones untouched, so a resync does not flash), vanished ones are
   * dropped, new ones created. Group arrays are edited in place and re-sorted only where
   * something arrived.
   */
  #applySnapshot(snapshot: Snapshot, change: MutableChange): void {
    const initial = this.#seq === null;
    const now = this.#now();
    const incoming = new Set<string>();
    const arrived = new Set<GroupKey>();
    const left = new Set<GroupKey>();
    for (const session of snapshot.sessions) {
      const key = keyOfSession(session);
      incoming.add(key);
      let entry = this.#sessions.get(key);
      if (entry === undefined) {
        entry = createEntry(key, session);
        entry.sortKey = sortKeyFor(entry.group, entry.record, initial, now);
        this.#sessions.set(key, entry);
        change.sessions.add(key);
        change.membership = true;
      } else {
        if (!updateEntry(entry, session)) continue;
        change.sessions.add(key);
        const group = entry.resolved.group;
        if (group === entry.group) continue;
        left.add(entry.group);
        entry.group = group;
        entry.sortKey = sortKeyFor(group, entry.record, false, now);
      }
      this.#groups[entry.group].push(key);
      arrived.add(entry.group);
    }
    for (const [key, entry] of this.#sessions) {
      if (incoming.has(key)) continue;
      this.#sessions.delete(key);
      left.add(entry.group);
      change.membership = true;
    }
    for (const g of GROUPS) {
      const ids = this.#groups[g.key];
      if (left.has(g.key)) retainInPlace(ids, (key) => this.#sessions.get(key)?.group === g.key);
      if (arrived.has(g.key)) sortGroup(ids, this.#sortKeyOf);
      if (left.has(g.key) || arrived.has(g.key)) change.groups.add(g.key);
    }
    if (!jsonEqual(this.#projects, snapshot.projects)) this.#projects = snapshot.projects;
    if (!jsonEqual(this.#warnings, snapshot.warnings)) this.#warnings = snapshot.warnings;
    this.#seq = snapshot.seq;
    this.#status = "live";
    this.#lastEventAt = now;
    change.feed = true;
  }
}

/** Keeps the elements `keep` accepts, in order, without replacing the array. */
function retainInPlace(ids: string[], keep: (key: string) => boolean): void {
  let kept = 0;
  for (const key of ids) if (keep(key)) ids[kept++] = key;
  ids.length = kept;
}
