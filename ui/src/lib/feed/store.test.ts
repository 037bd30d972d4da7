import { describe, expect, it } from "vitest";
import type { FeedEvent } from "../../ipc/bindings";
import { again, feedSession, patch, snapshot, type SessionSpec } from "./fixtures";
import { FeedStore, type FeedChange, type ResyncReason } from "./store";

/** A store that records its resync requests and change notifications, on a clock the test moves. */
function harness(start = Date.parse("2026-11-24T12:00:00Z")) {
  const resyncs: ResyncReason[] = [];
  const changes: FeedChange[] = [];
  let now = start;
  const store = new FeedStore({ requestResync: (r) => resyncs.push(r), now: () => now });
  store.subscribe((c) => changes.push(c));
  return {
    store,
    resyncs,
    changes,
    advance(ms: number) {
      now += ms;
    },
  };
}

const a = (spec: Partial<SessionSpec> = {}) => feedSession({ id: "api-1", ...spec });
const b = (spec: Partial<SessionSpec> = {}) => feedSession({ id: "api-2", ...spec });

describe("feed store: sequence and membership (E1, E4)", () => {
  it("applies a patch that follows the held seq", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(5, [a()]));
    store.apply(patch(6, [a({ summary: "writing tests" })]));
    expect(store.seq, "the patch's seq becomes the held one").toBe(6);
    expect(store.lastEventAt, "the status bar's patch age starts now").toBe(Date.parse("2026-11-24T12:00:00Z"));
    expect(store.sessions.get("api/api-1")?.live.info?.summary, "the patch was applied").toBe("writing tests");
    expect(resyncs, "nothing was lost, so no resync").toEqual([]);
  });

  it("ignores a patch after a seq gap and asks for a snapshot once", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(5, [a()]));
    store.apply(patch(7, [a({ summary: "from the future" })]));
    store.apply(patch(8, [a({ summary: "still resyncing" })]));
    expect(resyncs, "one request for the gap; later patches wait for the snapshot").toEqual(["seq_gap"]);
    expect(store.status).toBe("resyncing");
    expect(store.seq, "a dropped patch does not move seq").toBe(5);
    expect(store.sessions.get("api/api-1")?.live.info, "no patch after the gap was applied").toBeNull();
  });

  it("treats a repeated seq as a gap too", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(5, [a()]));
    store.apply(patch(5, [a({ summary: "replayed" })]));
    expect(resyncs).toEqual(["seq_gap"]);
    expect(store.sessions.get("api/api-1")?.live.info, "a replayed patch is not applied").toBeNull();
  });

  it("does not apply a patch naming an unknown session, not even its known part", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(1, [a()]));
    store.apply(patch(2, [a({ summary: "known part" }), b()]));
    expect(resyncs, "an unknown id is a membership change").toEqual(["unknown_session"]);
    expect(store.sessions.has("api/api-2"), "the unknown session was not added").toBe(false);
    expect(store.sessions.get("api/api-1")?.live.info, "the known part was not applied either").toBeNull();
    expect(store.seq).toBe(1);
  });

  it("does not apply a patch that removes a session", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(1, [a(), b()]));
    store.apply(patch(2, [], [{ project: "api", id: "api-2" }]));
    expect(resyncs).toEqual(["removed_session"]);
    expect(store.sessions.has("api/api-2"), "removal waits for the snapshot").toBe(true);
  });

  it("asks for a snapshot when a patch comes before any snapshot", () => {
    const { store, resyncs } = harness();
    expect(store.status).toBe("connecting");
    store.apply(patch(1, [a()]));
    expect(resyncs).toEqual(["patch_before_snapshot"]);
    expect(store.sessions.size).toBe(0);
  });

  it("goes live again with the snapshot that answers a resync, and applies patches after it", () => {
    const { store, resyncs } = harness();
    store.apply(snapshot(1, [a()]));
    store.apply(patch(3, [a()]));
    expect(store.status).toBe("resyncing");
    store.apply(snapshot(10, [a({ summary: "after resync" }), b()]));
    expect(store.resyncReason, "diagnostics can say why it resynced").toBe("seq_gap");
    expect(store.status, "the snapshot restores the live status").toBe("live");
    expect(store.seq).toBe(10);
    expect(store.sessions.has("api/api-2"), "the snapshot brings the new session").toBe(true);
    store.apply(patch(11, [b({ summary: "patched" })]));
    expect(store.sessions.get("api/api-2")?.live.info?.summary, "patches apply again").toBe("patched");
    expect(resyncs, "only the one gap asked for a snapshot").toEqual(["seq_gap"]);
  });

  it("replaces warnings only when a patch carries them", () => {
    const { store } = harness();
    store.apply(snapshot(1, [a()]));
    const warning = { source: "store" as const, message: "quarantined x.json", file: "x.json", line: null };
    store.apply({ kind: "patch", seq: 2, sessions: [], removed: [], warnings: [warning] });
    expect(store.warnings).toEqual([warning]);
    store.apply(patch(3, []));
    expect(store.warnings, "a patch without warnings leaves them as they were").toEqual([warning]);
    store.apply({ kind: "patch", seq: 4, sessions: [], removed: [], warnings: [] });
    expect(store.warnings, "an empty list clears them").toEqual([]);
  });
});

