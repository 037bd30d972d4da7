// The window's keyboard (UI §3.1): keys become commands (list/keys.ts), carried out here on the
// list, the detail, its terminal and the app's panels. An open dialog owns the keyboard, and the
// terminal keeps every key but the few terminal/keys.ts hands to the app.

import type { SessionEntry } from "./feed/entry";
import type { LiveFeed } from "./feed/live.svelte";
import { commandFor, nextNeeding, type Command } from "./list/keys";
import type { ListNavigation } from "./list/navigation.svelte";
import { includeFor, projectAt } from "./list/scope";
import { realTimers, type Timers } from "./spawn/pending";
import { isMac, routeKey } from "./terminal/keys";
import type { TerminalPrefs } from "./terminal/prefs.svelte";

/** How long `g` waits for its group letter. */
const G_PREFIX_MS = 1500;

/** Which of the app's panels are open: the keyboard opens and closes them too. */
export interface Panels {
  sidebarOpen: boolean;
  spawnOpen: boolean;
  problemsOpen: boolean;
  /** The review panel of the detail's session (UI §1.12), which takes the content area. */
  reviewOpen: boolean;
}

/** The detail's terminal, as the keyboard reaches it. */
export interface TerminalTargets {
  prefs: Pick<TerminalPrefs, "toggle" | "reveal">;
  /** Whether the keyboard focus is in the terminal. */
  focused: () => boolean;
  /** Gives the focus to the session list. */
  focusList: () => void;
}

export interface ShortcutTargets {
  live: LiveFeed;
  nav: ListNavigation;
  panels: Panels;
  terminal: TerminalTargets;
  /** Whether a fleet sheet (quit, restore) is open: those answer their own keys. */
  fleetOpen: () => boolean;
  /** Stops a live session for a later restore (SPEC F5a); the caller reports the outcome. */
  stop: (entry: SessionEntry) => void;
  /** Chooses the option numbered `option` of the dialog the open detail shows (SPEC F2a). */
  answer: (option: number) => void;
  /** The open review's own keys (review/keys.ts); true when it took the key. */
  reviewKey?: (e: KeyboardEvent) => boolean;
}

/** While the review is open these dashboard commands still apply; the rest would move the session under it. */
const WHILE_REVIEWING: ReadonlySet<Command["kind"]> = new Set(["sidebar", "spawn", "scope"]);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches("input, textarea, select");
}

/** Whether the key was pressed in the terminal (xterm's hidden textarea sits inside `.xterm`). */
function inTerminal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(".xterm") !== null;
}

export class Shortcuts {
  readonly #to: ShortcutTargets;
  readonly #timers: Timers;
  readonly #mac: boolean;
  /** Set by `g`, for the group letter that may follow. */
  #afterG = false;
  #gTimer: unknown;

  constructor(targets: ShortcutTargets, timers: Timers = realTimers, mac: boolean = isMac()) {
    this.#to = targets;
    this.#timers = timers;
    this.#mac = mac;
  }

