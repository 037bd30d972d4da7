import { describe, expect, it } from "vitest";
import { contrast, TERMINAL_THEMES, type Scheme } from "./theme";

const ANSI = [
  "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
  "brightBlack", "brightRed", "brightGreen", "brightYellow", "brightBlue", "brightMagenta", "brightCyan", "brightWhite",
] as const;

/** The colours that play the background in each scheme, exempt from reading on it. */
const BACKGROUND_LIKE: Record<Scheme, readonly string[]> = {
  dark: ["black"],
  light: ["white", "brightWhite"],
};

describe("terminal themes", () => {
  it("use UI §2.2's terminal colours", () => {
    expect([TERMINAL_THEMES.dark.foreground, TERMINAL_THEMES.dark.background]).toEqual(["#d5ddd9", "#0a0d0c"]);
    expect([TERMINAL_THEMES.light.foreground, TERMINAL_THEMES.light.background]).toEqual(["#1f2624", "#fafbfa"]);
    expect(TERMINAL_THEMES.dark.cursor, "cursor = the dark accent").toBe("#7c93ff");
    expect(TERMINAL_THEMES.light.cursor, "cursor = the light accent").toBe("#3b55d9");
  });

  it.each(["dark", "light"] as const)("%s: every ANSI colour meant as text reads at 4.5:1 or better", (scheme) => {
    const theme = TERMINAL_THEMES[scheme];
    for (const name of ANSI) {
      const colour = theme[name];
      expect(colour, `${scheme} ${name} is missing`).toMatch(/^#[0-9a-f]{6}$/);
      if (BACKGROUND_LIKE[scheme].includes(name)) continue;
      expect(contrast(colour!, theme.background!), `${scheme} ${name} ${colour} is too faint`).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrast(theme.foreground!, theme.background!)).toBeGreaterThan(14);
  });
});
