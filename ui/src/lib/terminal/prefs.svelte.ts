// The terminal's settings as the app holds them (issue #10): one instance for the window, shared
// by the detail panel (which lays the terminal out) and the keyboard (`t`, Mod+Backquote). Open,
// font size and splitter share are remembered across runs; maximised and read-only are for now.

import {
  clampFontSize,
  defaultOpen,
  FONT_KEY,
  OPEN_KEY,
  readFontSize,
  readOpen,
  readShare,
  SHARE_KEY,
  write,
  type SettingsStorage,
  type TerminalSubject,
} from "./settings";
import { clampShare } from "./split";

export function browserStorage(): SettingsStorage {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export class TerminalPrefs {
  /** The user's last choice; null until they make one (then the session decides, `defaultOpen`). */
  chosenOpen = $state<boolean | null>(null);
  /**
   * The default for the session the panel shows, taken when it started showing it: a session
   * ending under an open terminal must not close it, the output and the ended summary stay.
   */
  shownDefault = $state(false);
  /** Whether the detail's terminal area is open. */
  readonly open = $derived(this.chosenOpen ?? this.shownDefault);
  fontSize = $state(0);
  /** The terminal's share of the area below the action bar, in percent. */
  share = $state(0);
  /** The terminal takes the whole area below the action bar. */
  maximised = $state(false);
  /** Keys typed into the terminal are dropped (watching without touching). */
  readOnly = $state(false);
  /** Set by `t` and Mod+Backquote: the terminal takes the focus once it is there. */
  focusWanted = $state(false);

  readonly #storage: SettingsStorage;

  constructor(storage: SettingsStorage = browserStorage()) {
    this.#storage = storage;
    this.chosenOpen = readOpen(storage);
    this.fontSize = readFontSize(storage);
    this.share = readShare(storage);
  }

  /** Whether the terminal would be open for this session, were the panel to show it now. */
  isOpen(session: TerminalSubject): boolean {
    return this.chosenOpen ?? defaultOpen(session);
  }

  /** The panel shows this session now: its default applies until the user chooses. */
  show(session: TerminalSubject): void {
    this.shownDefault = defaultOpen(session);
  }

  setOpen(open: boolean): void {
    this.chosenOpen = open;
    if (!open) {
      this.maximised = false;
      this.focusWanted = false;
    }
    write(this.#storage, OPEN_KEY, open ? "1" : "0");
  }

  /** Opens the shown session's closed terminal (asking for the focus), or closes it; returns whether it is open. */
  toggle(): boolean {
    const open = !this.open;
    this.setOpen(open);
    if (open) this.focusWanted = true;
    return open;
  }

  /** Opens the terminal, if closed, and asks for the focus. */
  reveal(session: TerminalSubject): void {
    if (!this.isOpen(session)) this.setOpen(true);
    this.focusWanted = true;
  }

  /** Whether the focus was asked for; asking is answered once. */
  takeFocus(): boolean {
    if (!this.focusWanted) return false;
    this.focusWanted = false;
    return true;
  }

  setFontSize(size: number): void {
    this.fontSize = clampFontSize(size);
    write(this.#storage, FONT_KEY, String(this.fontSize));
  }

  /** Sets the splitter's share; a drag remembers it only where it ends (`remember`). */
  setShare(share: number, remember = true): void {
    this.share = clampShare(share);
    if (remember) write(this.#storage, SHARE_KEY, String(this.share));
  }
}
