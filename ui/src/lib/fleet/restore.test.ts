import { describe, expect, it } from "vitest";
import type { FleetRestoreReport, LastStop, RestoreProgress } from "../../ipc/bindings";
import {
  allRows,
  AUTO_CLOSE_MS,
  buildGroups,
  closedState,
  heading,
  primaryLabel,
  RestoreFlow,
  stoppedWhen,
  type RestoreDeps,
  type RestoreState,
  type SessionInfo,
} from "./restore";
import { fakeTimers } from "../testing/timers";

const flush = () => new Promise((r) => setTimeout(r, 0));


const record = (over: Partial<LastStop> = {}): LastStop => ({
  version: 1,
  stoppedAt: "2025-03-04T18:04:00Z",
  scope: { kind: "all" },
  projects: [
    { projectId: "api", sessionIds: ["api-1", "api-2"], errors: { "api-2": "worktree missing" } },
    { projectId: "web", sessionIds: ["web-1"] },
  ],
  ...over,
});

const sessions: Record<string, SessionInfo> = {
  "api/api-1": { displayName: "Fix the flaky test", branch: "session/api-1", agent: "claude-code" },
  "api/api-2": { displayName: null, branch: "feat/login", agent: "codex" },
};

const report = (over: Partial<FleetRestoreReport> = {}): FleetRestoreReport => ({
  restored: [],
  alreadyLive: [],
  failed: [],
  remaining: null,
  recordError: null,
  ...over,
});

const ref = (projectId: string, sessionId: string) => ({ projectId, sessionId });
const progress = (projectId: string, sessionId: string, index: number, step: RestoreProgress["step"]): RestoreProgress => ({
  session: ref(projectId, sessionId),
  index,
  total: 3,
  step,
});

