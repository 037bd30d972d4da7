import { describe, expect, it } from "vitest";
import { areaFor, type AreaInput } from "./area";

const base: AreaInput = {
  ready: true,
  failed: false,
  slow: false,
  sessions: 3,
  inScope: 3,
  spawning: 0,
  projects: 1,
  demo: false,
  project: null,
};

describe("areaFor", () => {
  it("shows nothing, then a skeleton, while the first snapshot is on its way", () => {
    expect(areaFor({ ...base, ready: false }), "a fast start flashes nothing").toBe("connecting");
    expect(areaFor({ ...base, ready: false, slow: true }), "a slow start shows the list's shape").toBe("skeleton");
    expect(areaFor({ ...base, ready: false, failed: true }), "no feed at all: the first-run help").toBe("first-run");
  });

  it("keeps the first-run panel until the first session, with no projects or only the demo", () => {
    expect(areaFor({ ...base, sessions: 0, inScope: 0, projects: 0 })).toBe("first-run");
    expect(areaFor({ ...base, sessions: 0, inScope: 0, demo: true })).toBe("first-run");
    expect(areaFor({ ...base, sessions: 0, inScope: 0, demo: true, spawning: 1 }), "a spawn in flight is a row").toBe(
      "list",
    );
  });

  it("says a configured fleet or a scoped project is empty in one line", () => {
    expect(areaFor({ ...base, sessions: 0, inScope: 0 }), "projects configured, no sessions").toBe("empty");
    expect(areaFor({ ...base, inScope: 0, project: "web" }), "this project has none").toBe("empty");
    expect(areaFor({ ...base, project: "web" })).toBe("list");
  });
});
