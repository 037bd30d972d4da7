import { describe, expect, it } from "vitest";
import type { GroupKey } from "../groups";
import { commandFor, moveSelection, nextNeeding, type KeyPress } from "./keys";

const press = (key: string, over: Partial<KeyPress> = {}): KeyPress => ({
  key,
  mod: false,
  shift: false,
  alt: false,
  typing: false,
  ...over,
});

describe("commandFor", () => {
  it("maps the list keys", () => {
    expect(commandFor(press("j"))).toEqual({ kind: "move", delta: 1 });
    expect(commandFor(press("ArrowUp"))).toEqual({ kind: "move", delta: -1 });
    expect(commandFor(press("o"))).toEqual({ kind: "open" });
    expect(commandFor(press("Enter"))).toEqual({ kind: "open" });
    expect(commandFor(press("c"))).toEqual({ kind: "spawn" });
    expect(commandFor(press(" "))).toEqual({ kind: "next-needing" });
    expect(commandFor(press("Escape"))).toEqual({ kind: "escape" });
    expect(commandFor(press("t"))).toEqual({ kind: "terminal" });
    expect(commandFor(press("d"))).toEqual({ kind: "review" });
  });

  it("maps the Mod chords", () => {
    expect(commandFor(press("n", { mod: true }))).toEqual({ kind: "spawn" });
    expect(commandFor(press("0", { mod: true })), "Mod+0 is all projects").toEqual({ kind: "scope", project: 0 });
    expect(commandFor(press("3", { mod: true }))).toEqual({ kind: "scope", project: 3 });
    expect(commandFor(press("B", { mod: true })), "caps lock does not matter").toEqual({ kind: "sidebar" });
    expect(commandFor(press("`", { mod: true, typing: true })), "Mod+Backquote, from the terminal too").toEqual({
      kind: "terminal-focus",
    });
    expect(commandFor(press("^", { mod: true, code: "Backquote" })), "by the physical key on other layouts").toEqual({
      kind: "terminal-focus",
    });
  });

  it("ignores single keys while typing but keeps Mod chords", () => {
    for (const key of ["j", "k", "c", " ", "Enter", "Escape", "g", "t"]) {
      expect(commandFor(press(key, { typing: true })), `"${key}" must reach the text field`).toBeNull();
    }
    expect(commandFor(press("n", { mod: true, typing: true })), "Mod+N works from a text field").toEqual({
      kind: "spawn",
    });
  });

  it("jumps to a group with g then a letter, and nothing else after g", () => {
    expect(commandFor(press("g"))).toEqual({ kind: "await-group" });
    const jumps: Record<string, GroupKey> = { y: "respond", m: "merge", v: "review", p: "pending", w: "working", s: "stopped", d: "done" };
    for (const [key, group] of Object.entries(jumps)) {
      expect(commandFor(press(key), true), `g ${key}`).toEqual({ kind: "jump", group });
    }
    expect(commandFor(press("j"), true), "g j is not a move").toBeNull();
  });

  it("leaves Shift and Alt variants alone", () => {
    expect(commandFor(press("J", { shift: true })), "Shift+J is for extending a selection later").toBeNull();
    expect(commandFor(press("j", { alt: true }))).toBeNull();
  });

  it("turns a plain digit 1-9 into choosing that option of a dialog (SPEC F2a), and nothing else", () => {
    expect(commandFor(press("1"))).toEqual({ kind: "answer", option: 1 });
    expect(commandFor(press("9"))).toEqual({ kind: "answer", option: 9 });
    expect(commandFor(press("0")), "there is no option 0").toBeNull();
    expect(commandFor(press("3", { typing: true })), "a digit typed in the composer is text").toBeNull();
    expect(commandFor(press("3", { mod: true })), "Mod+3 stays the project scope").toEqual({ kind: "scope", project: 3 });
    expect(commandFor(press("3", { alt: true })), "Alt+3 is not an answer").toBeNull();
  });

  it("stops the selected session on Shift+S (SPEC F5a), and only with Shift", () => {
    expect(commandFor(press("S", { shift: true }))).toEqual({ kind: "stop" });
    expect(commandFor(press("s")), "plain s is not a stop").toBeNull();
    expect(commandFor(press("S", { shift: true, typing: true })), "typing keeps its keys").toBeNull();
  });
});

describe("moveSelection", () => {
  const rows = ["a", "b", "c"];

  it("moves by one and clamps at the ends", () => {
    expect(moveSelection(rows, "b", 1)).toBe("c");
    expect(moveSelection(rows, "c", 1), "no wrap past the last row").toBe("c");
    expect(moveSelection(rows, "a", -1), "no wrap before the first row").toBe("a");
  });

  it("enters at the near end from no selection or a row no longer shown", () => {
    expect(moveSelection(rows, null, 1)).toBe("a");
    expect(moveSelection(rows, null, -1)).toBe("c");
    expect(moveSelection(rows, "gone", 1), "a filtered-out selection restarts at the top").toBe("a");
    expect(moveSelection([], "a", 1), "nothing to select").toBeNull();
  });
});

describe("nextNeeding", () => {
  const groups: Partial<Record<GroupKey, string[]>> = { respond: ["r1", "r2"], review: ["v1"], merge: ["m1"] };
  const members = (g: GroupKey) => groups[g] ?? [];

  it("walks respond, then review, then merge, and wraps", () => {
    const seen: (string | null)[] = [];
    let current: string | null = null;
    for (let i = 0; i < 5; i++) {
      current = nextNeeding(members, current);
      seen.push(current);
    }
    expect(seen).toEqual(["r1", "r2", "v1", "m1", "r1"]);
  });

  it("starts at the first from a session that does not need you, and gives nothing when none do", () => {
    expect(nextNeeding(members, "working-1")).toBe("r1");
    expect(nextNeeding(() => [], null)).toBeNull();
  });
});