  /** The window's keydown handler. */
  readonly onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing) return;
    // Keys typed in the terminal are the agent's: Ctrl+B on Linux is tmux's or readline's, not the
    // sidebar's, and Esc must not close the panel. xterm stops most keys itself; this also covers
    // those it lets through (Ctrl+1, Shift+letters).
    if (inTerminal(e.target) && routeKey(e, { mac: this.#mac, hasSelection: false }) !== "app") return;
    // The review takes its keys first (j/k move between files there, `m` lands).
    if (this.#to.panels.reviewOpen && this.#to.reviewKey?.(e)) {
      e.preventDefault();
      return;
    }
    const typing = isTyping(e.target);
    const command = commandFor(
      { key: e.key, code: e.code, mod: e.metaKey || e.ctrlKey, shift: e.shiftKey, alt: e.altKey, typing },
      this.#afterG,
    );
    if (command?.kind !== "await-group") this.#afterG = false;
    if (command === null) return;
    // Enter and Space on a focused button belong to that button.
    if ((e.key === "Enter" || e.key === " ") && e.target instanceof Element && e.target.closest("button, a")) return;
    // A dialog (spawn, problems, a confirmation inside the detail) owns the keyboard, so j/k cannot
    // change the session under a "Kill?" question. Only the sidebar chord passes, and Esc closes
    // the spawn or problems sheet when the sheet itself did not take it. The quit and restore
    // sheets sit over everything and answer their own keys, Esc included.
    const { panels, fleetOpen } = this.#to;
    const sheet = (panels.spawnOpen || panels.problemsOpen) && !fleetOpen();
    const modal = sheet || fleetOpen() || document.querySelector('[aria-modal="true"]') !== null;
    if (modal && command.kind !== "sidebar" && !(sheet && command.kind === "escape")) return;
    if (panels.reviewOpen && !WHILE_REVIEWING.has(command.kind) && command.kind !== "escape") return;
    e.preventDefault();
    this.run(command);
  };

  run(command: Command): void {
    const { live, nav, panels, terminal } = this.#to;
    switch (command.kind) {
      case "move":
        nav.move(command.delta);
        return;
      case "open":
        if (nav.selected !== null) nav.detailOpen = true;
        else nav.select(nav.flat.rows[0] ?? null, true);
        return;
      case "escape":
        if (panels.problemsOpen) panels.problemsOpen = false;
        else if (panels.spawnOpen) panels.spawnOpen = false;
        else if (panels.reviewOpen) panels.reviewOpen = false;
        else if (nav.detailOpen) nav.detailOpen = false;
        else if (nav.selected !== null) nav.selected = null;
        else nav.view = null;
        return;
      case "spawn":
        panels.spawnOpen = true;
        return;
      case "scope":
        if (command.project === 0) nav.project = null;
        else nav.project = projectAt(live.projects, command.project) ?? nav.project;
        return;
      case "sidebar":
        panels.sidebarOpen = !panels.sidebarOpen;
        return;
      case "await-group":
        this.#afterG = true;
        this.#timers.clear(this.#gTimer);
        this.#gTimer = this.#timers.set(() => (this.#afterG = false), G_PREFIX_MS);
        return;
      case "jump":
        nav.jump(command.group);
        return;
      case "next-needing": {
        const include = includeFor(nav.project);
        const next = nextNeeding(
          (g) => (include ? live.store.groups[g].filter(include) : live.store.groups[g]),
          nav.selected,
        );
        const group = next === null ? undefined : live.store.sessions.get(next)?.group;
        if (next === null || group === undefined) return;
        if (nav.view !== null && nav.view !== group) nav.view = null;
        nav.toggled[group] = true;
        nav.select(next);
        return;
      }
      case "terminal": {
        // From the list, `t` opens the detail with its terminal; in the detail it toggles it.
        const entry = nav.selected === null ? undefined : live.store.sessions.get(nav.selected);
        if (entry === undefined) return;
        if (nav.detailOpen) {
          terminal.prefs.toggle();
        } else {
          nav.detailOpen = true;
          terminal.prefs.reveal(entry);
        }
        return;
      }
      case "stop": {
        // Restorable, so no confirmation (UI §3.5); an ended session has nothing to stop (A3).
        const entry = nav.selected === null ? undefined : live.store.sessions.get(nav.selected);
        if (entry !== undefined && !entry.resolved.ended) this.#to.stop(entry);
        return;
      }
      case "review":
        // From the list or the detail: the review of the selected session.
        if (nav.selected === null || !live.store.sessions.has(nav.selected)) return;
        nav.detailOpen = true;
        panels.reviewOpen = true;
        return;
      case "answer":
        // Only in the open detail, where the options are in view; a digit on the list alone is nothing.
        if (nav.detailOpen && nav.shownKey !== null) this.#to.answer(command.option);
        return;
      case "terminal-focus": {
        if (terminal.focused()) {
          terminal.focusList();
          return;
        }
        const entry = nav.selected === null ? undefined : live.store.sessions.get(nav.selected);
        if (entry === undefined) return;
        nav.detailOpen = true;
        terminal.prefs.reveal(entry);
        return;
      }
    }
  }
}
