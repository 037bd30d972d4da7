import { describe, expect, it } from "vitest";
import { isMac, routeKey, type KeyLike, type KeyRoute } from "./keys";

/** A key press: "Ctrl+Shift+c" style, with the physical code derived for letters and Backquote. */
function press(chord: string): KeyLike {
  const parts = chord.split("+");
  const key = parts.pop()!;
  const has = (m: string) => parts.includes(m);
  const code = key === "`" ? "Backquote" : /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key;
  return { key, code, ctrlKey: has("Ctrl"), metaKey: has("Cmd") || has("Super"), shiftKey: has("Shift"), altKey: has("Alt") };
}

const LINUX: [string, boolean, KeyRoute][] = [
  // chord, has selection, route
  ["a", false, "terminal"],
  ["Escape", false, "terminal"],
  ["Enter", false, "terminal"],
  ["Ctrl+c", false, "terminal"], // ^C must reach the agent
  ["Ctrl+c", true, "copy"], // with a selection it copies instead
  ["Ctrl+Shift+C", false, "copy"],
  ["Ctrl+Shift+C", true, "copy"],
  ["Ctrl+v", false, "paste-native"],
  ["Ctrl+Shift+V", false, "paste-read"],
  ["Shift+Insert", false, "paste-native"],
  ["Ctrl+`", false, "app"],
  ["Ctrl+d", false, "terminal"],
  ["Ctrl+r", false, "terminal"],
  ["Ctrl+b", false, "terminal"], // tmux's prefix, readline's back-char: not the sidebar here
  ["Ctrl+n", false, "terminal"],
  ["Ctrl+1", false, "terminal"],
  ["Ctrl+k", false, "terminal"],
  ["Ctrl+Enter", false, "terminal"],
  ["Alt+b", false, "terminal"],
  ["Ctrl+Alt+q", false, "terminal"], // AltGr on Windows: a third-level character
  ["Super+b", false, "app"],
  ["Insert", false, "terminal"],
];

const MAC: [string, boolean, KeyRoute][] = [
  ["a", false, "terminal"],
  ["Escape", false, "terminal"],
  ["Ctrl+c", false, "terminal"],
  ["Ctrl+c", true, "terminal"], // Ctrl is the terminal's on macOS, selection or not
  ["Cmd+c", true, "copy"],
  ["Cmd+v", false, "paste-native"],
  ["Cmd+`", false, "app"],
  ["Cmd+b", false, "app"],
  ["Cmd+k", false, "app"],
  ["Cmd+1", false, "app"],
  ["Cmd+Enter", false, "app"],
  ["Cmd+Backspace", false, "app"],
  ["Cmd+Shift+C", false, "app"],
  ["Cmd+Shift+V", false, "app"],
  ["Alt+b", false, "terminal"],
  ["Ctrl+b", false, "terminal"],
];

describe("routeKey", () => {
  it.each(LINUX)("Linux/Windows: %s (selection %s) goes to %s", (chord, hasSelection, route) => {
    expect(routeKey(press(chord), { mac: false, hasSelection }), `${chord} routed wrong`).toBe(route);
  });

  it.each(MAC)("macOS: %s (selection %s) goes to %s", (chord, hasSelection, route) => {
    expect(routeKey(press(chord), { mac: true, hasSelection }), `${chord} routed wrong`).toBe(route);
  });

  it("finds Backquote by its physical key on layouts where it types something else", () => {
    const german = { ...press("Ctrl+^"), code: "Backquote" };
    expect(routeKey(german, { mac: false, hasSelection: false })).toBe("app");
  });
});

describe("isMac", () => {
  it("reads the platform, else the user agent", () => {
    expect(isMac({ platform: "MacIntel", userAgent: "" })).toBe(true);
    expect(isMac({ platform: "", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)" })).toBe(true);
    expect(isMac({ platform: "Linux x86_64", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" })).toBe(false);
    expect(isMac({ platform: "Win32", userAgent: "Mozilla/5.0 (Windows NT 10.0)" })).toBe(false);
    expect(isMac(undefined)).toBe(false);
  });
});
