import { describe, expect, it } from "vitest";
import { formatAge, formatAgo, formatSince, plural, tildify } from "./format";

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
  it("reads tenths of a second while recent, then a compact age", () => {
    expect(formatSince(400)).toBe("0.4 s");
    expect(formatSince(9_940), "just under ten seconds").toBe("9.9 s");
    expect(formatSince(12_000)).toBe("12s");
    expect(formatSince(-5), "clock skew reads as just now").toBe("0.0 s");
  });
});
