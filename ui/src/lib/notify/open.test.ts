import { describe, expect, it } from "vitest";
import { listenAll } from "./listen";
import { scopeShowing, scopeShowingGroup } from "./open";

describe("scope for a notified session", () => {
  it("keeps a scope that already lists the session, as the same object", () => {
    const all = { project: null, view: null };
    expect(scopeShowing({ projectId: "api", group: "respond" }, all)).toBe(all);
    const same = { project: "api", view: "respond" as const };
    expect(scopeShowing({ projectId: "api", group: "respond" }, same)).toBe(same);
  });

  it("widens to all projects for another project's session, and drops a view on another group", () => {
    expect(scopeShowing({ projectId: "web", group: "respond" }, { project: "api", view: null })).toEqual({
      project: null,
      view: null,
    });
    expect(scopeShowing({ projectId: "api", group: "review" }, { project: "api", view: "respond" })).toEqual({
      project: "api",
      view: null,
    });
  });

  it("widens for a summary only when needs-you has members outside the project", () => {
    const scope = { project: "api", view: null };
    expect(scopeShowingGroup("respond", scope, { inScope: 1, total: 3 })).toBe(scope);
    expect(scopeShowingGroup("respond", scope, { inScope: 0, total: 3 })).toEqual({ project: null, view: null });
    expect(scopeShowingGroup("respond", scope, { inScope: 0, total: 0 }), "nothing anywhere: stay").toBe(scope);
    expect(scopeShowingGroup("respond", { project: null, view: "merge" }, { inScope: 2, total: 2 })).toEqual({
      project: null,
      view: null,
    });
  });
});

describe("listenAll", () => {
  it("undoes registrations, including one that lands after the stop", async () => {
    const undone: string[] = [];
    let late: (unlisten: () => void) => void = () => {};
    const stop = listenAll(
      [Promise.resolve(() => void undone.push("early")), new Promise((r) => (late = r))],
      () => {},
    );
    await Promise.resolve();
    stop();
    expect(undone).toEqual(["early"]);
    late(() => void undone.push("late"));
    await Promise.resolve();
    await Promise.resolve();
    expect(undone).toEqual(["early", "late"]);
  });

  it("reports a registration that failed", async () => {
    const errors: unknown[] = [];
    listenAll([Promise.reject(new Error("no events"))], (e) => errors.push(e));
    await Promise.resolve();
    await Promise.resolve();
    expect(errors).toHaveLength(1);
  });
});
