// Dashboard shortcuts (UI §3.1) as data: a key press becomes a command, and selection moves are
// plain functions of the visible order. The window listener (shortcuts.ts) only dispatches.

import type { GroupKey } from "../groups";

export type Command =
  | { kind: "move"; delta: 1 | -1 }
  | { kind: "open" }
  | { kind: "escape" }
  | { kind: "spawn" }
  | { kind: "scope"; project: number }
  | { kind: "sidebar" }
  | { kind: "await-group" }
  | { kind: "jump"; group: GroupKey }
  | { kind: "next-needing" }
  /** `t`: open the terminal and focus it, or close it. */
  | { kind: "terminal" }
  /** Mod+Backquote: the focus goes from the list to the terminal and back. */
  | { kind: "terminal-focus" }
  /** Shift+S: stop the selected session for a later restore (SPEC F5a). */
  | { kind: "stop" }
  /** 1-9 in the detail: choose that option of the agent's dialog (SPEC F2a). */
  | { kind: "answer"; option: number }
  /** `d`: open the selected session's review (UI §1.12). */
  | { kind: "review" };

export interface KeyPress {
  key: string;
  /** The physical key ("Backquote"), for chords whose character depends on the layout. */
  code?: string;
  /** Cmd on macOS, Ctrl elsewhere. */
  mod: boolean;
  shift: boolean;
  alt: boolean;
  /** Whether focus is in a text field (inputs, textareas, the terminal's hidden textarea). */
  typing: boolean;
}

/** The second key after `g` (UI §3.1): needs Y-ou, M-erge, re-V-iew, P-ending, W-orking, S-topped, D-one. */
export const JUMP_KEYS: Readonly<Record<string, GroupKey>> = {
  y: "respond",
  m: "merge",
  v: "review",
  p: "pending",
  w: "working",
  s: "stopped",
  d: "done",
};

/**
 * The command for a key press; null when the key is not ours. `afterG` says the previous press
 * was a lone `g`. While typing only Mod chords count, so text fields and the terminal keep their keys.
 */
export function commandFor(press: KeyPress, afterG = false): Command | null {
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  if (press.mod && !press.alt && !press.shift) {
    if (key === "b") return { kind: "sidebar" };
    if (key === "n") return { kind: "spawn" };
    if (/^[0-9]$/.test(key)) return { kind: "scope", project: Number(key) };
    if (key === "`" || press.code === "Backquote") return { kind: "terminal-focus" };
    return null;
  }
  if (press.typing || press.mod || press.alt) return null;
  if (afterG) {
    const group = JUMP_KEYS[key];
    return group ? { kind: "jump", group } : null;
  }
  if (press.shift && key === "s") return { kind: "stop" };
  if (!press.shift && /^[1-9]$/.test(key)) return { kind: "answer", option: Number(key) };
  if (press.shift && key !== "Enter") return null;
  switch (key) {
    case "j":
    case "ArrowDown":
      return { kind: "move", delta: 1 };
    case "k":
    case "ArrowUp":
      return { kind: "move", delta: -1 };
    case "Enter":
    case "o":
      return { kind: "open" };
    case "Escape":
      return { kind: "escape" };
    case "c":
      return { kind: "spawn" };
    case "g":
      return { kind: "await-group" };
    case "t":
      return { kind: "terminal" };
    case "d":
      return { kind: "review" };
    case " ":
      return { kind: "next-needing" };
    default:
      return null;
  }
}

/** The selection after j/k: clamps at the ends; from nothing (or a row no longer shown) it enters at the near end. */
export function moveSelection(rows: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (rows.length === 0) return null;
  const at = current === null ? -1 : rows.indexOf(current);
  if (at < 0) return (delta > 0 ? rows[0] : rows[rows.length - 1]) ?? null;
  return rows[Math.min(rows.length - 1, Math.max(0, at + delta))] ?? null;
}

/** Space walks these in order, then wraps (UI §3.1). */
export const NEEDING_ORDER: readonly GroupKey[] = ["respond", "review", "merge"];

/**
 * The next session needing the human after `current`: respond, then review, then merge, cycling.
 * `members` gives each group's sessions in scope and display order.
 */
export function nextNeeding(members: (group: GroupKey) => readonly string[], current: string | null): string | null {
  const queue = NEEDING_ORDER.flatMap((g) => members(g));
  if (queue.length === 0) return null;
  const at = current === null ? -1 : queue.indexOf(current);
  return queue[(at + 1) % queue.length] ?? null;
}
