// Desktop notifications, the window's side (UI §3.4, SPEC H2): a session a notification named
// carries an unread mark until its detail is opened; the engine is told which session the detail
// shows, so it does not notify about what the user is looking at; and a click on a notification
// opens its session, widening the list's scope as needed.

import { untrack } from "svelte";
import { insideGrove, onNotified, onOpenSession, setFocus } from "../../ipc";
import type { LiveFeed } from "../feed/live.svelte";
import { trackGroups } from "../feed/track";
import type { ListNavigation } from "../list/navigation.svelte";
import { includeFor } from "../list/scope";
import { FocusReporter, type SendFocus } from "./focus";
import { listenAll } from "./listen";
import { scopeShowing, scopeShowingGroup, type ListScope } from "./open";
import { notificationKeys, unreadByGroup, UnreadSessions } from "./unread.svelte";

/** How long a notification click waits for its session to reach the feed. */
const OPEN_WAIT_MS = 10_000;

export class Notifications {
  readonly unread = new UnreadSessions();
  /** Unread sessions per group, for the sidebar's views. */
  readonly unreadGroups = $derived.by(() => {
    trackGroups(this.#live);
    return unreadByGroup(this.unread.keys(), (key) => this.#live.store.sessions.get(key)?.group);
  });

  readonly #live: LiveFeed;
  readonly #nav: ListNavigation;
  readonly #focus: FocusReporter;
  /** A clicked session the feed did not have yet, opened if it arrives before `until`. */
  #owed: { key: string; until: number } | null = null;

  constructor(live: LiveFeed, nav: ListNavigation, sendFocus: SendFocus = setFocus) {
    this.#live = live;
    this.#nav = nav;
    this.#focus = new FocusReporter(sendFocus);
  }

  /** Listens for notifications and clicks on them; the returned function stops listening. */
  listen(onError: (e: unknown) => void): () => void {
    return listenAll(
      [
        onNotified((n) => this.unread.mark(notificationKeys(n), this.#nav.shownKey)),
        onOpenSession((key) => this.open(key)),
      ],
      onError,
    );
  }

  /**
   * The detail shows `key` now (null: nothing). Opening a session's detail reads its notification,
   * and the notification policy learns what the user is looking at; the reporter sends only
   * changes. Call from an effect that reads `key`.
   */
  shown(key: string | null): void {
    untrack(() => {
      this.unread.clear(key);
      if (insideGrove()) this.#focus.report(key);
    });
  }

  /** A session that left the feed takes its unread mark with it. Call from an effect. */
  retain(): void {
    void this.#live.membership;
    if (this.#live.ready) untrack(() => this.unread.retain((key) => this.#live.store.sessions.has(key)));
  }

  /** A click that named a session the feed did not have yet opens it once it arrives. Call from an effect. */
  openArrived(): void {
    void this.#live.membership;
    const owed = this.#owed;
    if (owed === null) return;
    if (Date.now() > owed.until) this.#owed = null;
    else if (this.#live.store.sessions.has(owed.key)) untrack(() => this.open(owed.key));
  }

  /**
   * A desktop notification was clicked (UI §3.4): its session is selected and its detail opened,
   * widening the scope and expanding its group as needed; a summary (null) selects the first
   * session that needs you.
   */
  open(key: string | null): void {
    const nav = this.#nav;
    this.#owed = null;
    if (key === null) {
      const members = this.#live.store.groups.respond;
      const include = includeFor(nav.project);
      const inScope = include ? members.filter(include).length : members.length;
      this.#applyScope(scopeShowingGroup("respond", this.#scope(), { inScope, total: members.length }));
      nav.jump("respond");
      return;
    }
    const entry = this.#live.store.sessions.get(key);
    if (entry === undefined) {
      this.#owed = { key, until: Date.now() + OPEN_WAIT_MS };
      return;
    }
    this.#applyScope(scopeShowing({ projectId: entry.record.projectId, group: entry.group }, this.#scope()));
    nav.toggled[entry.group] = true;
    if (!nav.flat.rows.includes(key)) nav.showAll.add(entry.group);
    nav.select(key, true);
  }

  #scope(): ListScope {
    return { project: this.#nav.project, view: this.#nav.view };
  }

  #applyScope(scope: ListScope): void {
    this.#nav.project = scope.project;
    this.#nav.view = scope.view;
  }
}
