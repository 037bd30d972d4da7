// The terminal's remembered settings (issue #10): font size, the splitter's share and whether the
// terminal is open, each in localStorage under its own key. Reading is forgiving: a missing,
// garbled or out-of-range value, or a storage that throws (private mode), gives the default.

import type { Resolved, SessionRecord } from "../../ipc/bindings";
import { clampShare, SHARE_DEFAULT } from "./split";

export const FONT_MIN = 9;
export const FONT_MAX = 24;
export const FONT_DEFAULT = 13;

export const FONT_KEY = "grove.terminal.fontSize";
export const SHARE_KEY = "grove.terminal.share";
export const OPEN_KEY = "grove.terminal.open";

/** The part of `Storage` the settings use; null where there is none. */
export type SettingsStorage = Pick<Storage, "getItem" | "setItem"> | null;

/** A whole pixel size within 9–24; anything unreadable is the default 13. */
export function clampFontSize(size: number): number {
  if (!Number.isFinite(size)) return FONT_DEFAULT;
  return Math.min(FONT_MAX, Math.max(FONT_MIN, Math.round(size)));
}

function read(storage: SettingsStorage, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Stores a setting; one that cannot be stored still applies for this run. */
export function write(storage: SettingsStorage, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Storage full or refused: nothing to tell the user, the setting just is not remembered.
  }
}

const readNumber = (storage: SettingsStorage, key: string) => {
  const text = read(storage, key);
  return text === null || text.trim() === "" ? NaN : Number(text);
};

export function readFontSize(storage: SettingsStorage): number {
  return clampFontSize(readNumber(storage, FONT_KEY));
}

export function readShare(storage: SettingsStorage): number {
  const share = readNumber(storage, SHARE_KEY);
  return Number.isFinite(share) ? clampShare(share) : SHARE_DEFAULT;
}

/** Whether the user last opened (true) or closed (false) the terminal; null if never. */
export function readOpen(storage: SettingsStorage): boolean | null {
  const text = read(storage, OPEN_KEY);
  return text === "1" ? true : text === "0" ? false : null;
}

/** A session as the terminal sees it: how it runs, and whether the engine says it ended. */
export interface TerminalSubject {
  record: Pick<SessionRecord, "runtime" | "lifecycle">;
  resolved: Pick<Resolved, "ended" | "restorable">;
}

/** Until the user chooses, the terminal is open for a session with a live tmux session to show. */
export function defaultOpen(session: TerminalSubject): boolean {
  return session.record.runtime === "tmux" && !session.resolved.ended;
}
