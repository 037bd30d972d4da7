// Spawns in flight shown as rows (UI §1.9) until the session's record reaches the store. Typed
// structurally, so the list's logic stays testable apart from the tracker that produces them.

export interface PendingLike {
  localId: string;
  project: string;
  sessionKey: string | null;
  progress: { step: string; number: number; total: number } | null;
  error: { step: string | null; message: string } | null;
}

/** Spawns to draw as rows: in scope, and not yet replaced by the real row. */
export function pendingRows<T extends PendingLike>(
  pending: readonly T[],
  inStore: (key: string) => boolean,
  project: string | null,
): T[] {
  return pending.filter(
    (p) => (project === null || p.project === project) && (p.sessionKey === null || !inStore(p.sessionKey)),
  );
}

/** A spawn's row state: spawning while it runs, errored once a step failed (its label is the tracker's). */
export function pendingGlyph(p: Pick<PendingLike, "error">): "spawning" | "errored" {
  return p.error !== null ? "errored" : "spawning";
}
