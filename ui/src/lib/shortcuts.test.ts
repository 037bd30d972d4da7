import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { feedSession, snapshot } from "./feed/fixtures";
import { ListNavigation } from "./list/navigation.svelte";
import { Shortcuts, type Panels } from "./shortcuts";
import { SpawnTracker } from "./spawn/tracker.svelte";
import { TerminalPrefs } from "./terminal/prefs.svelte";
import { fakeFeed } from "./testing/feed";
import { fakeTimers } from "./testing/timers";

const working = (id: string, project = "api") => feedSession({ id, project });
const needsYou = (id: string, project = "api") =>
  feedSession({ id, project, attention: "respond", status: "needs_input" });

async function harness() {
  const feed = await fakeFeed();
  feed.send(snapshot(1, [needsYou("r1"), working("w1"), working("w2"), needsYou("x1", "web")]));
  const nav = new ListNavigation(feed.live, new SpawnTracker(), () => {});
  const panels: Panels = { sidebarOpen: true, spawnOpen: false, problemsOpen: false, reviewOpen: false };
  const fleet = { open: false };
  const clock = fakeTimers();
  const prefs = new TerminalPrefs(null);
  const focus = { terminal: false };
  const terminal = {
    prefs,
    focused: () => focus.terminal,
    focusList: () => void (focus.terminal = false),
  };
  const stopped: string[] = [];
  const answered: number[] = [];
  const reviewKeys: string[] = [];
  const shortcuts = new Shortcuts(
    {
      live: feed.live,
      nav,
      panels,
      terminal,
      fleetOpen: () => fleet.open,
      stop: (e) => void stopped.push(e.key),
      answer: (n) => void answered.push(n),
      reviewKey: (e) => {
        reviewKeys.push(e.key);
        return e.key === "j" || e.key === "Escape";
      },
    },
    clock.timers,
    false,
  );
  return { ...feed, nav, panels, fleet, clock, shortcuts, prefs, focus, stopped, answered, reviewKeys };
}

/** A keydown as the window sees it, on the page rather than in a field (unless `target` says). */
function key(k: string, mods: { mod?: boolean; shift?: boolean; target?: unknown } = {}) {
  const event = {
    key: k,
    code: k === "`" ? "Backquote" : "",
    metaKey: false,
    ctrlKey: mods.mod ?? false,
    shiftKey: mods.shift ?? false,
    altKey: false,
    isComposing: false,
    defaultPrevented: false,
    target: mods.target ?? null,
    preventDefault: () => void (event.defaultPrevented = true),
  };
  return event as unknown as KeyboardEvent;
}

