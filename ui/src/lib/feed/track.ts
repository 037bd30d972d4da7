// For derivations over the store's groups: the store itself is plain TypeScript (store.ts), so a
// derivation follows it by reading the feed's signals for every group and for membership.

import { GROUPS } from "../groups";
import type { LiveFeed } from "./live.svelte";

/** Reads every group's version, so a derivation re-runs when any group array changed. */
export function trackGroups(live: Pick<LiveFeed, "groupVersions" | "membership">): void {
  for (const g of GROUPS) void live.groupVersions[g.key];
  void live.membership;
}
