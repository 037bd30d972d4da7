// The terminal's colours (UI §2.2): #D5DDD9 on #0A0D0C in dark, #1F2624 on #FAFBFA in light, the
// cursor in the accent token. The ANSI colours reuse the attention hues where one fits (red,
// green, yellow, cyan, blue = accent), brightened for dark and darkened for light, so that each of
// them reads at WCAG AA (4.5:1) on its scheme's background (theme.test.ts checks). The exceptions
// are the colours that play the background there: black in dark, white and bright white in light.
// Background, foreground and cursor repeat tokens.css (--terminal-bg, --terminal-fg, --accent),
// which the terminal's frame uses around the grid.

import type { ITheme } from "@xterm/xterm";

export type Scheme = "dark" | "light";

export const TERMINAL_THEMES: Readonly<Record<Scheme, Readonly<ITheme>>> = {
  dark: {
    foreground: "#d5ddd9",
    background: "#0a0d0c",
    cursor: "#7c93ff",
    cursorAccent: "#0a0d0c",
    selectionBackground: "#7c93ff59",
    selectionInactiveBackground: "#7c93ff33",
    scrollbarSliderBackground: "#9da9a433",
    scrollbarSliderHoverBackground: "#9da9a466",
    black: "#2a3230",
    red: "#f2626b",
    green: "#3dd68c",
    yellow: "#f5a524",
    blue: "#7c93ff",
    magenta: "#c98bef",
    cyan: "#38bdd0",
    white: "#d5ddd9",
    brightBlack: "#7a8682",
    brightRed: "#ff8f95",
    brightGreen: "#74e6ae",
    brightYellow: "#ffc660",
    brightBlue: "#a5b4ff",
    brightMagenta: "#ddb2f7",
    brightCyan: "#72d7e6",
    brightWhite: "#f3f7f5",
  },
  light: {
    foreground: "#1f2624",
    background: "#fafbfa",
    cursor: "#3b55d9",
    cursorAccent: "#fafbfa",
    selectionBackground: "#3b55d940",
    selectionInactiveBackground: "#3b55d926",
    scrollbarSliderBackground: "#4a555133",
    scrollbarSliderHoverBackground: "#4a555166",
    black: "#1f2624",
    red: "#c52a3a",
    green: "#11784a",
    yellow: "#9a5400",
    blue: "#3b55d9",
    magenta: "#8e3bb5",
    cyan: "#0b7285",
    white: "#d8dfdc",
    brightBlack: "#5f6a66",
    brightRed: "#a3202f",
    brightGreen: "#0b5e3a",
    brightYellow: "#7a4200",
    brightBlue: "#2b43b5",
    brightMagenta: "#70298f",
    brightCyan: "#075a69",
    brightWhite: "#eef2f0",
  },
};

/** The app's scheme, as tokens.css follows it: light when the OS prefers light, dark otherwise. */
export const LIGHT_QUERY = "(prefers-color-scheme: light)";

/**
 * Text an agent colours for another background (white on a light scheme) is lifted to this
 * contrast by xterm, the value VS Code's terminal uses by default; dim text gets half of it.
 */
export const MIN_CONTRAST = 4.5;

/** WCAG contrast of two #rrggbb colours, for the tests and anyone choosing new colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}