describe("feed store: identity and fine-grained updates (UI §4.2)", () => {
  it("keeps every object of an unchanged session across a resync snapshot", () => {
    const { store, changes } = harness();
    store.apply(snapshot(1, [a(), b()]));
    const entry = store.sessions.get("api/api-1");
    const record = entry?.record;
    const live = entry?.live;
    const workingIds = store.groups.working;
    changes.length = 0;
    store.apply(patch(5, [])); // a gap
    store.apply(snapshot(9, [again(a()), again(b({ summary: "changed meanwhile" }))]));
    const after = store.sessions.get("api/api-1");
    expect(after, "the entry object survives the resync").toBe(entry);
    expect(after?.record, "an equal record keeps its identity, so its row does not re-render").toBe(record);
    expect(after?.live, "equal live fields keep their identity").toBe(live);
    expect(store.groups.working, "group arrays are edited in place, never replaced").toBe(workingIds);
    const last = changes.at(-1);
    expect([...(last?.sessions ?? [])], "only the session that changed is reported").toEqual(["api/api-2"]);
    expect(last?.membership, "nobody came or went").toBe(false);
  });

  it("writes only the changed fields of the held entry on a patch", () => {
    const { store } = harness();
    store.apply(snapshot(1, [a()]));
    const entry = store.sessions.get("api/api-1");
    const record = entry?.record;
    store.apply(patch(2, [a({ activity: "idle" })]));
    expect(store.sessions.get("api/api-1"), "the same entry object is updated").toBe(entry);
    expect(entry?.live.activity).toBe("idle");
    expect(entry?.record, "the unchanged record keeps its identity").toBe(record);
  });

  it("drops sessions a snapshot no longer lists, from the map and their group", () => {
    const { store, changes } = harness();
    store.apply(snapshot(1, [a(), b()]));
    changes.length = 0;
    store.apply(snapshot(2, [a()]));
    expect(store.sessions.has("api/api-2")).toBe(false);
    expect(store.groups.working).toEqual(["api/api-1"]);
    expect(changes.at(-1)?.membership).toBe(true);
  });

  it("notifies once per batch, naming what changed", () => {
    const { store, changes } = harness();
    store.apply(snapshot(1, [a(), b()]));
    changes.length = 0;
    const events: FeedEvent[] = [
      patch(2, [a({ summary: "one" })]),
      patch(3, [a({ status: "needs_input", attention: "respond", state: "needs_input" })]),
    ];
    store.applyBatch(events);
    expect(changes.length, "one notification for the whole batch").toBe(1);
    expect([...(changes[0]?.sessions ?? [])]).toEqual(["api/api-1"]);
    expect([...(changes[0]?.groups ?? [])].sort(), "the left and the entered group").toEqual(["respond", "working"]);
  });

  it("stays silent for a patch that changes nothing but seq, except the feed flag", () => {
    const { store, changes } = harness();
    store.apply(snapshot(1, [a()]));
    changes.length = 0;
    store.apply(patch(2, [again(a())]));
    expect(changes[0]?.sessions.size, "an identical copy changes no entry").toBe(0);
    expect(changes[0]?.feed, "seq moved").toBe(true);
  });
});

