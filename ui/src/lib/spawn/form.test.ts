import { describe, expect, it } from "vitest";
import type { SpawnProject } from "../../ipc/bindings";
import { branchPreview, branchProblem, initialProject, issueSlug, spawnInput, spawnProblems, type SpawnForm } from "./form";

const api: SpawnProject = { id: "api", name: "API", agent: "claude-code", defaultBranch: "main", sessionPrefix: "api" };
const web: SpawnProject = { id: "web", name: "Web", agent: "codex", defaultBranch: "main", sessionPrefix: "web" };
const form = (over: Partial<SpawnForm> = {}): SpawnForm => ({
  project: "api",
  agent: "claude-code",
  prompt: "Fix the flaky test",
  issue: "",
  branch: "",
  ...over,
});

describe("spawnProblems", () => {
  it("accepts a plain task", () => {
    expect(spawnProblems(form(), [api]), "a project and a short task are enough").toEqual([]);
  });
  it("asks for a project", () => {
    expect(spawnProblems(form({ project: "" }), [api]).map((p) => p.field)).toEqual(["project"]);
  });
  it("refuses a task over 10,000 characters and allows exactly 10,000", () => {
    expect(spawnProblems(form({ prompt: "x".repeat(10_000) }), [api]), "10,000 is allowed").toEqual([]);
    const over = spawnProblems(form({ prompt: "x".repeat(10_001) }), [api]);
    expect(over.map((p) => p.field), "10,001 is refused on the task field").toEqual(["prompt"]);
    expect(over[0]!.message).toMatch(/10,001.*10,000/);
  });
  it("checks the issue and branch shapes", () => {
    for (const issue of ["#123", "123", "ENG-42", "https://github.com/o/r/issues/42"]) {
      expect(spawnProblems(form({ issue }), [api]), `${issue} is an issue`).toEqual([]);
    }
    expect(spawnProblems(form({ issue: "fix it" }), [api]).map((p) => p.field)).toEqual(["issue"]);
    expect(branchProblem("feat/oauth-scopes"), "a normal branch").toBeNull();
    for (const bad of ["has space", "a..b", "-x", "x.lock", "x/", "a/.b", "a~b"]) {
      expect(branchProblem(bad), `${bad} is refused`).not.toBeNull();
    }
  });
});

describe("branchPreview", () => {
  it("previews the issue branch, else the session branch with the project's prefix", () => {
    expect(branchPreview(api, "")).toBe("session/api-N");
    expect(branchPreview(api, "https://github.com/o/r/issues/42/")).toBe("issue/42");
    expect(branchPreview(api, "#12")).toBe("issue/12");
    expect(issueSlug("ENG 42!")).toBe("ENG-42");
  });
});

describe("spawnInput", () => {
  it("sends null for empty fields and the prompt byte for byte", () => {
    expect(spawnInput(form({ prompt: "  line one\n", branch: " ", issue: " #4 " }))).toEqual({
      project: "api",
      agent: "claude-code",
      branch: null,
      prompt: "  line one\n",
      issue: "#4",
    });
    expect(spawnInput(form({ prompt: "   " })).prompt, "a blank task is no task").toBeNull();
  });
  it("opens on the scope's project, else the first", () => {
    expect(initialProject([api, web], "web")?.id).toBe("web");
    expect(initialProject([api, web], "gone")?.id).toBe("api");
    expect(initialProject([], null)).toBeUndefined();
  });
});
