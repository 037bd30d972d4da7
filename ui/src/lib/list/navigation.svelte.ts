// What the session list shows and which session is picked (UI §1.4-§1.6, §4.4): the project
// scope, the sidebar's one-group view, which groups are open or list every row, the selection and
// whether its detail is open. The views, the keyboard and notification clicks all drive it;
// `reveal` scrolls the list to an item.

import { SvelteSet } from "svelte/reactivity";
import type { LiveFeed } from "../feed/live.svelte";
import { trackGroups } from "../feed/track";
import { GROUPS, type GroupKey } from "../groups";
import type { SpawnTracker } from "../spawn/tracker.svelte";
import { flatten, headerId, pendingId } from "./items";
import { moveSelection } from "./keys";
import { pendingRows } from "./pending";
import { includeFor } from "./scope";

export class ListNavigation {
  /** The project the list shows; null for all. */
  project = $state<string | null>(null);
  /** The sidebar's view: one group alone; null for every group. */
  view = $state<GroupKey | null>(null);
  /** Groups opened (true) or closed (false) by hand, over their default. */
  readonly toggled = $state<Partial<Record<GroupKey, boolean>>>({});
  /** Groups that list every row, past their limit. */
  readonly showAll = new SvelteSet<GroupKey>();
  selected = $state<string | null>(null);
  detailOpen = $state(false);

  /** The spawns in flight that the scope shows. */
  readonly spawns = $derived.by(() => {
    void this.#live.membership;
    return pendingRows(this.#tracker.pending, (key) => this.#live.store.sessions.has(key), this.project);
  });
  readonly spawnsById = $derived(new Map(this.spawns.map((p) => [p.localId, p])));
  /** The list's items (headers, rows, spawns) and the rows in order. */
  readonly flat = $derived.by(() => {
    trackGroups(this.#live);
    return flatten({
      groups: this.#live.store.groups,
      include: includeFor(this.project),
      onlyGroup: this.view,
      toggled: this.toggled,
      showAll: this.showAll,
      pending: this.spawns.map((p) => p.localId),
    });
  });
  /** How many sessions the scope holds, over every group. */
  readonly scopedTotal = $derived(GROUPS.reduce((n, g) => n + this.flat.counts[g.key], 0));
  /** The entry the detail panel shows, if it is open on a session the store has. */
  readonly detailEntry = $derived.by(() => {
    if (!this.detailOpen || this.selected === null) return null;
    void this.#live.membership;
    return this.#live.store.sessions.get(this.selected) ?? null;
  });
  /** The session the detail panel shows, if any. */
  readonly shownKey = $derived(this.detailEntry?.key ?? null);
  /** The selection's place in the visible rows (-1 when it has none), for the detail's header. */
  readonly detailPosition = $derived({
    index: this.selected === null ? -1 : this.flat.rows.indexOf(this.selected),
    total: this.flat.rows.length,
  });

  readonly #live: LiveFeed;
  readonly #tracker: SpawnTracker;
  readonly #reveal: (id: string) => void;
  /** Where the selected row was when last looked at. */
  #selectedIndex = -1;
  readonly #shownSpawns = new Set<string>();
  readonly #landedSpawns = new Set<string>();

  constructor(live: LiveFeed, tracker: SpawnTracker, reveal: (id: string) => void) {
    this.#live = live;
    this.#tracker = tracker;
    this.#reveal = reveal;
  }

  /** Selects a session (null: none), with its detail open or not; the list scrolls to it. */
  select(key: string | null, open = this.detailOpen): void {
    this.selected = key;
    this.detailOpen = open && key !== null;
    if (key !== null) this.#reveal(key);
  }

  /** Selects the next or previous visible row. */
  move(delta: 1 | -1, open = this.detailOpen): void {
    this.select(moveSelection(this.flat.rows, this.selected, delta), open);
  }

  /** Shows a group, open, and selects its first session. */
  jump(group: GroupKey): void {
    if (this.view !== null && this.view !== group) this.view = null;
    this.toggled[group] = true;
    const items = this.flat.items;
    const at = items.findIndex((item) => item.id === headerId(group));
    if (at < 0) return;
    const first = items[at + 1];
    if (first?.kind === "row") this.select(first.id);
    this.#reveal(headerId(group));
  }

  /** Opens a closed group, closes an open one. */
  toggle(group: GroupKey): void {
    const open = this.flat.items.find((i) => i.id === headerId(group));
    this.toggled[group] = !(open?.kind === "header" && open.open);
  }

  /** A session that left the store closes its detail rather than showing a ghost. Call from an effect. */
  closeGone(): void {
    if (this.detailOpen && this.selected !== null && this.detailEntry === null && this.#live.ready) {
      this.detailOpen = false;
    }
  }

  /**
   * The selected session stays in view when a patch moves it (UI §4.4); the list scrolls only when
   * the row moved, and `reveal` only when it left the viewport, so a row that merely shifted by one
   * does not drag the list. Call from an effect.
   */
  followSelection(): void {
    const key = this.selected;
    const at = key === null ? -1 : this.flat.items.findIndex((item) => item.id === key);
    if (at >= 0 && this.#selectedIndex >= 0 && at !== this.#selectedIndex && key !== null) this.#reveal(key);
    this.#selectedIndex = at;
  }

  /**
   * A spawn the user just asked for is shown where it happens (UI §1.9): its pending row is
   * scrolled into view once, and so is the real row that replaces it. Call from an effect.
   */
  revealSpawns(): void {
    void this.#live.membership;
    for (const p of this.#tracker.pending) {
      if (!this.#shownSpawns.has(p.localId)) {
        this.#shownSpawns.add(p.localId);
        if (this.view !== null && this.view !== "working") this.view = null;
        this.toggled.working = true;
        this.#reveal(pendingId(p.localId));
      }
      if (p.sessionKey !== null && !this.#landedSpawns.has(p.localId) && this.#live.store.sessions.has(p.sessionKey)) {
        this.#landedSpawns.add(p.localId);
        this.#reveal(p.sessionKey);
      }
    }
  }
}