describe("feed store: groups and stable order (UI §1.3, §4.4)", () => {
  const respond = { status: "needs_input", attention: "respond", state: "needs_input" } as const;

  it("moves a session to the group its attention names, and counts follow", () => {
    const { store } = harness();
    store.apply(snapshot(1, [a(), b()]));
    store.apply(patch(2, [b(respond)]));
    expect(store.groups.respond).toEqual(["api/api-2"]);
    expect(store.groups.working).toEqual(["api/api-1"]);
    expect(store.sessions.get("api/api-2")?.group).toBe("respond");
    store.apply(patch(3, [b({ status: "mergeable", attention: "merge", pr: { number: 7, reason: "merge_ready" } })]));
    expect(store.groups.merge, "from respond to merge").toEqual(["api/api-2"]);
    expect(store.groups.respond).toEqual([]);
    expect(store.counts()).toMatchObject({ merge: 1, working: 1, respond: 0 });
  });

  it("splits stopped (restorable) from done", () => {
    const { store } = harness();
    const ended = { attention: "done", state: "terminated", terminatedAt: "2026-11-24T11:00:00Z" } as const;
    store.apply(
      snapshot(1, [
        a({ ...ended, status: "stopped", reason: "stopped_for_restore" }),
        b({ ...ended, status: "killed", reason: "manually_killed" }),
      ]),
    );
    expect(store.groups.stopped).toEqual(["api/api-1"]);
    expect(store.groups.done).toEqual(["api/api-2"]);
  });

  it("orders working by creation and keeps the order when activity changes", () => {
    const { store } = harness();
    const sessions = [
      feedSession({ id: "api-3", createdAt: "2026-11-24T09:03:00Z" }),
      feedSession({ id: "api-1", createdAt: "2026-11-24T09:01:00Z" }),
      feedSession({ id: "api-2", createdAt: "2026-11-24T09:02:00Z" }),
    ];
    store.apply(snapshot(1, sessions));
    const order = ["api/api-1", "api/api-2", "api/api-3"];
    expect(store.groups.working, "oldest created first").toEqual(order);
    store.apply(patch(2, [feedSession({ id: "api-3", createdAt: "2026-11-24T09:03:00Z", activity: "idle" })]));
    store.apply(patch(3, [feedSession({ id: "api-1", createdAt: "2026-11-24T09:01:00Z", activity: "ready" })]));
    expect(store.groups.working, "activity never reorders a group").toEqual(order);
  });

  it("orders respond by entry, oldest first, and keeps a session's place while it stays", () => {
    const { store, advance } = harness();
    store.apply(
      snapshot(1, [
        a({ ...respond, lastTransitionAt: "2026-11-24T11:30:00Z" }),
        b({ ...respond, lastTransitionAt: "2026-11-24T11:00:00Z" }),
        feedSession({ id: "api-3" }),
      ]),
    );
    expect(store.groups.respond, "the first snapshot orders by the record's last transition").toEqual([
      "api/api-2",
      "api/api-1",
    ]);
    advance(60_000);
    store.apply(patch(2, [feedSession({ id: "api-3", ...respond })]));
    expect(store.groups.respond, "a session entering later goes last").toEqual(["api/api-2", "api/api-1", "api/api-3"]);
    // api-2 goes from needs input to stuck: a new transition, same group, same place.
    const stuck = { status: "stuck", attention: "respond", state: "stuck" } as const;
    store.apply(patch(3, [b({ ...stuck, lastTransitionAt: "2026-11-24T12:05:00Z" })]));
    expect(store.groups.respond, "a transition inside the group does not move it").toEqual([
      "api/api-2",
      "api/api-1",
      "api/api-3",
    ]);
  });

  it("places a session that changed group during a resync gap as a new arrival", () => {
    const { store, advance } = harness();
    store.apply(snapshot(1, [a({ ...respond, lastTransitionAt: "2026-11-24T11:00:00Z" }), b()]));
    store.apply(patch(3, [])); // a gap: api-2's move to respond is only seen in the next snapshot
    advance(60_000);
    store.apply(snapshot(7, [a({ ...respond, lastTransitionAt: "2026-11-24T11:00:00Z" }), b(respond)]));
    expect(store.groups.working, "it left its old group").toEqual([]);
    expect(store.groups.respond, "it arrived after the one already waiting").toEqual(["api/api-1", "api/api-2"]);
  });

  it("orders stopped and done newest first", () => {
    const { store } = harness();
    const done = (id: string, terminatedAt: string) =>
      feedSession({ id, status: "killed", attention: "done", state: "terminated", terminatedAt });
    store.apply(
      snapshot(1, [done("api-1", "2026-11-24T08:00:00Z"), done("api-2", "2026-11-24T09:00:00Z"), done("api-3", "2026-11-24T07:00:00Z")]),
    );
    expect(store.groups.done).toEqual(["api/api-2", "api/api-1", "api/api-3"]);
  });

  it("keys sessions by project, so equal ids in two projects are two sessions", () => {
    const { store } = harness();
    store.apply(snapshot(1, [feedSession({ project: "api", id: "s-1" }), feedSession({ project: "web", id: "s-1" })]));
    expect([...store.sessions.keys()].sort()).toEqual(["api/s-1", "web/s-1"]);
  });
});