/** A restore call the test drives by hand. */
function controlledRestore() {
  const calls: {
    progress: (p: RestoreProgress) => void;
    resolve: (r: FleetRestoreReport) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const restore = (progress: (p: RestoreProgress) => void) =>
    new Promise<FleetRestoreReport>((resolve, reject) => calls.push({ progress, resolve, reject }));
  return { restore, calls };
}

function setup(over: Partial<RestoreDeps> = {}, stop: LastStop | null = record()) {
  const state: RestoreState = closedState();
  const { restore, calls } = controlledRestore();
  const t = fakeTimers();
  const notices: string[] = [];
  let declined = 0;
  const deps: RestoreDeps = {
    lastStop: async () => stop,
    restore,
    decline: async () => {
      declined++;
    },
    session: (p, id) => sessions[`${p}/${id}`],
    projectName: (id) => (id === "api" ? "API server" : id),
    notice: (text) => notices.push(text),
    timers: t.timers,
    ...over,
  };
  const flow = new RestoreFlow(state, deps);
  const status = () => Object.fromEntries(allRows(state.groups).map((r) => [r.key, r.status]));
  return { state, flow, calls, t, notices, status, declined: () => declined };
}

describe("buildGroups", () => {
  it("groups by project in record order, titled from the store, with the earlier error", () => {
    const groups = buildGroups(record(), (p, id) => sessions[`${p}/${id}`], (id) => (id === "api" ? "API server" : id));
    expect(groups.map((g) => [g.projectId, g.name])).toEqual([
      ["api", "API server"],
      ["web", "web"],
    ]);
    const [a1, a2] = groups[0]!.rows;
    expect(a1).toMatchObject({
      key: "api/api-1",
      title: "Fix the flaky test",
      branch: "session/api-1",
      agent: "claude-code",
      earlier: null,
      status: "pending",
    });
    expect(a2, "no display name: the branch").toMatchObject({ title: "feat/login", earlier: "worktree missing" });
    expect(groups[1]!.rows[0], "not in the store: the id").toMatchObject({
      title: "web-1",
      branch: null,
      agent: null,
    });
  });

  it("leaves out projects with no sessions", () => {
    const groups = buildGroups(
      record({ projects: [{ projectId: "api", sessionIds: [] }] }),
      () => undefined,
      (id) => id,
    );
    expect(groups).toEqual([]);
  });
});

describe("stoppedWhen", () => {
  it("reads weekday and local time with the age", () => {
    const at = new Date(2025, 2, 4, 18, 4); // a Tuesday, local time
    expect(stoppedWhen(at.toISOString(), at.getTime() + 2 * 3600_000)).toBe("Tue 18:04 (2h ago)");
    expect(stoppedWhen(at.toISOString(), at.getTime() + 1000)).toBe("Tue 18:04 (just now)");
  });

  it("names the date once the weekday would mislead, and passes an unreadable time through", () => {
    const at = new Date(2025, 2, 4, 9, 30);
    expect(stoppedWhen(at.toISOString(), at.getTime() + 9 * 24 * 3600_000)).toBe("Mar 4 09:30 (9d ago)");
    expect(stoppedWhen("yesterday", Date.now())).toBe("yesterday");
  });
});

describe("RestoreFlow", () => {
  it("opens with the record's sessions once loaded", async () => {
    const { state, flow } = setup();
    await flow.load();
    expect(state.phase).toBe("ready");
    expect(state.stoppedAt).toBe("2025-03-04T18:04:00Z");
    expect(heading(state)).toBe("Restore 3 sessions from your last stop?");
    expect(primaryLabel(state.groups)).toBe("Restore 3");
  });

  it("stays closed without a record, or with an empty one", async () => {
    const none = setup({}, null);
    await none.flow.load();
    expect(none.state.phase).toBe("closed");
    const empty = setup({}, record({ projects: [] }));
    await empty.flow.load();
    expect(empty.state.phase).toBe("closed");
  });

  it("a record that cannot be read is said, with no dialog", async () => {
    const { state, flow, notices } = setup({ lastStop: () => Promise.reject(new Error("bad json")) });
    await flow.load();
    expect(state.phase).toBe("closed");
    expect(notices).toEqual(["Could not read the last stop: bad json"]);
  });

  it("rows tick as progress arrives, then everything restored closes by itself", async () => {
    const { state, flow, calls, t, status } = setup();
    await flow.load();
    flow.restore();
    expect(state.phase).toBe("running");
    const call = calls[0]!;
    call.progress(progress("api", "api-1", 1, { kind: "restoring" }));
    expect(status()["api/api-1"]).toBe("restoring");
    expect(heading(state)).toBe("Restoring 1 of 3…");
    call.progress(progress("api", "api-1", 1, { kind: "restored" }));
    call.progress(progress("api", "api-2", 2, { kind: "already_live" }));
    expect(status()).toEqual({ "api/api-1": "restored", "api/api-2": "restored", "web/web-1": "pending" });
    expect(allRows(state.groups)[1]!.earlier, "a restored row drops its old error").toBeNull();
    call.progress(progress("web", "web-1", 3, { kind: "restored" }));
    call.resolve(report({ restored: [ref("api", "api-1"), ref("web", "web-1")], alreadyLive: [ref("api", "api-2")] }));
    await flush();
    expect(state.phase).toBe("done");
    expect(heading(state)).toBe("All 3 sessions restored");
    expect([...t.pending.values()].map((p) => p.ms)).toEqual([AUTO_CLOSE_MS]);
    t.fireAll();
    expect(state.phase).toBe("closed");
    expect(state.groups).toEqual([]);
  });

  it("failures stay with their error, and retry runs only what is left", async () => {
    const { state, flow, calls, t, status } = setup();
    await flow.load();
    flow.restore();
    calls[0]!.progress(progress("api", "api-1", 1, { kind: "restored" }));
    calls[0]!.progress(progress("api", "api-2", 2, { kind: "failed", error: "runtime: tmux not found" }));
    calls[0]!.resolve(
      report({
        restored: [ref("api", "api-1"), ref("web", "web-1")],
        failed: [{ projectId: "api", sessionId: "api-2", error: "runtime: tmux not found" }],
        remaining: record({ projects: [{ projectId: "api", sessionIds: ["api-2"] }] }),
      }),
    );
    await flush();
    expect(state.phase).toBe("ready");
    expect(status()).toEqual({ "api/api-1": "restored", "api/api-2": "failed", "web/web-1": "restored" });
    expect(allRows(state.groups)[1]!.error).toBe("runtime: tmux not found");
    expect(heading(state)).toBe("2 restored · 1 failed");
    expect(primaryLabel(state.groups)).toBe("Retry failed (1)");
    expect(t.pending.size, "no auto close with failures").toBe(0);

    flow.restore();
    expect(status()["api/api-2"], "the retried row waits again").toBe("pending");
    expect(status()["api/api-1"]).toBe("restored");
    calls[1]!.progress({ ...progress("api", "api-2", 1, { kind: "restored" }), total: 1 });
    calls[1]!.resolve(report({ restored: [ref("api", "api-2")] }));
    await flush();
    expect(state.phase).toBe("done");
    expect(calls).toHaveLength(2);
  });

  it("the report settles rows whose progress was lost", async () => {
    const { state, flow, calls, status } = setup();
    await flow.load();
    flow.restore();
    calls[0]!.progress(progress("web", "web-1", 3, { kind: "restoring" }));
    calls[0]!.resolve(
      report({
        restored: [ref("api", "api-1")],
        failed: [{ projectId: "api", sessionId: "api-2", error: "gone" }],
        remaining: record({ projects: [{ projectId: "api", sessionIds: ["api-2"] }] }),
      }),
    );
    await flush();
    expect(status()).toEqual({ "api/api-1": "restored", "api/api-2": "failed", "web/web-1": "pending" });
    expect(state.progress).toBeNull();
  });

  it("a restore call that fails says so inline and can be tried again", async () => {
    const { state, flow, calls, status } = setup();
    await flow.load();
    flow.restore();
    calls[0]!.progress(progress("api", "api-1", 1, { kind: "restoring" }));
    calls[0]!.reject(new Error("backend not ready"));
    await flush();
    expect(state.phase).toBe("ready");
    expect(state.error).toBe("Restore stopped: backend not ready");
    expect(status()["api/api-1"], "mid-way rows wait again").toBe("pending");
    flow.restore();
    expect(state.error).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it("a record that could not be updated is a warning, and the dialog stays", async () => {
    const { state, flow, calls, t } = setup();
    await flow.load();
    flow.restore();
    calls[0]!.resolve(
      report({
        restored: [ref("api", "api-1"), ref("api", "api-2"), ref("web", "web-1")],
        recordError: "disk full",
      }),
    );
    await flush();
    expect(state.phase).toBe("ready");
    expect(state.warning).toBe("The record could not be updated: disk full");
    expect(t.pending.size).toBe(0);
  });

  it("not now closes and keeps the record; nothing closes while restoring", async () => {
    const { state, flow, declined } = setup();
    await flow.load();
    flow.restore();
    flow.close();
    expect(state.phase, "running: close waits").toBe("running");
    const other = setup();
    await other.flow.load();
    other.flow.close();
    expect(other.state.phase).toBe("closed");
    expect(other.declined()).toBe(0);
    expect(declined()).toBe(0);
  });

  it("discard asks first, then clears the record", async () => {
    const { state, flow, declined } = setup();
    await flow.load();
    flow.askDiscard();
    expect(state.phase).toBe("discard");
    flow.keep();
    expect(state.phase).toBe("ready");
    expect(declined()).toBe(0);
    flow.askDiscard();
    flow.discard();
    expect(state.phase).toBe("discarding");
    await flush();
    expect(declined()).toBe(1);
    expect(state.phase).toBe("closed");
  });

  it("a failed discard stays open with the error", async () => {
    const { state, flow } = setup({ decline: () => Promise.reject(new Error("read-only")) });
    await flow.load();
    flow.askDiscard();
    flow.discard();
    await flush();
    expect(state.phase).toBe("ready");
    expect(state.error).toBe("Could not discard the record: read-only");
  });

  it("restore and discard do nothing from the wrong phase", async () => {
    const { state, flow, calls, declined } = setup();
    flow.restore();
    flow.discard();
    expect(calls).toHaveLength(0);
    await flow.load();
    flow.discard();
    expect(declined()).toBe(0);
    flow.askDiscard();
    flow.restore();
    expect(calls, "no restore under the discard question").toHaveLength(0);
    expect(state.phase).toBe("discard");
  });

  it("refresh follows a record changed elsewhere, and closes once it is gone", async () => {
    let stop: LastStop | null = record();
    const { state, flow, status } = setup({ lastStop: async () => stop });
    await flow.load();
    stop = record({ projects: [{ projectId: "api", sessionIds: ["api-2"], errors: { "api-2": "still missing" } }] });
    await flow.refresh();
    expect(status()).toEqual({ "api/api-1": "restored", "api/api-2": "pending", "web/web-1": "restored" });
    expect(allRows(state.groups)[1]!.earlier).toBe("still missing");
    expect(state.phase).toBe("ready");
    stop = null;
    await flow.refresh();
    expect(state.phase).toBe("closed");
  });
});
