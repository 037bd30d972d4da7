// The grouped list flattened into one array of fixed-height items (UI §4.1): group headers are
// items like rows, so a position is `index * rowHeight` and the virtual window needs no measuring.

import { emptyCounts, GROUPS, type GroupCounts, type GroupKey } from "../groups";

/** Done shows this many rows before "show all" (UI §1.3): ended sessions pile up for months. */
export const DONE_LIMIT = 200;
/** Pending starts collapsed above this many members (UI §1.3). */
export const PENDING_COLLAPSE_ABOVE = 8;

export type ListItem =
  | { kind: "header"; id: string; group: GroupKey; count: number; open: boolean }
  | { kind: "row"; id: string; group: GroupKey }
  | { kind: "pending"; id: string; localId: string }
  | { kind: "more"; id: string; group: GroupKey; hidden: number };

export interface FlattenInput {
  /** The store's ordered id arrays. */
  groups: Readonly<Record<GroupKey, readonly string[]>>;
  /** Whether a session is in scope (the project filter); absent means every session is. */
  include?: (key: string) => boolean;
  /** A sidebar view shows one group only, always open. */
  onlyGroup?: GroupKey | null;
  /** Groups the user opened (true) or closed (false); others follow their default. */
  toggled?: Partial<Record<GroupKey, boolean>>;
  /** Groups whose "show all" was clicked. */
  showAll?: ReadonlySet<GroupKey>;
  /** Local ids of spawns still in flight, already scoped; they lead the Working group. */
  pending?: readonly string[];
}

export interface FlatList {
  items: ListItem[];
  /** Session keys of the rows shown, in order: what j/k walk and the detail's "7 / 42" counts. */
  rows: string[];
  /** Members per group within scope (collapsed groups included). */
  counts: GroupCounts;
  /** Index of each header item, ascending, for the sticky header. */
  headers: number[];
}

/** Whether a group starts open: its spec says so, and Pending only while it is short. */
export function openByDefault(group: GroupKey, count: number): boolean {
  const spec = GROUPS.find((g) => g.key === group);
  if (group === "pending") return count <= PENDING_COLLAPSE_ABOVE;
  return spec?.open ?? true;
}

export const headerId = (group: GroupKey): string => `group:${group}`;
export const pendingId = (localId: string): string => `spawn:${localId}`;

export function flatten(input: FlattenInput): FlatList {
  const { groups, include, onlyGroup = null, toggled = {}, showAll, pending = [] } = input;
  const items: ListItem[] = [];
  const rows: string[] = [];
  const headers: number[] = [];
  const counts = emptyCounts();
  for (const spec of GROUPS) {
    const g = spec.key;
    if (onlyGroup !== null && g !== onlyGroup) continue;
    const members = include ? groups[g].filter(include) : groups[g];
    counts[g] = members.length;
    const spawning = g === "working" ? pending : [];
    // Needs you always keeps its header: "nothing needs you" is news, not an absence.
    const shown = members.length > 0 || spawning.length > 0 || g === "respond" || g === onlyGroup;
    if (!shown) continue;
    // An empty group has nothing to open: its header reads closed, whatever it was toggled to.
    const empty = members.length === 0 && spawning.length === 0;
    const open = !empty && (onlyGroup !== null || (toggled[g] ?? openByDefault(g, members.length)));
    headers.push(items.length);
    items.push({ kind: "header", id: headerId(g), group: g, count: members.length, open });
    if (!open) continue;
    for (const localId of spawning) items.push({ kind: "pending", id: pendingId(localId), localId });
    const limit = g === "done" && !showAll?.has(g) ? DONE_LIMIT : Infinity;
    const visible = members.length > limit ? members.slice(0, limit) : members;
    for (const key of visible) {
      items.push({ kind: "row", id: key, group: g });
      rows.push(key);
    }
    if (visible.length < members.length) {
      items.push({ kind: "more", id: `more:${g}`, group: g, hidden: members.length - visible.length });
    }
  }
  return { items, rows, counts, headers };
}

/** Index of the header of the group the item at `index` belongs to; -1 before any. */
export function headerAbove(headers: readonly number[], index: number): number {
  let lo = 0;
  let hi = headers.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((headers[mid] as number) <= index) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : (headers[lo - 1] as number);
}
