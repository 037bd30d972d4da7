import { describe, expect, it } from "vitest";
import type { SessionRecord, SpawnInput } from "../../ipc/bindings";
import { feedSession, patch, snapshot } from "../feed/fixtures";
import { SpawnTracker } from "../spawn/tracker.svelte";
import { fakeFeed } from "../testing/feed";
import { fakeTimers } from "../testing/timers";
import { headerId, pendingId } from "./items";
import { ListNavigation } from "./navigation.svelte";

const working = (id: string, project = "api") => feedSession({ id, project });
const needsYou = (id: string, project = "api") =>
  feedSession({ id, project, attention: "respond", status: "needs_input" });

/** A navigation over a fake feed showing `sessions`, recording what it scrolled to. */
async function harness(sessions = [needsYou("r1"), working("w1"), working("w2"), working("x1", "web")]) {
  const feed = await fakeFeed();
  feed.send(snapshot(1, sessions));
  const spawns: ((record: SessionRecord) => void)[] = [];
  const tracker = new SpawnTracker(
    () => new Promise<SessionRecord>((resolve) => spawns.push(resolve)),
    fakeTimers().timers,
  );
  const revealed: string[] = [];
  const nav = new ListNavigation(feed.live, tracker, (id) => revealed.push(id));
  return { ...feed, tracker, nav, revealed, spawns };
}

describe("ListNavigation", () => {
  it("lists the sessions in scope, group by group", async () => {
    const { nav } = await harness();
    expect(nav.flat.rows).toEqual(["api/r1", "api/w1", "api/w2", "web/x1"]);
    nav.project = "web";
    expect(nav.flat.rows).toEqual(["web/x1"]);
    expect(nav.scopedTotal).toBe(1);
    nav.project = null;
    nav.view = "respond";
    expect(nav.flat.rows).toEqual(["api/r1"]);
  });

  it("selects a session, with or without its detail, and scrolls to it", async () => {
    const { nav, revealed } = await harness();
    nav.select("api/w1");
    expect([nav.selected, nav.detailOpen, nav.shownKey]).toEqual(["api/w1", false, null]);
    nav.select("api/w2", true);
    expect(nav.shownKey).toBe("api/w2");
    expect(nav.detailPosition).toEqual({ index: 2, total: 4 });
    nav.select(null, true);
    expect(nav.detailOpen, "no detail without a selection").toBe(false);
    expect(revealed).toEqual(["api/w1", "api/w2"]);
  });

  it("moves through the visible rows, keeping the detail as it was", async () => {
    const { nav } = await harness();
    nav.select("api/w1", true);
    nav.move(1);
    expect([nav.selected, nav.detailOpen]).toEqual(["api/w2", true]);
    nav.move(-1, false);
    expect([nav.selected, nav.detailOpen]).toEqual(["api/w1", false]);
  });

  it("jumps to a group's first session, leaving a view on another group", async () => {
    const { nav, revealed } = await harness();
    nav.view = "respond";
    nav.jump("working");
    expect(nav.view).toBeNull();
    expect(nav.toggled.working).toBe(true);
    expect(nav.selected).toBe("api/w1");
    expect(revealed).toEqual(["api/w1", headerId("working")]);
  });

  it("opens and closes a group", async () => {
    const { nav } = await harness();
    nav.toggle("working");
    expect(nav.flat.rows).toEqual(["api/r1"]);
    nav.toggle("working");
    expect(nav.flat.rows).toContain("api/w1");
  });

  it("closes the detail of a session that left the feed", async () => {
    const { nav, send } = await harness();
    nav.select("api/w1", true);
    nav.closeGone();
    expect(nav.detailOpen).toBe(true);
    send(snapshot(2, [needsYou("r1"), working("w2")]));
    expect(nav.detailEntry).toBeNull();
    nav.closeGone();
    expect(nav.detailOpen).toBe(false);
  });

  it("scrolls to the selection when a patch moved it, not when it was just picked", async () => {
    const { nav, send, revealed } = await harness();
    nav.select("api/w2");
    revealed.length = 0;
    nav.followSelection();
    expect(revealed).toEqual([]);
    send(patch(2, [needsYou("w1")]));
    nav.followSelection();
    expect(revealed).toEqual([]);
    send(patch(3, [needsYou("w2")]));
    nav.followSelection();
    expect(revealed, "w2 moved up into Needs you").toEqual(["api/w2"]);
  });

  it("shows a new spawn once, then the session that replaces it", async () => {
    const { nav, tracker, revealed, spawns, send } = await harness();
    nav.view = "respond";
    nav.toggled.working = false;
    const input: SpawnInput = { project: "api", agent: null, branch: null, prompt: null, issue: null };
    tracker.start(input);
    const localId = tracker.pending[0]!.localId;
    nav.revealSpawns();
    expect([nav.view, nav.toggled.working]).toEqual([null, true]);
    expect(revealed).toEqual([pendingId(localId)]);
    nav.revealSpawns();
    expect(revealed, "once").toHaveLength(1);

    const session = working("new1");
    spawns[0]!(session.view.record);
    await Promise.resolve();
    send(snapshot(2, [needsYou("r1"), working("w1"), working("w2"), working("x1", "web"), session]));
    nav.revealSpawns();
    expect(revealed).toEqual([pendingId(localId), "api/new1"]);
  });
});
