import { describe, expect, it } from "vitest";
import { GROUPS, emptyCounts, fleetSegments } from "./groups";

describe("groups", () => {
  it("put needs-you first and done last, as the brief orders them", () => {
    expect(GROUPS.map((g) => g.key)).toEqual([
      "respond",
      "merge",
      "review",
      "pending",
      "working",
      "stopped",
      "done",
    ]);
  });

  it("give the fleet bar no segment for an empty fleet", () => {
    expect(fleetSegments(emptyCounts())).toEqual([]);
  });

  it("split the fleet bar between live groups only, in group order", () => {
    const counts = { ...emptyCounts(), respond: 1, working: 3, stopped: 10, done: 50 };
    const segments = fleetSegments(counts);
    expect(segments.map((s) => s.key), "stopped and done are not part of the bar").toEqual([
      "respond",
      "working",
    ]);
    expect(segments.map((s) => s.percent)).toEqual([25, 75]);
  });
});