let modalOpen = false;
beforeEach(() => {
  modalOpen = false;
  vi.stubGlobal("HTMLElement", class {});
  vi.stubGlobal("Element", class {});
  vi.stubGlobal("document", { querySelector: () => (modalOpen ? {} : null) });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("Shortcuts", () => {
  it("moves, opens and steps back out with Esc, one layer at a time", async () => {
    const { nav, panels, shortcuts } = await harness();
    shortcuts.onKey(key("j"));
    expect([nav.selected, nav.detailOpen]).toEqual(["api/r1", false]);
    shortcuts.onKey(key("Enter"));
    expect(nav.shownKey).toBe("api/r1");
    nav.view = "respond";
    panels.spawnOpen = true;
    panels.problemsOpen = true;
    const layers = () => [panels.problemsOpen, panels.spawnOpen, nav.detailOpen, nav.selected, nav.view];
    shortcuts.run({ kind: "escape" });
    expect(layers()).toEqual([false, true, true, "api/r1", "respond"]);
    shortcuts.run({ kind: "escape" });
    expect(layers()).toEqual([false, false, true, "api/r1", "respond"]);
    shortcuts.onKey(key("Escape"));
    expect(layers()).toEqual([false, false, false, "api/r1", "respond"]);
    shortcuts.onKey(key("Escape"));
    expect(layers()).toEqual([false, false, false, null, "respond"]);
    shortcuts.onKey(key("Escape"));
    expect(layers()).toEqual([false, false, false, null, null]);
  });

  it("d opens the selected session's review, which then takes its keys first (UI §1.12)", async () => {
    const { nav, panels, shortcuts, reviewKeys } = await harness();
    shortcuts.onKey(key("d"));
    expect(panels.reviewOpen).toBe(false);
    shortcuts.onKey(key("j"));
    shortcuts.onKey(key("d"));
    expect([nav.detailOpen, panels.reviewOpen]).toEqual([true, true]);
    // j is the review's (next file): the selected session stays.
    shortcuts.onKey(key("j"));
    expect(reviewKeys).toEqual(["j"]);
    expect(nav.selected).toBe("api/r1");
    // Keys the review leaves do not move the session under it either.
    shortcuts.onKey(key(" "));
    expect(nav.selected).toBe("api/r1");
    // Esc closes the review first, the detail stays.
    panels.reviewOpen = true;
    shortcuts.onKey(key("Escape"));
    expect(reviewKeys.at(-1)).toBe("Escape");
  });

  it("opens the first row when nothing is selected", async () => {
    const { nav, shortcuts } = await harness();
    shortcuts.onKey(key("o"));
    expect(nav.shownKey).toBe("api/r1");
  });

  it("jumps to a group with g and its letter, while the letter comes soon enough", async () => {
    const { nav, shortcuts, clock } = await harness();
    shortcuts.onKey(key("g"));
    shortcuts.onKey(key("w"));
    expect(nav.selected).toBe("api/w1");
    shortcuts.onKey(key("g"));
    clock.fireAll();
    shortcuts.onKey(key("y"));
    expect(nav.selected, "a late letter is no jump").toBe("api/w1");
  });

  it("selects the next session that needs you, in scope", async () => {
    const { nav, shortcuts } = await harness();
    shortcuts.onKey(key(" "));
    expect(nav.selected).toBe("api/r1");
    shortcuts.onKey(key(" "));
    expect(nav.selected).toBe("web/x1");
    nav.project = "api";
    shortcuts.onKey(key(" "));
    expect(nav.selected).toBe("api/r1");
  });

  it("toggles the sidebar, opens the spawn sheet and picks the project scope", async () => {
    const { nav, panels, shortcuts } = await harness();
    shortcuts.onKey(key("b", { mod: true }));
    expect(panels.sidebarOpen).toBe(false);
    shortcuts.onKey(key("c"));
    expect(panels.spawnOpen).toBe(true);
    shortcuts.onKey(key("1", { mod: true }));
    expect(nav.project, "the spawn sheet owns the keyboard").toBeNull();
    panels.spawnOpen = false;
    shortcuts.onKey(key("1", { mod: true }));
    expect(nav.project).toBe("api");
    shortcuts.onKey(key("9", { mod: true }));
    expect(nav.project, "no ninth project").toBe("api");
    shortcuts.onKey(key("0", { mod: true }));
    expect(nav.project).toBeNull();
  });

  it("leaves the keyboard to an open dialog but the sidebar chord, and Esc to a sheet", async () => {
    const { nav, panels, fleet, shortcuts } = await harness();
    modalOpen = true;
    const j = key("j");
    shortcuts.onKey(j);
    expect(nav.selected).toBeNull();
    expect(j.defaultPrevented).toBe(false);
    shortcuts.onKey(key("b", { mod: true }));
    expect(panels.sidebarOpen).toBe(false);
    modalOpen = false;

    panels.problemsOpen = true;
    shortcuts.onKey(key("j"));
    expect(nav.selected).toBeNull();
    fleet.open = true;
    shortcuts.onKey(key("Escape"));
    expect(panels.problemsOpen, "the quit or restore sheet answers Esc").toBe(true);
    fleet.open = false;
    shortcuts.onKey(key("Escape"));
    expect(panels.problemsOpen).toBe(false);
  });

  it("Shift+S stops the selected live session, and nothing when none is selected (SPEC F5a)", async () => {
    const { nav, shortcuts, stopped } = await harness();
    shortcuts.onKey(key("S", { shift: true }));
    expect(stopped, "nothing selected: nothing stopped").toEqual([]);
    nav.select("api/w1");
    shortcuts.onKey(key("S", { shift: true }));
    expect(stopped).toEqual(["api/w1"]);
  });

  it("digits choose a dialog's option only in the open detail, not from the composer or terminal (F2a)", async () => {
    const { nav, shortcuts, answered } = await harness();
    nav.select("api/r1");
    shortcuts.onKey(key("1"));
    expect(answered, "the detail is closed: a digit on the list answers nothing").toEqual([]);
    nav.select("api/r1", true);
    shortcuts.onKey(key("2"));
    expect(answered, "in the open detail, 2 chooses option 2").toEqual([2]);
    const field = (globalThis.HTMLElement as unknown as { prototype: object }).prototype;
    const composer = Object.assign(Object.create(field) as object, {
      isContentEditable: false,
      matches: () => true,
      closest: () => null,
    });
    shortcuts.onKey(key("1", { target: composer }));
    expect(answered, "a digit typed in the composer is text, not an answer").toEqual([2]);
    const inTerminal = key("1", { target: terminalTextarea() });
    shortcuts.onKey(inTerminal);
    expect(answered, "a digit typed in the terminal goes to the agent").toEqual([2]);
    expect(inTerminal.defaultPrevented, "the terminal keeps its digit").toBe(false);
    modalOpen = true;
    shortcuts.onKey(key("1"));
    expect(answered, "a confirmation open in the detail owns the keyboard").toEqual([2]);
  });

  it("t opens the detail with its terminal focused, and toggles the terminal from there", async () => {
    const { nav, prefs, shortcuts } = await harness();
    shortcuts.onKey(key("t"));
    expect(nav.detailOpen, "nothing selected: t does nothing").toBe(false);
    nav.select("api/w1");
    shortcuts.onKey(key("t"));
    prefs.show(nav.detailEntry!); // what the panel does when it shows the session
    expect([nav.shownKey, prefs.open, prefs.focusWanted]).toEqual(["api/w1", true, true]);
    prefs.takeFocus();
    shortcuts.onKey(key("t"));
    expect(prefs.open, "t in the detail closes the terminal").toBe(false);
    shortcuts.onKey(key("t"));
    expect([prefs.open, prefs.focusWanted], "and opens it again, focused").toEqual([true, true]);
  });

  it("Mod+Backquote moves the focus from the list to the terminal and back", async () => {
    const { nav, prefs, focus, shortcuts } = await harness();
    nav.select("api/w1");
    shortcuts.onKey(key("`", { mod: true }));
    expect([nav.detailOpen, prefs.focusWanted]).toEqual([true, true]);
    focus.terminal = true;
    shortcuts.onKey(key("`", { mod: true, target: terminalTextarea() }));
    expect(focus.terminal, "from the terminal, the focus goes back to the list").toBe(false);
  });

  it("leaves keys typed in the terminal to the agent, Esc and Ctrl chords included", async () => {
    const { nav, panels, shortcuts } = await harness();
    nav.select("api/w1", true);
    const inTerminal = { target: terminalTextarea() };
    for (const press of [key("Escape", inTerminal), key("b", { mod: true, ...inTerminal }), key("1", { mod: true, ...inTerminal }), key("T", { shift: true, ...inTerminal })]) {
      shortcuts.onKey(press);
      expect(press.defaultPrevented, `${press.key} was taken from the terminal`).toBe(false);
    }
    expect([nav.detailOpen, panels.sidebarOpen, nav.project], "Esc, Ctrl+B and Ctrl+1 did nothing").toEqual([
      true,
      true,
      null,
    ]);
  });
});

/** xterm's hidden textarea, as far as the handler looks at it: inside `.xterm`, a text field. */
function terminalTextarea() {
  const Element = globalThis.Element as unknown as { prototype: object };
  return Object.assign(Object.create(Element.prototype) as object, {
    closest: (selector: string) => (selector === ".xterm" ? {} : null),
    matches: () => true,
    isContentEditable: false,
  });
}
