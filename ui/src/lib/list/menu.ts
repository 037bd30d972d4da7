// The row menu (UI §1.4 actions, §1.6 "⋯"): what can be done to a session from the list, read
// from what the engine resolved (SPEC A2a) so the menu offers exactly what the detail panel does.

import type { Resolved } from "../../ipc/bindings";

export type RowAction = "review" | "stop" | "restore";

export interface RowMenuItem {
  action: RowAction;
  label: string;
  /** The key that does the same from the list, shown beside the label. */
  hint: string | null;
}

/**
 * Review for every session (its branch outlives the agent, UI §1.12); Stop for a live session
 * (F5a, restorable); Restore for one the engine says can come back.
 */
export function rowMenuItems(resolved: Pick<Resolved, "ended" | "restorable">): RowMenuItem[] {
  const items: RowMenuItem[] = [{ action: "review", label: "Review changes", hint: "D" }];
  if (resolved.restorable) items.push({ action: "restore", label: "Restore", hint: null });
  if (!resolved.ended) items.push({ action: "stop", label: "Stop", hint: "Shift+S" });
  return items;
}
