// How the engine's resolved state looks (UI §1.5): its glyph and tone. What a session *is* —
// attention, group, state, label, reason, primary action — is decided once, by the engine's
// resolver (`session::resolve`, SPEC A2a), and arrives with every session in the feed. This file
// only draws it: it never reads the lifecycle or the activity, so a row, the detail panel, the
// tray and the window title can never disagree.

import type { Resolved, ShownState } from "../../ipc/bindings";

export type StateGlyph =
  | "spawning"
  | "working"
  | "idle"
  | "needs_input"
  | "errored"
  | "ci_failing"
  | "changes_requested"
  | "pending"
  | "merge_ready"
  | "stopped"
  | "done"
  | "merged"
  | "checking"
  | "probe_failed";

/** The colour of the glyph; the `--att-*` token of the same name (UI §2.2). */
export type StateTone = "working" | "respond" | "review" | "pending" | "merge" | "neutral";

export interface StateLook {
  glyph: StateGlyph;
  label: string;
  tone: StateTone;
}

/**
 * Glyph and tone of each state the engine shows. A Record, so the compiler fails when the engine
 * adds a state this table does not draw. Red marks what broke (a crash, an error, a block), amber
 * a question, as UI §1.5's table says.
 */
const LOOK: Record<ShownState, [StateGlyph, StateTone]> = {
  spawning: ["spawning", "working"],
  working: ["working", "working"],
  idle: ["idle", "working"],
  needs_input: ["needs_input", "respond"],
  detecting: ["checking", "respond"],
  blocked: ["errored", "review"],
  crashed: ["errored", "review"],
  errored: ["errored", "review"],
  ci_failing: ["ci_failing", "review"],
  changes_requested: ["changes_requested", "review"],
  conflicts: ["changes_requested", "review"],
  pending: ["pending", "pending"],
  merge_ready: ["merge_ready", "merge"],
  stopped: ["stopped", "neutral"],
  done: ["done", "neutral"],
  merged: ["merged", "neutral"],
  checking: ["checking", "neutral"],
  probe_failed: ["probe_failed", "neutral"],
};

export const ALL_SHOWN_STATES = Object.keys(LOOK) as ShownState[];

/** The glyph, tone and label of what the engine resolved. */
export function stateLook(resolved: Pick<Resolved, "state" | "label">): StateLook {
  const [glyph, tone] = LOOK[resolved.state];
  return { glyph, label: resolved.label, tone };
}
