import { describe, expect, it } from "vitest";
import { includeFor, projectAt, projectOfKey, tallyProjects } from "./scope";

describe("scope", () => {
  it("reads the project from a session key", () => {
    expect(projectOfKey("api/api-7")).toBe("api");
  });

  it("filters to one project, or lets everything through for all projects", () => {
    const only = includeFor("web");
    expect(includeFor(null), "all projects needs no filter").toBeUndefined();
    expect(only?.("web/web-1")).toBe(true);
    expect(only?.("webapp/web-1"), "a project whose id starts the same is another project").toBe(false);
  });

  it("maps Mod+1…9 to projects in sidebar order", () => {
    const projects = [
      { id: "api", name: "api", configError: false },
      { id: "web", name: "web", configError: false },
    ];
    expect(projectAt(projects, 2)).toBe("web");
    expect(projectAt(projects, 3), "past the last project nothing happens").toBeNull();
  });

  it("tallies respond, live and total per project", () => {
    const live = { resolved: { ended: false } };
    const ended = { resolved: { ended: true } };
    const tallies = tallyProjects([
      { key: "api/1", group: "respond", ...live },
      { key: "api/2", group: "working", ...live },
      { key: "api/3", group: "done", ...ended },
      { key: "web/1", group: "stopped", ...ended },
      { key: "web/2", group: "respond", ...ended },
    ]);
    expect(tallies.get("api"), "api: one needs you, two live, three in all").toEqual({ respond: 1, live: 2, total: 3 });
    expect(tallies.get("web"), "stopped and crashed sessions are not live; a crash needs you").toEqual({
      respond: 1,
      live: 0,
      total: 2,
    });
  });
});
