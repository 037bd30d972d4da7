import { describe, expect, it } from "vitest";
import { CHECKED, prInfo } from "./fixtures";
import {
  checkedText,
  currentPrInfo,
  diffParts,
  mergeBlockers,
  prInfoMatches,
  prMarkTitle,
  prSection,
  reviewLine,
  uniqueChecks,
  worstPrMark,
} from "./prinfo";

const AT = Date.parse(CHECKED);

describe("worst PR mark", () => {
  it.each([
    ["failing", "conflicting", "failing"],
    ["failing", "mergeable", "failing"],
    ["pending", "conflicting", "conflicts"],
    ["passing", "conflicting", "conflicts"],
    ["none", "conflicting", "conflicts"],
    ["pending", "mergeable", "pending"],
    ["pending", "unknown", "pending"],
    ["passing", "mergeable", "passing"],
    ["passing", "unknown", "passing"],
  ] as const)("CI %s and %s reads %s", (ci, mergeable, mark) => {
    expect(worstPrMark({ ci, mergeable })).toBe(mark);
  });

  it("has nothing to say without checks or a conflict", () => {
    expect(worstPrMark({ ci: "none", mergeable: "mergeable" })).toBeNull();
    expect(worstPrMark({ ci: "none", mergeable: "unknown" })).toBeNull();
  });

  it("names the failing checks in the mark's tooltip", () => {
    const checks = [
      { name: "test", url: null },
      { name: "lint", url: "https://ci/lint" },
      { name: "test", url: null },
    ];
    expect(prMarkTitle("failing", { failedChecks: checks })).toBe("CI failing: test, lint");
    expect(prMarkTitle("failing", { failedChecks: [] })).toBe("CI failing");
    expect(prMarkTitle("conflicts", { failedChecks: [] })).toBe("Conflicts with the base branch");
    expect(prMarkTitle("pending", { failedChecks: [] })).toBe("CI running");
    expect(prMarkTitle("passing", { failedChecks: [] })).toBe("CI passing");
  });
});

describe("which PR the reading is about", () => {
  it("matches the lifecycle's PR by number and address", () => {
    const info = prInfo();
    expect(prInfoMatches(info, { number: 412, url: info.url })).toBe(true);
    expect(prInfoMatches(info, { number: null, url: null }), "no PR named yet contradicts nothing").toBe(true);
    expect(prInfoMatches(info, { number: 413, url: null }), "a newer PR").toBe(false);
    expect(prInfoMatches(info, { number: null, url: "https://github.com/acme/api/pull/9" })).toBe(false);
  });

  it("gives the record's reading only when it is about the current PR", () => {
    const info = prInfo();
    expect(currentPrInfo({ prInfo: info, lifecycle: { pr: { number: 412, url: null } } })).toBe(info);
    expect(currentPrInfo({ prInfo: info, lifecycle: { pr: { number: 500, url: null } } })).toBeNull();
    expect(currentPrInfo({ prInfo: null, lifecycle: { pr: { number: 412, url: null } } })).toBeNull();
    expect(currentPrInfo({ lifecycle: { pr: { number: 412, url: null } } }), "older records lack the field").toBeNull();
  });
});

describe("PR section", () => {
  it("lists the failing checks, once each and in the order read, under a failing CI line", () => {
    const section = prSection(
      prInfo({
        ci: "failing",
        failedChecks: [
          { name: "test", url: "https://ci/test" },
          { name: "lint", url: null },
          { name: "test", url: "https://ci/test-rerun" },
        ],
      }),
    );
    expect(section.ci.mark).toBe("failing");
    expect(section.ci.tone).toBe("review");
    expect(section.ci.label).toBe("CI failing · 2 checks");
    expect(section.ci.checks).toEqual([
      { name: "test", url: "https://ci/test" },
      { name: "lint", url: null },
    ]);
  });

  it("drops failed checks a non-failing CI state has left behind", () => {
    for (const ci of ["passing", "pending", "none"] as const) {
      const section = prSection(prInfo({ ci, failedChecks: [{ name: "test", url: null }] }));
      expect(section.ci.checks, ci).toEqual([]);
    }
    expect(prSection(prInfo({ ci: "pending" })).ci.label).toBe("CI running");
    expect(prSection(prInfo({ ci: "passing" })).ci.label).toBe("CI passing");
    expect(prSection(prInfo({ ci: "none" })).ci).toMatchObject({ label: "no checks", mark: null, tone: "neutral" });
    expect(prSection(prInfo({ ci: "failing" })).ci.label, "failing with no names").toBe("CI failing");
  });

  it("says the review decision in words", () => {
    expect(reviewLine("approved")).toEqual({ label: "approved", tone: "merge" });
    expect(reviewLine("changes_requested")).toEqual({ label: "changes requested", tone: "review" });
    expect(reviewLine("review_required")).toEqual({ label: "review required", tone: "pending" });
    expect(reviewLine("none")).toEqual({ label: "no review decision", tone: "neutral" });
  });

  it("lists conflicts and unresolved threads as merge blockers", () => {
    expect(mergeBlockers({ mergeable: "conflicting", unresolvedThreads: 3 })).toEqual([
      { kind: "conflicts", text: "conflicts with the base branch" },
      { kind: "threads", text: "3 unresolved threads" },
    ]);
    expect(mergeBlockers({ mergeable: "mergeable", unresolvedThreads: 1 })).toEqual([
      { kind: "threads", text: "1 unresolved thread" },
    ]);
    expect(mergeBlockers({ mergeable: "unknown", unresolvedThreads: 0 })).toEqual([]);
  });

  it("says why the merge line is clear when nothing blocks", () => {
    expect(prSection(prInfo()).mergeNote).toBe("merges cleanly");
    expect(prSection(prInfo({ mergeable: "unknown" })).mergeNote).toBe("mergeability not known yet");
    expect(prSection(prInfo({ mergeable: "conflicting" })).mergeNote, "blockers speak for themselves").toBe("");
  });

  it("carries number, title, draft and diff", () => {
    const section = prSection(prInfo({ draft: true, additions: 1234, deletions: 0 }));
    expect(section).toMatchObject({ number: "#412", title: "Add OAuth scopes", draft: true });
    expect(section.diff).toEqual({ add: "+1,234", del: "−0" });
    expect(diffParts({ additions: 120, deletions: 8 })).toEqual({ add: "+120", del: "−8" });
    expect(prSection(prInfo({ title: "  " })).title, "a blank title still reads as something").toBe(
      "(untitled pull request)",
    );
  });

  it("dedupes checks by name", () => {
    expect(uniqueChecks([])).toEqual([]);
    expect(uniqueChecks([{ name: "a", url: null }, { name: "a", url: "x" }])).toEqual([{ name: "a", url: null }]);
  });
});

describe("checked age", () => {
  it("ticks with the clock and turns stale after five minutes", () => {
    expect(checkedText(CHECKED, AT + 2_000)).toEqual({ text: "checked just now", stale: false });
    expect(checkedText(CHECKED, AT + 2 * 60_000)).toEqual({ text: "checked 2 min ago", stale: false });
    expect(checkedText(CHECKED, AT + 5 * 60_000)).toEqual({ text: "checked 5 min ago", stale: false });
    expect(checkedText(CHECKED, AT + 6 * 60_000)).toEqual({ text: "checked 6 min ago", stale: true });
  });

  it("treats an unreadable time as stale", () => {
    expect(checkedText("yesterday", AT)).toEqual({ text: "checked at an unknown time", stale: true });
  });
});
