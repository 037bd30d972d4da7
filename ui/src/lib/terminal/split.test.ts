import { describe, expect, it } from "vitest";
import { clampShare, SHARE_DEFAULT, SHARE_MAX, SHARE_MIN, shareAfterKey, shareAt } from "./split";

describe("splitter share", () => {
  it("clamps to 20–85% and turns garbage into the default", () => {
    expect(clampShare(60)).toBe(60);
    expect(clampShare(5)).toBe(SHARE_MIN);
    expect(clampShare(99)).toBe(SHARE_MAX);
    expect(clampShare(Number.NaN)).toBe(SHARE_DEFAULT);
    expect(clampShare(Number.POSITIVE_INFINITY)).toBe(SHARE_DEFAULT);
    expect(SHARE_DEFAULT, "UI §1.6: the terminal takes 60% by default").toBe(60);
  });

  it("follows the pointer: the terminal is what lies below it", () => {
    // The area spans y 100..500 (400 px).
    expect(shareAt(260, 100, 400), "pointer 40% down: the terminal gets the lower 60%").toBe(60);
    expect(shareAt(120, 100, 400), "near the top: clamped to the maximum").toBe(SHARE_MAX);
    expect(shareAt(495, 100, 400), "near the bottom: clamped to the minimum").toBe(SHARE_MIN);
    expect(shareAt(300, 100, 0), "an area with no height keeps the default").toBe(SHARE_DEFAULT);
  });

  it("steps with the keyboard and stops at the ends", () => {
    expect(shareAfterKey(60, "ArrowUp"), "Up grows the terminal").toBe(65);
    expect(shareAfterKey(60, "ArrowDown"), "Down shrinks it").toBe(55);
    expect(shareAfterKey(60, "PageUp")).toBe(80);
    expect(shareAfterKey(30, "PageDown")).toBe(SHARE_MIN);
    expect(shareAfterKey(84, "ArrowUp"), "no step past the maximum").toBe(SHARE_MAX);
    expect(shareAfterKey(21, "ArrowDown"), "no step past the minimum").toBe(SHARE_MIN);
    expect(shareAfterKey(60, "Home")).toBe(SHARE_MAX);
    expect(shareAfterKey(60, "End")).toBe(SHARE_MIN);
    expect(shareAfterKey(60, "j"), "other keys are not the splitter's").toBeNull();
  });
});
