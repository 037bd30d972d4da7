// The review panel's keyboard (UI §1.12, §3.1) as data: a key press becomes a command; the panel
// carries it out. While a text field has the focus only the Mod chords count, so typing a comment
// or a filter never moves the file or lands the branch.

import type { KeyPress } from "../list/keys";
import { isMac } from "../terminal/keys";

export type ReviewCommand =
  | { kind: "file"; delta: 1 | -1 }
  | { kind: "hunk"; delta: 1 | -1 }
  | { kind: "viewed" }
  | { kind: "split" }
  | { kind: "land" }
  | { kind: "send" }
  | { kind: "close" };

export function reviewCommandFor(press: KeyPress): ReviewCommand | null {
  if (press.mod && !press.alt) {
    if (press.shift && press.key === "Enter") return { kind: "send" };
    if (!press.shift && (press.key === "\\" || press.code === "Backslash")) return { kind: "split" };
    return null;
  }
  if (press.typing || press.mod || press.alt || press.shift) return null;
  const key = press.key.length === 1 ? press.key.toLowerCase() : press.key;
  switch (key) {
    case "j":
    case "ArrowDown":
      return { kind: "file", delta: 1 };
    case "k":
    case "ArrowUp":
      return { kind: "file", delta: -1 };
    case "n":
      return { kind: "hunk", delta: 1 };
    case "p":
      return { kind: "hunk", delta: -1 };
    case "v":
      return { kind: "viewed" };
    case "m":
      return { kind: "land" };
    case "Escape":
      return { kind: "close" };
    default:
      return null;
  }
}

/** How the Mod key is written on this platform, for hints ("⌘", "Ctrl+"). */
export function modKey(mac: boolean = isMac()): string {
  return mac ? "⌘" : "Ctrl+";
}
