// The detail panel's "Reactions" history (SPEC H3): what Grove did on its own about a session —
// failing checks sent to the agent, a notification, an escalation — newest first. Pure; ages read
// the panel's clock.

import type { ReactionEntry, ReactionOutcome } from "../../ipc/bindings";
import { formatAgo } from "../format";
import { words } from "./facts";

/** The reaction keys config knows (`[reactions.<key>]`), in words; an unknown key reads as its words. */
const KEY_WORDS: Record<string, string> = {
  ci_failed: "CI failed",
  changes_requested: "changes requested",
  merge_conflicts: "merge conflicts",
  agent_stuck: "agent stuck",
  agent_needs_input: "agent needs input",
  agent_exited: "agent exited",
  approved_and_green: "approved and green",
  pr_closed: "PR closed",
};

export function reactionKeyWords(key: string): string {
  return KEY_WORDS[key] ?? words(key);
}

export type ReactionTone = "working" | "pending" | "respond" | "review";

/** Icon and word per outcome: the icon is never alone (UI §2.2, colour and shape carry the word). */
const OUTCOMES: Record<ReactionOutcome, { icon: string; word: string; tone: ReactionTone }> = {
  sent_to_agent: { icon: "→", word: "sent to agent", tone: "working" },
  notified: { icon: "◆", word: "notified", tone: "pending" },
  escalated: { icon: "▲", word: "escalated", tone: "respond" },
  failed: { icon: "✕", word: "failed", tone: "review" },
};

export function reactionOutcome(outcome: ReactionOutcome): { icon: string; word: string; tone: ReactionTone } {
  return OUTCOMES[outcome];
}

export interface ReactionRow {
  /** Stable within one history: the entry's place in the record. */
  id: number;
  icon: string;
  outcome: string;
  tone: ReactionTone;
  /** "CI failed". */
  key: string;
  /** "attempt 2". */
  attempt: string;
  /** The engine's line for a person, trimmed; empty when it gave none. */
  detail: string;
  /** Milliseconds since the epoch, or null when the time cannot be read. */
  at: number | null;
  /** The time as the record has it, for the tooltip. */
  atText: string;
}

/** How many entries the panel lists; older ones are counted, not shown. */
export const REACTIONS_SHOWN = 50;

export interface ReactionHistory {
  rows: ReactionRow[];
  /** Entries beyond `REACTIONS_SHOWN`. */
  older: number;
}

/**
 * The history newest first. The record keeps entries oldest first, so equal times keep their
 * reverse record order; an unreadable time sorts as oldest rather than jumping to the top.
 */
export function reactionHistory(entries: readonly ReactionEntry[] | null | undefined, limit = REACTIONS_SHOWN): ReactionHistory {
  const list = entries ?? [];
  const rows = list.map((entry, id): ReactionRow => {
    const outcome = reactionOutcome(entry.outcome);
    const at = Date.parse(entry.at);
    return {
      id,
      icon: outcome.icon,
      outcome: outcome.word,
      tone: outcome.tone,
      key: reactionKeyWords(entry.key),
      attempt: `attempt ${entry.attempt}`,
      detail: entry.detail.trim(),
      at: Number.isNaN(at) ? null : at,
      atText: entry.at,
    };
  });
  rows.sort((a, b) => (b.at ?? -Infinity) - (a.at ?? -Infinity) || b.id - a.id);
  return { rows: rows.slice(0, limit), older: Math.max(0, rows.length - limit) };
}

/** "4 min ago"; an unreadable time as the record has it. */
export function reactionAge(row: Pick<ReactionRow, "at" | "atText">, now: number): string {
  return row.at === null ? row.atText : formatAgo(now - row.at);
}

/** The whole line: "→ sent to agent: CI failed · attempt 2 · sent 2 failing checks (test, lint) · 4 min ago". */
export function reactionLine(row: ReactionRow, now: number): string {
  const parts = [`${row.icon} ${row.outcome}: ${row.key}`, row.attempt];
  if (row.detail !== "") parts.push(row.detail);
  parts.push(reactionAge(row, now));
  return parts.join(" · ");
}
