import { describe, expect, it } from "vitest";
import type { FeedWarning } from "../../ipc/bindings";
import {
  bannerText,
  bannerTone,
  groupWarnings,
  tildifyText,
  warningLocation,
  warningMessage,
  whatToDo,
} from "./warnings";

const w = (source: FeedWarning["source"], message: string, file: string | null = null, line: number | null = null) => ({
  source,
  message,
  file,
  line,
});

const config = w("config", "unknown key `agnet`", "/home/u/.config/grove/config.toml", 12);
const quarantined = w(
  "store",
  "api-3.json is not a valid session record; moved to /home/u/.grove/projects/api/sessions/api-3.json.corrupt-1700",
  "/home/u/.grove/projects/api/sessions/api-3.json.corrupt-1700",
);
const feed = w("feed", "live updates are off (inotify limit); the dashboard updates every 5 s");

describe("groupWarnings", () => {
  it("groups by source in the order Config, Records, Feed and drops empty groups", () => {
    const groups = groupWarnings([feed, config, quarantined, config]);
    expect(groups.map((g) => g.title), "group order").toEqual(["Config", "Records", "Feed"]);
    expect(groups[0]!.warnings, "both config warnings stay, in order").toHaveLength(2);
    expect(groupWarnings([feed]).map((g) => g.source), "only non-empty groups").toEqual(["feed"]);
  });
});

describe("whatToDo", () => {
  it("gives each source its own advice", () => {
    expect(whatToDo(config)).toBe("Fix the file, then save: Grove reloads it.");
    expect(whatToDo(quarantined), "names the quarantined file").toBe(
      "The file was moved aside as api-3.json.corrupt-1700; the other sessions are unaffected.",
    );
    expect(whatToDo(w("store", "x.json was written by a newer Grove (format version 9); skipped", "/x.json"))).toMatch(
      /Update Grove/,
    );
    expect(whatToDo(feed)).toBe("Grove keeps showing the last good data and retries.");
  });
});

describe("locations and text", () => {
  it("takes a config error's own file:line:column prefix out of the message and into the location", () => {
    const real = w("config", "/home/u/.config/grove/config.toml:12:5: unknown key `agnet`", config.file, 12);
    expect(warningLocation(real, "/home/u")).toBe("~/.config/grove/config.toml:12:5");
    expect(warningMessage(real), "the message no longer repeats the location").toBe("unknown key `agnet`");
    expect(warningMessage(feed), "other messages stay whole").toBe(feed.message);
    expect(bannerText([real]), "the banner leads with the message, not the path").toBe("1 problem: unknown key `agnet`");
  });

  it("shows file:line under home as ~", () => {
    expect(warningLocation(config, "/home/u")).toBe("~/.config/grove/config.toml:12");
    expect(warningLocation(quarantined, null), "no home: the full path, no line").toBe(quarantined.file);
    expect(warningLocation(feed, "/home/u"), "no file: no location").toBeNull();
    expect(tildifyText(quarantined.message, "/home/u/")).toContain("moved to ~/.grove/projects");
  });
});

describe("banner", () => {
  it("is amber for config and records, red once the feed has trouble", () => {
    expect(bannerTone([config, quarantined])).toBe("respond");
    expect(bannerTone([config, feed])).toBe("review");
  });
  it("counts the problems and leads with the feed's", () => {
    expect(bannerText([])).toBeNull();
    expect(bannerText([config])).toBe("1 problem: unknown key `agnet`");
    expect(bannerText([config, feed])).toBe(`2 problems: ${feed.message}`);
  });
  it("shows paths under the user's home as ~/", () => {
    expect(bannerText([quarantined], "/home/u"), "the banner tildifies like the panel").toContain("~/.grove/projects");
  });
});

describe("GitHub warnings", () => {
  it("say when PR state resumes, or how to fix gh", async () => {
    const { whatToDo } = await import("./warnings");
    const limited = { source: "github" as const, message: "GitHub rate limit: checking again at 14:05", file: null, line: null };
    const missing = { source: "github" as const, message: "gh is not installed", file: null, line: null };
    expect(whatToDo(limited)).toMatch(/resume by themselves/);
    expect(whatToDo(missing)).toMatch(/gh auth login/);
  });
});
