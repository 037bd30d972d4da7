// One session as the store holds it: the feed's fields flattened, plus what the UI adds (the PR
// display, the group and the row's fixed place). Entries are plain objects updated in place, so a
// row holding one always sees the current values and identity never changes while the session exists.

import type {
  AttentionLevel,
  DisplayStatus,
  Enrichment,
  FeedSession,
  LiveFields,
  Resolved,
  SessionRecord,
} from "../../ipc/bindings";
import type { GroupKey } from "../groups";
import { jsonEqual } from "./json";
import { reconcilePr, type PrDisplay } from "./pr";

export interface SessionEntry {
  /** `${projectId}/${id}` (keys.ts). */
  readonly key: string;
  record: SessionRecord;
  live: LiveFields;
  enrichment: Enrichment;
  status: DisplayStatus;
  attention: AttentionLevel;
  /** What the engine's resolver says the session is (SPEC A2a); the UI draws it, never re-derives it. */
  resolved: Resolved;
  pr: PrDisplay | null;
  /** The group whose id array holds this session. */
  group: GroupKey;
  /** Its place in that group, fixed while it stays there (order.ts). */
  sortKey: number;
}

/** A new entry; the caller places it in a group and sets `sortKey`. */
export function createEntry(key: string, session: FeedSession): SessionEntry {
  const { record, live, enrichment } = session.view;
  return {
    key,
    record,
    live,
    enrichment,
    status: session.status,
    attention: session.attention,
    resolved: session.resolved,
    pr: reconcilePr(null, record.lifecycle.pr),
    group: session.resolved.group,
    sortKey: 0,
  };
}

/**
 * Writes the incoming copy into `entry`, assigning only the fields whose value changed (so their
 * readers alone re-render, and equal sub-objects keep identity). Incoming record, status and
 * attention and resolution always win (E4); the PR display follows pr.ts. Group and place are the store's job.
 * Returns whether any field changed.
 */
export function updateEntry(entry: SessionEntry, session: FeedSession): boolean {
  const { record, live, enrichment } = session.view;
  let changed = false;
  if (!jsonEqual(entry.record, record)) {
    entry.record = record;
    changed = true;
  }
  if (!jsonEqual(entry.live, live)) {
    entry.live = live;
    changed = true;
  }
  if (!jsonEqual(entry.enrichment, enrichment)) {
    entry.enrichment = enrichment;
    changed = true;
  }
  if (entry.status !== session.status) {
    entry.status = session.status;
    changed = true;
  }
  if (entry.attention !== session.attention) {
    entry.attention = session.attention;
    changed = true;
  }
  if (!jsonEqual(entry.resolved, session.resolved)) {
    entry.resolved = session.resolved;
    changed = true;
  }
  const pr = reconcilePr(entry.pr, record.lifecycle.pr);
  if (pr !== entry.pr) {
    entry.pr = pr;
    changed = true;
  }
  return changed;
}
