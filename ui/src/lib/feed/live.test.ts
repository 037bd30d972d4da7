import { describe, expect, it, vi } from "vitest";
import type { FeedEvent } from "../../ipc/bindings";
import { feedSession, patch, snapshot } from "./fixtures";
import { LiveFeed } from "./live.svelte";
import { FEED_LOG_LIMIT, logArrival, type FeedLogEntry } from "./probe";

/** A LiveFeed on a fake subscription whose frames the test runs by hand. */
async function harness(resyncFails = false) {
  let emit: (e: FeedEvent) => void = () => {};
  const resyncs: number[] = [];
  const frames: (() => void)[] = [];
  const live = new LiveFeed(
    async (onEvent) => {
      emit = onEvent;
      return {
        resync: async () => {
          resyncs.push(1);
          if (resyncFails) throw new Error("feed gone");
        },
        close: async () => {},
      };
    },
    (flush) => frames.push(flush),
  );
  live.start();
  await Promise.resolve();
  return {
    live,
    resyncs,
    send(event: FeedEvent) {
      emit(event);
    },
    frame() {
      for (const f of frames.splice(0)) f();
    },
  };
}

const s = (id: string, summary: string | null = null, attention: "working" | "respond" = "working") =>
  feedSession({ id, summary, attention, status: attention === "respond" ? "needs_input" : "working" });

describe("LiveFeed", () => {
  it("applies events on the next frame, not on arrival", async () => {
    const h = await harness();
    h.send(snapshot(1, [s("a"), s("b")]));
    expect(h.live.ready, "nothing is applied before the frame").toBe(false);
    h.frame();
    expect(h.live.ready).toBe(true);
    expect(h.live.status).toBe("live");
    expect(h.live.sessionCount).toBe(2);
    expect(h.live.counts.working).toBe(2);
  });

  it("bumps only the changed row's version on a patch that keeps groups", async () => {
    const h = await harness();
    h.send(snapshot(1, [s("a"), s("b")]));
    h.frame();
    const before = { a: h.live.version("api/a"), b: h.live.version("api/b"), working: h.live.groupVersions.working };
    h.send(patch(2, [s("a", "writing tests")]));
    h.frame();
    expect(h.live.version("api/a"), "the patched row re-renders").toBe(before.a + 1);
    expect(h.live.version("api/b"), "the untouched row does not").toBe(before.b);
    expect(h.live.groupVersions.working, "no group array changed").toBe(before.working);
  });

  it("bumps both groups and the counts when a session changes group", async () => {
    const h = await harness();
    h.send(snapshot(1, [s("a"), s("b")]));
    h.frame();
    const working = h.live.groupVersions.working;
    const respond = h.live.groupVersions.respond;
    h.send(patch(2, [s("a", null, "respond")]));
    h.frame();
    expect(h.live.groupVersions.working).toBe(working + 1);
    expect(h.live.groupVersions.respond).toBe(respond + 1);
    expect(h.live.counts.respond, "counts follow in the same pass").toBe(1);
  });

  it("asks the subscription for a snapshot on a seq gap, and shows resyncing", async () => {
    const h = await harness();
    h.send(snapshot(1, [s("a")]));
    h.frame();
    h.send(patch(5, [s("a", "x")]));
    h.frame();
    expect(h.resyncs, "one resync request reaches the backend").toHaveLength(1);
    expect(h.live.status).toBe("resyncing");
  });
});

describe("LiveFeed resync failures (E3)", () => {
  it("retries a failed resync and shows the error only after three failures in a row", async () => {
    vi.useFakeTimers();
    try {
      const h = await harness(true);
      h.send(snapshot(1, [s("a")]));
      h.frame();
      h.send(patch(5, [s("a", "x")]));
      h.frame();
      await vi.advanceTimersByTimeAsync(0);
      expect(h.live.error, "one failure is not shown").toBeNull();
      await vi.advanceTimersByTimeAsync(1000);
      expect(h.live.error, "two failures are not shown").toBeNull();
      await vi.advanceTimersByTimeAsync(1000);
      expect(h.resyncs, "each failure is retried").toHaveLength(3);
      expect(h.live.error, "the third failure in a row is shown").toBe("feed gone");
      expect(h.live.ready, "the last good data stays").toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("feed arrival log", () => {
  it("keeps at most the limit, dropping the oldest", () => {
    const log: FeedLogEntry[] = [];
    for (let seq = 0; seq < FEED_LOG_LIMIT + 10; seq++) logArrival(log, patch(seq, [s("a")]), seq);
    expect(log).toHaveLength(FEED_LOG_LIMIT);
    expect(log[0]?.seq, "the ten oldest were dropped").toBe(10);
    expect(log[0]?.keys, "each entry names the sessions it carried").toEqual(["api/a"]);
  });
});
