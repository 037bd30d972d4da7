import { describe, expect, it } from "vitest";
import type { KeyPress } from "../list/keys";
import { modKey, reviewCommandFor } from "./keys";

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  mod: false,
  shift: false,
  alt: false,
  typing: false,
  ...over,
});

describe("reviewCommandFor", () => {
  it("maps the review's single keys", () => {
    expect(reviewCommandFor(press("j"))).toEqual({ kind: "file", delta: 1 });
    expect(reviewCommandFor(press("ArrowUp"))).toEqual({ kind: "file", delta: -1 });
    expect(reviewCommandFor(press("n"))).toEqual({ kind: "hunk", delta: 1 });
    expect(reviewCommandFor(press("v"))).toEqual({ kind: "viewed" });
    expect(reviewCommandFor(press("m"))).toEqual({ kind: "land" });
    expect(reviewCommandFor(press("Escape"))).toEqual({ kind: "close" });
  });

  it("keeps Mod chords while typing, and nothing else", () => {
    expect(reviewCommandFor(press("\\", { mod: true, typing: true }))).toEqual({ kind: "split" });
    expect(reviewCommandFor(press("|", { mod: true, code: "Backslash" }))).toEqual({ kind: "split" });
    expect(reviewCommandFor(press("Enter", { mod: true, shift: true, typing: true }))).toEqual({ kind: "send" });
    expect(reviewCommandFor(press("m", { typing: true }))).toBeNull();
    expect(reviewCommandFor(press("Escape", { typing: true }))).toBeNull();
    expect(reviewCommandFor(press("Enter", { mod: true }))).toBeNull();
    expect(reviewCommandFor(press("V", { shift: true }))).toBeNull();
  });

  it("writes Mod per platform", () => {
    expect(modKey(true)).toBe("⌘");
    expect(modKey(false)).toBe("Ctrl+");
  });
});
