import { describe, expect, it } from "vitest";
import { createEntry } from "../feed/entry";
import { feedSession } from "../feed/fixtures";
import { prInfo } from "../pr/fixtures";
import {
  ageAnchor,
  agentMonogram,
  ciMark,
  humaniseBranch,
  middleEllipsis,
  prColumn,
  prText,
  reasonChip,
  rowTitle,
} from "./row";

describe("row title", () => {
  it("prefers the display name, then the humanised branch, then the id", () => {
    expect(rowTitle({ displayName: "Fix flaky auth test", branch: "feat/x", id: "api-1" })).toBe("Fix flaky auth test");
    expect(rowTitle({ displayName: null, branch: "feat/oauth-scopes", id: "api-1" })).toBe("Oauth scopes");
    expect(rowTitle({ displayName: "  ", branch: "feat/oauth_scopes", id: "api-1" }), "blank names fall through").toBe(
      "Oauth scopes",
    );
  });

  it("uses the id when the branch is just the default session/<id>", () => {
    expect(rowTitle({ displayName: null, branch: "session/api-7", id: "api-7" })).toBe("api-7");
    expect(humaniseBranch("session/", "api-7"), "an empty leaf names nothing").toBeNull();
  });
});

describe("agent monogram", () => {
  it("gives the built-in agents their letters and everything else a prompt", () => {
    expect(agentMonogram("claude-code")).toBe("CC");
    expect(agentMonogram("codex")).toBe("CX");
    expect(agentMonogram("aider")).toBe("AI");
    expect(agentMonogram("shell"), "shell is a prompt").toBe(">_");
    expect(agentMonogram("my-custom-agent"), "custom agents are a prompt").toBe(">_");
  });
});

describe("age anchor", () => {
  const at = (iso: string) => Date.parse(iso);

  it("counts a working session from its last activity when the probe knows it", () => {
    const entry = createEntry("api/a", feedSession({ id: "a", lastTransitionAt: "2026-11-24T10:00:00Z" }));
    expect(ageAnchor(entry), "no activity time: the last transition").toBe(at("2026-11-24T10:00:00Z"));
    entry.live = { ...entry.live, lastActivityAt: "2026-11-24T11:00:00Z" };
    expect(ageAnchor(entry), "activity time wins for working sessions").toBe(at("2026-11-24T11:00:00Z"));
  });

  it("counts a waiting session from when it started waiting, whatever the agent did since", () => {
    const entry = createEntry(
      "api/a",
      feedSession({ id: "a", status: "needs_input", attention: "respond", lastTransitionAt: "2026-11-24T10:00:00Z" }),
    );
    entry.live = { ...entry.live, lastActivityAt: "2026-11-24T11:00:00Z" };
    expect(ageAnchor(entry)).toBe(at("2026-11-24T10:00:00Z"));
  });

  it("counts an ended session from when it ended", () => {
    const entry = createEntry(
      "api/a",
      feedSession({
        id: "a",
        status: "killed",
        attention: "done",
        state: "terminated",
        terminatedAt: "2026-11-24T09:00:00Z",
      }),
    );
    expect(ageAnchor(entry)).toBe(at("2026-11-24T09:00:00Z"));
  });
});

describe("PR column", () => {
  it("shows #n, or PR when only the URL is known", () => {
    expect(prText({ number: 412, url: null })).toBe("#412");
    expect(prText({ number: null, url: "https://x/pull/1" })).toBe("PR");
    expect(prText(null)).toBeNull();
  });

  it("shows one CI mark, none when CI is unknown", () => {
    expect(ciMark({ ci: "failing" })).toBe("failing");
    expect(ciMark({ ci: "unknown" }), "unknown CI draws nothing rather than a guess").toBeNull();
    expect(ciMark(null)).toBeNull();
  });

  it("reads the PR loop's reading when there is one: #n and the worst mark, conflicts included", () => {
    const record = createEntry("api/a", feedSession({ id: "a", pr: { number: 412, reason: "in_progress" } })).record;
    expect(prColumn({ ...record, prInfo: prInfo() }, null)).toEqual({
      text: "#412",
      mark: "passing",
      title: "#412 Add OAuth scopes · CI passing",
    });
    expect(prColumn({ ...record, prInfo: prInfo({ ci: "pending", mergeable: "conflicting" }) }, null).mark).toBe(
      "conflicts",
    );
    const failing = prColumn(
      { ...record, prInfo: prInfo({ ci: "failing", mergeable: "conflicting", failedChecks: [{ name: "lint", url: null }] }) },
      null,
    );
    expect(failing.mark, "failing outranks conflicts").toBe("failing");
    expect(failing.title).toBe("#412 Add OAuth scopes · CI failing: lint");
    expect(prColumn({ ...record, prInfo: prInfo({ ci: "none" }) }, null)).toMatchObject({ text: "#412", mark: null });
  });

  it("falls back to the lifecycle's PR before the loop read it, or when the reading is of an older PR", () => {
    const entry = createEntry("api/a", feedSession({ id: "a", pr: { number: 413, reason: "ci_failing" } }));
    expect(prColumn(entry.record, entry.pr)).toEqual({ text: "#413", mark: "failing", title: "#413 · CI failing" });
    expect(prColumn({ ...entry.record, prInfo: prInfo({ number: 412 }) }, entry.pr).text, "reading of #412 is stale").toBe(
      "#413",
    );
    const none = createEntry("api/b", feedSession({ id: "b" }));
    expect(prColumn(none.record, none.pr)).toEqual({ text: null, mark: null, title: "" });
  });
});

describe("middleEllipsis", () => {
  it("keeps short text and cuts long text in the middle, keeping most of the end", () => {
    expect(middleEllipsis("session/api-7", 24)).toBe("session/api-7");
    const cut = middleEllipsis("feature/very-long-branch-name-for-oauth-scopes", 24);
    expect(cut, "exactly the budget").toHaveLength(24);
    expect(cut.endsWith("oauth-scopes"), `the distinctive end survives: ${cut}`).toBe(true);
    expect(cut.startsWith("feat"), `the start survives: ${cut}`).toBe(true);
  });
});

describe("reason chip", () => {
  const dialog = { kind: "question" as const, title: "Should I also note this in CHANGELOG.md?", options: [] };
  const question = "Should I also note this in CHANGELOG.md?";
  const waiting = { state: "needs_input" as const, label: "question", reason: question };

  it("shows the question itself while the agent waits on a dialog (SPEC I2b)", () => {
    const chip = reasonChip({ resolved: waiting, live: { dialog } });
    expect(chip.text, "the row says what is asked without opening the session").toBe(
      "Should I also note this in CHANGELOG.md?",
    );
    expect(chip.title, "the tooltip keeps the kind").toBe("question: Should I also note this in CHANGELOG.md?");
  });

  it("keeps the short label without a dialog, or when the resolver put something else first", () => {
    const plain = { state: "needs_input" as const, label: "permission", reason: "waiting for permission to run `ls`" };
    expect(reasonChip({ resolved: plain, live: { dialog: null } }).text, "no dialog: the label").toBe("permission");
    const merge = { state: "merge_ready" as const, label: "merge ready", reason: "its PR is approved and green" };
    const chip = reasonChip({ resolved: merge, live: { dialog } });
    expect(chip.text, "merge outranks the dialog (A5)").toBe("merge ready");
  });
});
