// Correctness at the scale UI §4 budgets for (10,000 sessions, a long run of patches). Timing is
// the benchmarks' job (ARCHITECTURE §5), never an assertion here.

import { describe, expect, it } from "vitest";
import type { FeedSession } from "../../ipc/bindings";
import { feedSession, patch, snapshot, type SessionSpec } from "./fixtures";
import { FeedStore } from "./store";

const SESSIONS = 10_000;
const PATCHES = 1_000;

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The shapes a session takes in this run: its status, attention and what else goes with them. */
const SHAPES: Partial<SessionSpec>[] = [
  { status: "working", attention: "working", activity: "active" },
  { status: "working", attention: "working", activity: "idle" },
  { status: "needs_input", attention: "respond", state: "needs_input" },
  { status: "working", attention: "respond", activity: "waiting_input" },
  { status: "mergeable", attention: "merge", pr: { number: 1, reason: "merge_ready" } },
  { status: "ci_failed", attention: "review", pr: { number: 1, reason: "ci_failing" } },
  { status: "review_pending", attention: "pending", pr: { number: 1, reason: "review_pending" } },
  { status: "stopped", attention: "done", state: "terminated", reason: "stopped_for_restore" },
  { status: "killed", attention: "done", state: "terminated", reason: "manually_killed" },
];

function make(i: number, shape: Partial<SessionSpec>, summary: string | null): FeedSession {
  const project = `p${i % 7}`;
  const minute = String(i % 60).padStart(2, "0");
  return feedSession({
    project,
    id: `s-${i}`,
    createdAt: `2026-11-${String(1 + (i % 20)).padStart(2, "0")}T10:${minute}:00Z`,
    lastTransitionAt: `2026-11-24T09:${minute}:00Z`,
    terminatedAt: shape.state === "terminated" ? `2026-11-24T08:${minute}:00Z` : null,
    summary,
    ...shape,
  });
}

describe("feed store at scale", () => {
  it("applies a 10,000-session snapshot and then 1,000 patches correctly", () => {
    const rnd = random(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const resyncs: string[] = [];
    let now = Date.parse("2026-11-24T12:00:00Z");
    const store = new FeedStore({ requestResync: (r) => resyncs.push(r), now: () => now });

    const latest = new Map<string, FeedSession>();
    const keyOf = (s: FeedSession) => `${s.view.record.projectId}/${s.view.record.id}`;
    const initial = Array.from({ length: SESSIONS }, (_, i) => make(i, pick(SHAPES), null));
    for (const s of initial) latest.set(keyOf(s), s);
    store.apply(snapshot(1, initial));
    expect(store.sessions.size).toBe(SESSIONS);

    const firstSortKey = new Map([...store.sessions].map(([k, e]) => [k, e.sortKey]));
    const moved = new Set<string>();
    for (let seq = 2; seq < 2 + PATCHES; seq++) {
      now += 50;
      const batch = new Map<string, FeedSession>();
      const size = 1 + Math.floor(rnd() * 5);
      for (let j = 0; j < size; j++) {
        const i = Math.floor(rnd() * SESSIONS);
        // Half the changes keep the group (a new summary), half take a random shape.
        const prev = latest.get(`p${i % 7}/s-${i}`) as FeedSession;
        const shape = rnd() < 0.5 ? SHAPES.find((s) => s.status === prev.status && s.attention === prev.attention) : pick(SHAPES);
        const next = make(i, shape ?? pick(SHAPES), `patch ${seq}`);
        if (prev.resolved.group !== next.resolved.group) moved.add(keyOf(next));
        batch.set(keyOf(next), next);
      }
      for (const [k, s] of batch) latest.set(k, s);
      store.apply(patch(seq, [...batch.values()]));
    }

    expect(resyncs, "every patch was in sequence and named known sessions").toEqual([]);
    expect(store.seq).toBe(1 + PATCHES);
    expect(moved.size, "the run must move sessions between groups to test anything").toBeGreaterThan(100);

    let inGroups = 0;
    for (const [key, sent] of latest) {
      const entry = store.sessions.get(key);
      expect(entry, `${key} is held`).toBeDefined();
      if (entry === undefined) continue;
      expect(entry.record, `${key}: record is the last one sent`).toEqual(sent.view.record);
      expect(entry.live, `${key}: live fields are the last ones sent`).toEqual(sent.view.live);
      expect([entry.status, entry.attention], `${key}: status and attention`).toEqual([sent.status, sent.attention]);
      expect(entry.group, `${key}: group is the engine's`).toBe(sent.resolved.group);
      if (!moved.has(key)) expect(entry.sortKey, `${key} never left its group, so keeps its place`).toBe(firstSortKey.get(key));
    }
    for (const [group, ids] of Object.entries(store.groups)) {
      inGroups += ids.length;
      expect(new Set(ids).size, `${group}: no id twice`).toBe(ids.length);
      ids.forEach((id, i) => {
        const entry = store.sessions.get(id);
        expect(entry?.group, `${group}[${i}] = ${id} belongs to ${group}`).toBe(group);
        const prev = i > 0 ? store.sessions.get(ids[i - 1] as string) : undefined;
        if (prev === undefined || entry === undefined) return;
        const ordered = prev.sortKey < entry.sortKey || (prev.sortKey === entry.sortKey && prev.key < entry.key);
        expect(ordered, `${group}: ${prev.key} sorts before ${entry.key}`).toBe(true);
      });
    }
    expect(inGroups, "every session is in exactly one group").toBe(SESSIONS);
  });
});
