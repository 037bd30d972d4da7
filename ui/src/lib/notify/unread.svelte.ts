// Sessions a desktop notification named and the user has not opened since (UI §3.4): each gets an
// accent badge on its row until its detail is opened. Reactive per key, so marking one session
// re-renders that row alone; the keys are the store's `"<project>/<id>"`.

import { SvelteSet } from "svelte/reactivity";
import type { Notification } from "../../ipc/bindings";
import { sessionKey } from "../feed/keys";
import type { GroupKey } from "../groups";

/** Every session a notification is about, once each: its `sessions`, plus `session` if not listed. */
export function notificationKeys(notification: Pick<Notification, "session" | "sessions">): string[] {
  const keys = new Set(notification.sessions.map((s) => sessionKey(s.project, s.id)));
  if (notification.session !== null) keys.add(sessionKey(notification.session.project, notification.session.id));
  return [...keys];
}

export class UnreadSessions {
  readonly #keys = new SvelteSet<string>();

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  get size(): number {
    return this.#keys.size;
  }

  /** The unread keys, in the order they were marked. */
  keys(): string[] {
    return [...this.#keys];
  }

  /**
   * Marks sessions unread. `shown` is the session whose detail is open now: a notification about
   * what the user is looking at has been read already.
   */
  mark(keys: Iterable<string>, shown: string | null = null): void {
    for (const key of keys) if (key !== shown) this.#keys.add(key);
  }

  /** The session was opened: its badge goes. */
  clear(key: string | null): void {
    if (key !== null) this.#keys.delete(key);
  }

  /** Drops keys whose session no longer exists (removed from the feed). */
  retain(exists: (key: string) => boolean): void {
    for (const key of [...this.#keys]) if (!exists(key)) this.#keys.delete(key);
  }
}

/** Unread sessions per group, for the sidebar's views; keys whose group is unknown are skipped. */
export function unreadByGroup(
  keys: Iterable<string>,
  groupOf: (key: string) => GroupKey | undefined,
): Partial<Record<GroupKey, number>> {
  const out: Partial<Record<GroupKey, number>> = {};
  for (const key of keys) {
    const group = groupOf(key);
    if (group !== undefined) out[group] = (out[group] ?? 0) + 1;
  }
  return out;
}
