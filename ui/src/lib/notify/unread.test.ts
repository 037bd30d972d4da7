import { describe, expect, it } from "vitest";
import type { Notification } from "../../ipc/bindings";
import { notificationKeys, unreadByGroup, UnreadSessions } from "./unread.svelte";

function notification(over: Partial<Notification> = {}): Notification {
  return {
    session: { project: "api", id: "api-7" },
    sessions: [{ project: "api", id: "api-7" }],
    signal: "needs_you",
    priority: "urgent",
    title: "api-7 needs you",
    body: "It asks which test to skip.",
    ...over,
  };
}

describe("notification keys", () => {
  it("names every session a notification covers, once each, as project/id", () => {
    expect(notificationKeys(notification())).toEqual(["api/api-7"]);
    expect(
      notificationKeys(
        notification({
          session: null,
          sessions: [
            { project: "api", id: "api-7" },
            { project: "web", id: "web-2" },
            { project: "api", id: "api-7" },
          ],
        }),
      ),
    ).toEqual(["api/api-7", "web/web-2"]);
  });

  it("adds the single session when the list leaves it out", () => {
    expect(notificationKeys(notification({ sessions: [] }))).toEqual(["api/api-7"]);
  });
});

describe("unread sessions", () => {
  it("marks the sessions a notification named and clears one when it is opened", () => {
    const unread = new UnreadSessions();
    unread.mark(["api/api-7", "web/web-2"]);
    expect(unread.has("api/api-7")).toBe(true);
    expect(unread.has("web/web-2")).toBe(true);
    expect(unread.size).toBe(2);
    unread.clear("api/api-7");
    expect(unread.has("api/api-7")).toBe(false);
    expect(unread.keys()).toEqual(["web/web-2"]);
    unread.clear(null);
    expect(unread.size, "clearing nothing changes nothing").toBe(1);
  });

  it("does not mark the session whose detail is open", () => {
    const unread = new UnreadSessions();
    unread.mark(["api/api-7", "web/web-2"], "api/api-7");
    expect(unread.keys()).toEqual(["web/web-2"]);
  });

  it("marks a session once however often it is named", () => {
    const unread = new UnreadSessions();
    unread.mark(["api/api-7"]);
    unread.mark(["api/api-7"]);
    expect(unread.size).toBe(1);
    unread.clear("api/api-7");
    expect(unread.has("api/api-7"), "one open clears it").toBe(false);
  });

  it("drops sessions that left the feed", () => {
    const unread = new UnreadSessions();
    unread.mark(["api/api-7", "web/web-2"]);
    unread.retain((key) => key === "web/web-2");
    expect(unread.keys()).toEqual(["web/web-2"]);
  });

  it("counts unread sessions per group, skipping unknown ones", () => {
    const groups: Record<string, "respond" | "review"> = { "api/a": "respond", "api/b": "respond", "api/c": "review" };
    expect(unreadByGroup(["api/a", "api/b", "api/c", "api/gone"], (k) => groups[k])).toEqual({ respond: 2, review: 1 });
    expect(unreadByGroup([], (k) => groups[k])).toEqual({});
  });
});
