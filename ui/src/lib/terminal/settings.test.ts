import { describe, expect, it } from "vitest";
import type { FeedSession } from "../../ipc/bindings";
import { feedSession } from "../feed/fixtures";
import { TerminalPrefs } from "./prefs.svelte";
import {
  clampFontSize,
  defaultOpen,
  FONT_DEFAULT,
  FONT_KEY,
  FONT_MAX,
  FONT_MIN,
  OPEN_KEY,
  readFontSize,
  readOpen,
  readShare,
  SHARE_KEY,
} from "./settings";
import { SHARE_DEFAULT, SHARE_MAX } from "./split";

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    storage: { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) },
  };
}

const throwing = {
  getItem: () => {
    throw new Error("denied");
  },
  setItem: () => {
    throw new Error("denied");
  },
};

/** A session as the terminal sees it: its record and what the engine resolved. */
const subject = (s: FeedSession) => ({ record: s.view.record, resolved: s.resolved });
const live = subject(feedSession({ id: "w1" }));
const ended = subject(
  feedSession({ id: "d1", state: "terminated", reason: "manually_killed", runtime: "missing", attention: "done" }),
);
const process = { ...live, record: { ...live.record, runtime: "process" as const } };

describe("font size", () => {
  it("clamps to 9–24 whole pixels, default 13", () => {
    expect(clampFontSize(13)).toBe(13);
    expect(clampFontSize(4)).toBe(FONT_MIN);
    expect(clampFontSize(40)).toBe(FONT_MAX);
    expect(clampFontSize(12.6)).toBe(13);
    expect(clampFontSize(Number.NaN)).toBe(FONT_DEFAULT);
    expect(FONT_DEFAULT).toBe(13);
  });

  it("reads the stored size forgivingly", () => {
    expect(readFontSize(memoryStorage({ [FONT_KEY]: "16" }).storage)).toBe(16);
    expect(readFontSize(memoryStorage({ [FONT_KEY]: "huge" }).storage), "garbage is the default").toBe(FONT_DEFAULT);
    expect(readFontSize(memoryStorage({ [FONT_KEY]: "" }).storage), "empty is the default, not 9").toBe(FONT_DEFAULT);
    expect(readFontSize(memoryStorage({ [FONT_KEY]: "99" }).storage)).toBe(FONT_MAX);
    expect(readFontSize(throwing), "a refusing storage is the default").toBe(FONT_DEFAULT);
    expect(readFontSize(null)).toBe(FONT_DEFAULT);
  });
});

describe("stored share and open state", () => {
  it("reads the share clamped, else 60%", () => {
    expect(readShare(memoryStorage({ [SHARE_KEY]: "42" }).storage)).toBe(42);
    expect(readShare(memoryStorage({ [SHARE_KEY]: "100" }).storage)).toBe(SHARE_MAX);
    expect(readShare(memoryStorage().storage)).toBe(SHARE_DEFAULT);
    expect(readShare(throwing)).toBe(SHARE_DEFAULT);
  });

  it("reads open as a choice only when one was stored", () => {
    expect(readOpen(memoryStorage({ [OPEN_KEY]: "1" }).storage)).toBe(true);
    expect(readOpen(memoryStorage({ [OPEN_KEY]: "0" }).storage)).toBe(false);
    expect(readOpen(memoryStorage({ [OPEN_KEY]: "yes" }).storage)).toBeNull();
    expect(readOpen(throwing)).toBeNull();
  });

  it("opens by default only for a live tmux session", () => {
    expect(defaultOpen(live)).toBe(true);
    expect(defaultOpen(ended), "an ended session has no terminal to show").toBe(false);
    expect(defaultOpen(process), "a plain process has no terminal").toBe(false);
  });
});

describe("TerminalPrefs", () => {
  it("follows the session until the user chooses, then remembers the choice", () => {
    const { storage, data } = memoryStorage();
    const prefs = new TerminalPrefs(storage);
    expect([prefs.isOpen(live), prefs.isOpen(ended)]).toEqual([true, false]);
    prefs.show(live);
    expect(prefs.open).toBe(true);
    expect(prefs.toggle(), "t on a live session closes its open terminal").toBe(false);
    expect(data.get(OPEN_KEY)).toBe("0");
    expect(prefs.isOpen(live), "the choice holds for every session").toBe(false);
    expect(new TerminalPrefs(storage).isOpen(live), "and across runs").toBe(false);
  });

  it("keeps the shown session's default while it is shown, even when the session ends", () => {
    const prefs = new TerminalPrefs(memoryStorage().storage);
    prefs.show(live);
    expect(prefs.open).toBe(true);
    // The record changes under the panel (killed): no new show(), the terminal stays with its output.
    expect(prefs.open, "an ending session does not close its terminal").toBe(true);
    prefs.show(ended);
    expect(prefs.open, "another, ended session starts closed").toBe(false);
  });

  it("asks for the focus when the terminal opens, and answers the ask once", () => {
    const prefs = new TerminalPrefs(memoryStorage().storage);
    prefs.setOpen(false);
    expect(prefs.toggle()).toBe(true);
    expect(prefs.takeFocus(), "opening asks for the focus").toBe(true);
    expect(prefs.takeFocus(), "only once").toBe(false);
    prefs.maximised = true;
    prefs.reveal(live);
    expect([prefs.focusWanted, prefs.chosenOpen]).toEqual([true, true]);
    prefs.setOpen(false);
    expect([prefs.focusWanted, prefs.maximised], "closing drops the ask and the maximise").toEqual([false, false]);
  });

  it("reveals without storing a choice when the terminal is open by default", () => {
    const { storage, data } = memoryStorage();
    const prefs = new TerminalPrefs(storage);
    prefs.reveal(live);
    expect(data.has(OPEN_KEY), "nothing chosen, nothing stored").toBe(false);
    expect(prefs.focusWanted).toBe(true);
  });

  it("clamps and stores font size and share; a drag stores only its end", () => {
    const { storage, data } = memoryStorage();
    const prefs = new TerminalPrefs(storage);
    prefs.setFontSize(30);
    expect([prefs.fontSize, data.get(FONT_KEY)]).toEqual([FONT_MAX, String(FONT_MAX)]);
    prefs.setShare(70, false);
    expect([prefs.share, data.has(SHARE_KEY)]).toEqual([70, false]);
    prefs.setShare(10);
    expect([prefs.share, data.get(SHARE_KEY)]).toEqual([20, "20"]);
  });

  it("keeps working when the storage refuses", () => {
    const prefs = new TerminalPrefs(throwing);
    prefs.setFontSize(15);
    prefs.setOpen(true);
    expect([prefs.fontSize, prefs.isOpen(ended)]).toEqual([15, true]);
  });
});
