// The dashboard's groups, top to bottom, as the UI brief (§1.3) orders them. Grouping is by the
// action the human owes (SPEC A5), with Stopped split from Done because Restore is an action.

export type GroupKey = "respond" | "merge" | "review" | "pending" | "working" | "stopped" | "done";

export interface GroupSpec {
  key: GroupKey;
  /** Header text, shown uppercase. */
  label: string;
  /** The colour token of the group's rail and count. */
  token: `--att-${"respond" | "review" | "merge" | "pending" | "working" | "neutral"}`;
  /** Whether the group starts expanded. */
  open: boolean;
  /** The saved-view name in the sidebar, when the group has one. */
  view?: string;
}

export const GROUPS: readonly GroupSpec[] = [
  { key: "respond", label: "Needs you", token: "--att-respond", open: true, view: "Needs me" },
  { key: "merge", label: "Ready to merge", token: "--att-merge", open: true, view: "Merge queue" },
  { key: "review", label: "Review", token: "--att-review", open: true, view: "Failing CI" },
  { key: "pending", label: "Pending", token: "--att-pending", open: true },
  { key: "working", label: "Working", token: "--att-working", open: true },
  { key: "stopped", label: "Stopped", token: "--att-neutral", open: false, view: "Stopped" },
  { key: "done", label: "Done", token: "--att-neutral", open: false },
];

export type GroupCounts = Record<GroupKey, number>;

export function emptyCounts(): GroupCounts {
  return { respond: 0, merge: 0, review: 0, pending: 0, working: 0, stopped: 0, done: 0 };
}

/** One segment of the fleet bar: its group and its share of the bar in percent. */
export interface FleetSegment {
  key: GroupKey;
  token: GroupSpec["token"];
  percent: number;
}

/**
 * Splits the fleet bar between the live groups (stopped and done are not part of the fleet's
 * health). Empty groups get no segment; an empty fleet gives no segments at all.
 */
export function fleetSegments(counts: GroupCounts): FleetSegment[] {
  const live = GROUPS.filter((g) => g.key !== "stopped" && g.key !== "done");
  const total = live.reduce((n, g) => n + counts[g.key], 0);
  if (total === 0) return [];
  return live
    .filter((g) => counts[g.key] > 0)
    .map((g) => ({ key: g.key, token: g.token, percent: (counts[g.key] / total) * 100 }));
}
