// The quit sheet's logic (UI §1.10, SPEC G2). Closing the window asks the page first: with no live
// session, or once the user said "Don't ask again", Grove quits at once; otherwise the sheet asks.
// Quitting is not destructive (sessions are stopped for restore, worktrees kept), so it needs no
// dialog of the "kill" kind (UI §3.5), only this one question. Kept free of Svelte and Tauri: the
// calls and the storage are injected, and the view lives in the holder the caller gives (a
// `$state` object in the app, a plain object in tests), always replaced whole.

import { plural } from "../format";

/** Where "Don't ask again" is remembered. */
export const DONT_ASK_KEY = "grove.quit.dontAsk";

export type QuitView =
  | { kind: "closed" }
  /** The question: `live` sessions would be stopped. */
  | { kind: "confirm"; live: number }
  /** The quit path runs, stopping `live` sessions. */
  | { kind: "quitting"; live: number };

export interface QuitState {
  view: QuitView;
  /** Why the last call failed, shown inline in the sheet. */
  error: string | null;
}

/** The part of `Storage` the flow uses; null where there is none. */
export type QuitStorage = Pick<Storage, "getItem" | "setItem"> | null;

export interface QuitDeps {
  quit: () => Promise<void>;
  cancel: () => Promise<void>;
  /** How many sessions are live right now (read when the close arrives, not before). */
  live: () => number;
  storage: QuitStorage;
  /** Something went wrong after the sheet closed: the caller shows it (a toast). */
  notice?: (text: string) => void;
}

/** Whether the user asked never to be asked; a storage that throws (private mode) means "ask". */
export function dontAsk(storage: QuitStorage): boolean {
  try {
    return storage?.getItem(DONT_ASK_KEY) === "1";
  } catch {
    return false;
  }
}

/** "Quit Grove?" sheet body. */
export function confirmText(live: number): string {
  if (live === 0) return "No session is running.";
  return (
    `${plural(live, "session")} ${live === 1 ? "is" : "are"} running. Quitting stops them; their worktrees and ` +
    "uncommitted work are kept, and Grove offers to bring them back next time."
  );
}

/** The line shown while the quit path runs. */
export function quittingText(live: number): string {
  if (live === 0) return "Quitting Grove · nothing to stop";
  return `Stopping ${plural(live, "session")} · worktrees kept · offered for restore next start`;
}

function message(e: unknown): string {
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

export class QuitFlow {
  readonly #state: QuitState;
  readonly #deps: QuitDeps;

  constructor(state: QuitState, deps: QuitDeps) {
    this.#state = state;
    this.#deps = deps;
  }

  /** The window's close button was pressed. */
  requested(): void {
    if (this.#state.view.kind === "quitting") return;
    const live = this.#deps.live();
    if (live === 0 || dontAsk(this.#deps.storage)) {
      this.#quit();
      return;
    }
    this.#state.error = null;
    this.#state.view = { kind: "confirm", live };
  }

  /** Quit from the sheet; `remember` is the "Don't ask again" box. */
  confirm(remember: boolean): void {
    if (this.#state.view.kind !== "confirm") return;
    if (remember) {
      try {
        this.#deps.storage?.setItem(DONT_ASK_KEY, "1");
      } catch {
        // Not remembered (storage full or refused): the quit itself goes ahead.
      }
    }
    this.#quit();
  }

  /** Keep Grove open. The sheet closes at once; the backend is told in the background. */
  cancel(): void {
    if (this.#state.view.kind !== "confirm") return;
    this.#state.view = { kind: "closed" };
    this.#state.error = null;
    this.#deps.cancel().catch((e: unknown) => {
      // The backend still waits for an answer, so the next close quits without asking.
      this.#deps.notice?.(`Could not cancel the quit (${message(e)}); closing the window again quits`);
    });
  }

  /** The quit path started (from the sheet, the tray, the OS shortcut or a signal). */
  quitting(live: number): void {
    this.#state.error = null;
    this.#state.view = { kind: "quitting", live };
  }

  #quit(): void {
    this.#deps.quit().catch((e: unknown) => {
      // The quit never started: show why in the sheet, which stays (or opens) so the user can
      // try again or cancel; a second press of the close button quits regardless.
      const view = this.#state.view;
      this.#state.view = { kind: "confirm", live: view.kind === "closed" ? this.#deps.live() : view.live };
      this.#state.error = `Could not quit: ${message(e)}`;
    });
  }
}
