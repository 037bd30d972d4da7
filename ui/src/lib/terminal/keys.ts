// Who gets a key pressed in the terminal (UI §3.1: the terminal receives everything except Mod+
// chords). On macOS Cmd is the app's and Ctrl the terminal's, so every Cmd chord goes to the app
// except copy and paste. Elsewhere Ctrl is both Mod and the terminal's control key, and the
// terminal wins: Ctrl+C must reach the agent as ^C. Only copy, paste and Mod+Backquote (focus
// list ↔ terminal) are taken from it there, the way terminal emulators on Linux do it.

/** The fields of a KeyboardEvent the routing reads. */
export interface KeyLike {
  key: string;
  /** The physical key ("Backquote"), which stays put across keyboard layouts. */
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export type KeyRoute =
  /** xterm handles it and sends it to the agent. */
  | "terminal"
  /** Copy the terminal's selection. */
  | "copy"
  /** Leave it to the browser, whose native paste lands in xterm's textarea (bracketed paste). */
  | "paste-native"
  /** No native paste is bound to it: read the clipboard and hand the text to `term.paste`. */
  | "paste-read"
  /** Not the terminal's: the app's shortcuts handle it. */
  | "app";

export interface RouteContext {
  mac: boolean;
  /** Whether the terminal has a selection (Ctrl+C copies it instead of interrupting). */
  hasSelection: boolean;
}

const isBackquote = (e: KeyLike) => e.code === "Backquote" || e.key === "`";
/** The letter a chord names, whatever Shift did to its case. */
const letter = (e: KeyLike) => (e.key.length === 1 ? e.key.toLowerCase() : "");

export function routeKey(e: KeyLike, ctx: RouteContext): KeyRoute {
  if (ctx.mac) {
    if (!e.metaKey) return "terminal";
    if (e.ctrlKey || e.altKey) return "app";
    if (letter(e) === "c" && !e.shiftKey) return "copy";
    if (letter(e) === "v" && !e.shiftKey) return "paste-native";
    return "app";
  }
  // A Super/Windows-key chord is the desktop's, never the terminal's.
  if (e.metaKey) return "app";
  if (e.shiftKey && !e.ctrlKey && !e.altKey && e.key === "Insert") return "paste-native";
  if (!e.ctrlKey || e.altKey) return "terminal";
  if (isBackquote(e) && !e.shiftKey) return "app";
  if (letter(e) === "c") return e.shiftKey || ctx.hasSelection ? "copy" : "terminal";
  if (letter(e) === "v") return e.shiftKey ? "paste-read" : "paste-native";
  return "terminal";
}

/** Whether the app runs on macOS, where Cmd is the app's modifier. */
export function isMac(nav: { platform?: string; userAgent?: string } | undefined = globalThis.navigator): boolean {
  if (!nav) return false;
  return /Mac|iPhone|iPad/i.test(nav.platform || "") || /Mac OS X|Macintosh/i.test(nav.userAgent || "");
}
