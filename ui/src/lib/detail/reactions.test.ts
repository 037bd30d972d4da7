import { describe, expect, it } from "vitest";
import type { ReactionEntry } from "../../ipc/bindings";
import { reactionAge, reactionHistory, reactionKeyWords, reactionLine, reactionOutcome } from "./reactions";

const T = Date.parse("2026-11-24T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** The newest row of a history built from `entries`. */
function newest(entries: ReactionEntry[]) {
  const row = reactionHistory(entries).rows[0];
  if (row === undefined) throw new Error("empty history");
  return row;
}

function reaction(over: Partial<ReactionEntry> = {}): ReactionEntry {
  return { key: "ci_failed", at: iso(T), outcome: "sent_to_agent", attempt: 1, detail: "", ...over };
}

describe("reaction wording", () => {
  it("says the config keys in words, and unknown keys as their words", () => {
    expect(reactionKeyWords("ci_failed")).toBe("CI failed");
    expect(reactionKeyWords("changes_requested")).toBe("changes requested");
    expect(reactionKeyWords("merge_conflicts")).toBe("merge conflicts");
    expect(reactionKeyWords("agent_stuck")).toBe("agent stuck");
    expect(reactionKeyWords("approved_and_green")).toBe("approved and green");
    expect(reactionKeyWords("pr_closed")).toBe("PR closed");
    expect(reactionKeyWords("some_future_key")).toBe("some future key");
  });

  it("gives every outcome its own icon and word", () => {
    const outcomes = (["sent_to_agent", "notified", "escalated", "failed"] as const).map(reactionOutcome);
    expect(outcomes.map((o) => o.word)).toEqual(["sent to agent", "notified", "escalated", "failed"]);
    expect(new Set(outcomes.map((o) => o.icon)).size, "icons differ").toBe(4);
    expect(reactionOutcome("failed").tone).toBe("review");
    expect(reactionOutcome("escalated").tone).toBe("respond");
  });
});

describe("reaction history", () => {
  it("lists newest first", () => {
    const history = reactionHistory([
      reaction({ at: iso(T), detail: "first" }),
      reaction({ at: iso(T + 60_000), detail: "second", attempt: 2 }),
      reaction({ at: iso(T + 120_000), detail: "third", outcome: "escalated" }),
    ]);
    expect(history.rows.map((r) => r.detail)).toEqual(["third", "second", "first"]);
    expect(history.older).toBe(0);
  });

  it("keeps the later record entry first when times are equal, and puts unreadable times last", () => {
    const history = reactionHistory([
      reaction({ detail: "a" }),
      reaction({ detail: "b" }),
      reaction({ at: "not a time", detail: "c" }),
    ]);
    expect(history.rows.map((r) => r.detail)).toEqual(["b", "a", "c"]);
  });

  it("formats each entry as outcome, key, attempt, detail and age", () => {
    const row = newest([reaction({ attempt: 2, detail: " sent 2 failing checks (test, lint) " })]);
    expect(row).toMatchObject({
      icon: "→",
      outcome: "sent to agent",
      key: "CI failed",
      attempt: "attempt 2",
      detail: "sent 2 failing checks (test, lint)",
    });
    expect(reactionLine(row, T + 4 * 60_000)).toBe(
      "→ sent to agent: CI failed · attempt 2 · sent 2 failing checks (test, lint) · 4 min ago",
    );
  });

  it("leaves out an empty detail", () => {
    const row = newest([reaction({ outcome: "notified", key: "merge_conflicts" })]);
    expect(reactionLine(row, T + 30_000)).toBe("◆ notified: merge conflicts · attempt 1 · 30 s ago");
  });

  it("ages with the clock, and shows an unreadable time as written", () => {
    const row = newest([reaction()]);
    expect(reactionAge(row, T + 1_000)).toBe("just now");
    expect(reactionAge(row, T + 2 * 3_600_000)).toBe("2 h ago");
    const bad = newest([reaction({ at: "soon" })]);
    expect(reactionAge(bad, T)).toBe("soon");
  });

  it("shows at most the limit and counts the rest", () => {
    const entries = Array.from({ length: 5 }, (_, i) => reaction({ at: iso(T + i * 1000), detail: `${i}` }));
    const history = reactionHistory(entries, 3);
    expect(history.rows.map((r) => r.detail)).toEqual(["4", "3", "2"]);
    expect(history.older).toBe(2);
  });

  it("is empty for records without reactions", () => {
    expect(reactionHistory(undefined)).toEqual({ rows: [], older: 0 });
    expect(reactionHistory(null)).toEqual({ rows: [], older: 0 });
    expect(reactionHistory([])).toEqual({ rows: [], older: 0 });
  });
});
