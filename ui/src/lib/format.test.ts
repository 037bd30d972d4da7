import { describe, expect, it } from "vitest";
import { formatAge, formatAgo, formatSince, nextAgeChange, nextSinceChange, plural, tildify } from "./format";

describe("formatAge", () => {
  it.each([
    [0, "now"],
    [4_999, "now"],
    [5_000, "5s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [3_599_999, "59m"],
    [3_600_000, "1h"],
    [86_399_999, "23h"],
    [86_400_000, "1d"],
    [-30_000, "now"],
    [Number.NaN, "now"],
  ])("an age of %d ms reads %s", (ms, text) => {
    expect(formatAge(ms), `age ${ms} ms`).toBe(text);
  });
});

describe("formatAgo", () => {
  it.each([
    [0, "just now"],
    [4_999, "just now"],
    [12_000, "12 s ago"],
    [60_000, "1 min ago"],
    [4 * 60_000 + 59_000, "4 min ago"],
    [2 * 3_600_000, "2 h ago"],
    [3 * 86_400_000, "3 d ago"],
    [-30_000, "just now"],
    [Number.NaN, "just now"],
  ])("an age of %d ms reads %s", (ms, text) => {
    expect(formatAgo(ms), `age ${ms} ms`).toBe(text);
  });
});

describe("plural", () => {
  it("uses the singular only for exactly one", () => {
    expect(plural(0, "session")).toBe("0 sessions");
    expect(plural(1, "session")).toBe("1 session");
    expect(plural(2, "match", "matches")).toBe("2 matches");
  });
});

describe("tildify", () => {
  it("shortens paths under the home directory only", () => {
    expect(tildify("/home/ana/.config/grove/config.toml", "/home/ana")).toBe("~/.config/grove/config.toml");
    expect(tildify("/home/ana", "/home/ana/")).toBe("~");
    expect(tildify("/home/anabel/x", "/home/ana"), "a sibling with a common prefix is not under home").toBe(
      "/home/anabel/x",
    );
    expect(tildify("C:\\Users\\ana\\grove", "C:\\Users\\ana")).toBe("~\\grove");
    expect(tildify("/etc/x", null)).toBe("/etc/x");
  });
});

describe("formatSince", () => {
  it("reads in ten-second steps under a minute, then as a row age", () => {
    expect(formatSince(400)).toBe("under 10s");
    expect(formatSince(9_940), "just under ten seconds").toBe("under 10s");
    expect(formatSince(12_000)).toBe("10s");
    expect(formatSince(59_999)).toBe("50s");
    expect(formatSince(61_000)).toBe("1m");
    expect(formatSince(-5), "clock skew reads as just now").toBe("under 10s");
  });
});

describe("nextAgeChange", () => {
  it.each([
    [0, 5_000],
    [4_999, 1],
    [5_000, 1_000],
    [5_400, 600],
    [59_999, 1],
    [60_000, 60_000],
    [61_000, 59_000],
    [3_599_999, 1],
    [3_600_000, 3_600_000],
    [86_400_000, 86_400_000],
    [-30_000, 35_000],
  ])("an age of %d ms reads differently in %d ms", (ms, wait) => {
    expect(nextAgeChange(ms), `age ${ms} ms`).toBe(wait);
    expect(formatAge(ms + wait), `the text must change after the wait (age ${ms} ms)`).not.toBe(formatAge(ms));
    if (wait > 1) expect(formatAge(ms + wait - 1), `nothing changes before the wait (age ${ms} ms)`).toBe(formatAge(ms));
  });

  it("never wakes for an unreadable age", () => {
    expect(nextAgeChange(Number.NaN)).toBe(Infinity);
  });
});

describe("nextSinceChange", () => {
  it.each([
    [400, 9_600],
    [9_500, 500],
    [10_000, 10_000],
    [55_000, 5_000],
    [120_000, 60_000],
  ])("a feed age of %d ms reads differently in %d ms", (ms, wait) => {
    expect(nextSinceChange(ms)).toBe(wait);
    expect(formatSince(ms + wait), `the text must change after the wait (age ${ms} ms)`).not.toBe(formatSince(ms));
    expect(formatSince(ms + wait - 1), `nothing changes before the wait (age ${ms} ms)`).toBe(formatSince(ms));
  });
});
