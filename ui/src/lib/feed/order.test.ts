import { describe, expect, it } from "vitest";
import { feedSession } from "./fixtures";
import { insertSorted, removeSorted, sortGroup, sortKeyFor } from "./order";

describe("sortKeyFor", () => {
  const record = feedSession({
    id: "api-1",
    createdAt: "2026-11-24T08:00:00Z",
    lastTransitionAt: "2026-11-24T09:00:00Z",
    terminatedAt: "2026-11-24T10:00:00Z",
  }).view.record;
  const now = Date.parse("2026-11-24T12:00:00Z");

  it("takes entry time from the record on the first snapshot and from the clock afterwards", () => {
    expect(sortKeyFor("respond", record, true, now)).toBe(Date.parse("2026-11-24T09:00:00Z"));
    expect(sortKeyFor("respond", record, false, now)).toBe(now);
  });

  it("uses creation time for pending and working, whenever the session arrives", () => {
    for (const initial of [true, false]) {
      expect(sortKeyFor("working", record, initial, now)).toBe(Date.parse("2026-11-24T08:00:00Z"));
    }
  });

  it("sorts ended sessions newest first by their end", () => {
    expect(sortKeyFor("done", record, false, now)).toBe(-Date.parse("2026-11-24T10:00:00Z"));
  });

  it("sorts an unparseable time as the epoch instead of NaN", () => {
    const broken = { ...record, createdAt: "yesterday" };
    expect(sortKeyFor("working", broken, true, now)).toBe(0);
  });
});

describe("sorted id arrays", () => {
  const keys: Record<string, number> = { a: 1, b: 2, c: 2, d: 3 };
  const sortKeyOf = (id: string) => keys[id] ?? 0;

  it("inserts and removes in place, ordering ties by key", () => {
    const ids = ["a", "d"];
    insertSorted(ids, "c", 2, sortKeyOf);
    insertSorted(ids, "b", 2, sortKeyOf);
    expect(ids).toEqual(["a", "b", "c", "d"]);
    expect(removeSorted(ids, "c", 2, sortKeyOf)).toBe(true);
    expect(removeSorted(ids, "x", 2, sortKeyOf), "an absent id removes nothing").toBe(false);
    expect(ids).toEqual(["a", "b", "d"]);
  });

  it("sorts a whole group in the order insertion keeps", () => {
    const ids = ["d", "c", "a", "b"];
    sortGroup(ids, sortKeyOf);
    expect(ids).toEqual(["a", "b", "c", "d"]);
  });
});
