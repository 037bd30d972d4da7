import { describe, expect, it } from "vitest";
import type { GroupKey } from "../groups";
import { DONE_LIMIT, flatten, headerAbove, type ListItem } from "./items";

type Groups = Record<GroupKey, string[]>;

function groups(partial: Partial<Groups>): Groups {
  return { respond: [], merge: [], review: [], pending: [], working: [], stopped: [], done: [], ...partial };
}

const ids = (items: ListItem[]) => items.map((i) => i.id);

describe("flatten: groups into fixed-height items", () => {
  it("puts each non-empty group's header before its rows, in the groups' order", () => {
    const flat = flatten({ groups: groups({ working: ["a/2", "a/3"], respond: ["a/1"] }) });
    expect(ids(flat.items), "headers lead their rows, Needs you above Working").toEqual([
      "group:respond",
      "a/1",
      "group:working",
      "a/2",
      "a/3",
    ]);
    expect(flat.rows, "rows are the session keys shown, in display order").toEqual(["a/1", "a/2", "a/3"]);
    expect(flat.headers, "header indices point at header items").toEqual([0, 2]);
  });

  it("keeps an empty Needs you header (closed, count 0) and drops other empty groups", () => {
    const flat = flatten({ groups: groups({ working: ["a/1"] }) });
    const respond = flat.items[0];
    expect(respond, "an empty Needs you still has its header").toMatchObject({
      kind: "header",
      group: "respond",
      count: 0,
      open: false,
    });
    expect(flat.items.filter((i) => i.kind === "header").map((i) => (i as { group: string }).group)).toEqual([
      "respond",
      "working",
    ]);
  });

  it("collapses Stopped and Done by default but still counts their members", () => {
    const flat = flatten({ groups: groups({ stopped: ["a/1"], done: ["a/2", "a/3"] }) });
    expect(ids(flat.items), "collapsed groups show only their headers").toEqual([
      "group:respond",
      "group:stopped",
      "group:done",
    ]);
    expect(flat.counts.done, "the count covers the hidden rows").toBe(2);
    expect(flat.rows, "collapsed rows are not navigable").toEqual([]);
  });

  it("follows the user's toggles over the defaults", () => {
    const flat = flatten({
      groups: groups({ working: ["a/1"], done: ["a/2"] }),
      toggled: { working: false, done: true },
    });
    expect(ids(flat.items)).toEqual(["group:respond", "group:working", "group:done", "a/2"]);
  });

  it("collapses Pending by default only when it holds more than eight", () => {
    const short = flatten({ groups: groups({ pending: ["a/1"] }) });
    const long = flatten({ groups: groups({ pending: Array.from({ length: 9 }, (_, i) => `a/${i}`) }) });
    expect(short.items.some((i) => i.id === "a/1"), "a short Pending group is open").toBe(true);
    expect(long.items.filter((i) => i.kind === "row"), "a long Pending group starts collapsed").toHaveLength(0);
  });

  it("shows 200 Done rows and a 'show all' item, then everything once asked", () => {
    const done = Array.from({ length: DONE_LIMIT + 5 }, (_, i) => `a/${i}`);
    const limited = flatten({ groups: groups({ done }), toggled: { done: true } });
    const more = limited.items[limited.items.length - 1];
    expect(limited.rows, "Done stops at its limit").toHaveLength(DONE_LIMIT);
    expect(more, "a 'show all' item says how many are hidden").toMatchObject({ kind: "more", hidden: 5 });
    const all = flatten({ groups: groups({ done }), toggled: { done: true }, showAll: new Set(["done"] as const) });
    expect(all.rows, "show all lifts the limit").toHaveLength(DONE_LIMIT + 5);
    expect(all.items.some((i) => i.kind === "more"), "no 'show all' once everything shows").toBe(false);
  });

  it("filters by project and narrows to a sidebar view's group, opened", () => {
    const g = groups({ respond: ["a/1", "b/1"], stopped: ["a/2", "b/2"] });
    const scoped = flatten({ groups: g, include: (k) => k.startsWith("b/") });
    expect(scoped.rows, "only project b's rows").toEqual(["b/1"]);
    expect(scoped.counts.stopped, "counts follow the scope").toBe(1);
    const view = flatten({ groups: g, onlyGroup: "stopped" });
    expect(ids(view.items), "a view shows its group only, open even when collapsed by default").toEqual([
      "group:stopped",
      "a/2",
      "b/2",
    ]);
  });

  it("leads Working with spawns in flight, even when Working has no sessions yet", () => {
    const flat = flatten({ groups: groups({}), pending: ["x1"] });
    expect(ids(flat.items)).toEqual(["group:respond", "group:working", "spawn:x1"]);
    expect(flat.rows, "pending spawns are not sessions to navigate").toEqual([]);
  });

  it("finds the header a scrolled-to item sits under", () => {
    const headers = [0, 5, 9];
    expect(headerAbove(headers, 0)).toBe(0);
    expect(headerAbove(headers, 7), "item 7 is under the header at 5").toBe(5);
    expect(headerAbove(headers, 40)).toBe(9);
    expect(headerAbove([], 3), "no headers, none above").toBe(-1);
  });

  it("flattens 10,000 sessions into one item per row plus headers", () => {
    const working = Array.from({ length: 10_000 }, (_, i) => `p/${i}`);
    const flat = flatten({ groups: groups({ working }) });
    expect(flat.items).toHaveLength(10_002);
  });
});
