import { afterEach, describe, expect, it, vi } from "vitest";
import { feedSession, patch, snapshot } from "../feed/fixtures";
import { ListNavigation } from "../list/navigation.svelte";
import { SpawnTracker } from "../spawn/tracker.svelte";
import { fakeFeed } from "../testing/feed";
import { Notifications } from "./notifications.svelte";

const working = (id: string, project = "api") => feedSession({ id, project });
const needsYou = (id: string, project = "api") =>
  feedSession({ id, project, attention: "respond", status: "needs_input" });

async function harness(sessions = [needsYou("r1", "web"), working("w1"), working("x1", "web")]) {
  const feed = await fakeFeed();
  feed.send(snapshot(1, sessions));
  const nav = new ListNavigation(feed.live, new SpawnTracker(), () => {});
  const focus: (string | null)[] = [];
  const notify = new Notifications(feed.live, nav, async (key) => void focus.push(key));
  return { ...feed, nav, notify, focus };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("Notifications", () => {
  it("opens a clicked session, widening the scope to show it", async () => {
    const { nav, notify } = await harness();
    nav.project = "api";
    nav.view = "working";
    nav.toggled.respond = false;
    notify.open("web/r1");
    expect([nav.project, nav.view]).toEqual([null, null]);
    expect(nav.toggled.respond).toBe(true);
    expect([nav.selected, nav.shownKey]).toEqual(["web/r1", "web/r1"]);
  });

  it("keeps the scope when it shows the session already", async () => {
    const { nav, notify } = await harness();
    nav.project = "api";
    notify.open("api/w1");
    expect(nav.project).toBe("api");
    expect(nav.shownKey).toBe("api/w1");
  });

  it("selects the first session that needs you for a summary", async () => {
    const { nav, notify } = await harness();
    nav.project = "api";
    notify.open(null);
    expect(nav.project, "the only one is in another project").toBeNull();
    expect(nav.selected).toBe("web/r1");
    expect(nav.detailOpen).toBe(false);
  });

  it("opens a session the feed did not have yet once it arrives, for a while", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { nav, notify, send } = await harness();
    notify.open("api/late");
    expect(nav.selected).toBeNull();
    notify.openArrived();
    expect(nav.selected).toBeNull();
    send(snapshot(2, [needsYou("r1", "web"), working("w1"), working("late")]));
    notify.openArrived();
    expect(nav.shownKey).toBe("api/late");

    notify.open("api/later");
    vi.setSystemTime(Date.now() + 10_001);
    notify.openArrived();
    send(snapshot(3, [needsYou("r1", "web"), working("w1"), working("late"), working("later")]));
    notify.openArrived();
    expect(nav.shownKey, "too late: the click is forgotten").toBe("api/late");
  });

  it("clears the unread mark of the session shown, and of sessions that left", async () => {
    const { notify, send } = await harness();
    notify.unread.mark(["web/r1", "api/w1", "web/x1"]);
    expect(notify.unreadGroups).toEqual({ respond: 1, working: 2 });
    notify.shown("api/w1");
    expect(notify.unread.keys()).toEqual(["web/r1", "web/x1"]);
    send(snapshot(2, [needsYou("r1", "web"), working("w1")]));
    notify.retain();
    expect(notify.unread.keys()).toEqual(["web/r1"]);
    expect(notify.unreadGroups).toEqual({ respond: 1 });
  });

  it("tells the engine which session the detail shows, inside Grove only", async () => {
    const outside = await harness();
    outside.notify.shown("api/w1");
    expect(outside.focus).toEqual([]);

    vi.stubGlobal("window", { __TAURI_INTERNALS__: {} });
    const { notify, focus } = await harness();
    notify.shown("api/w1");
    notify.shown("api/w1");
    notify.shown(null);
    expect(focus, "changes only").toEqual(["api/w1", null]);
  });

  it("counts unread sessions in their new group when they move", async () => {
    const { notify, send } = await harness();
    notify.unread.mark(["api/w1"]);
    send(patch(2, [needsYou("w1")]));
    expect(notify.unreadGroups).toEqual({ respond: 1 });
  });
});
