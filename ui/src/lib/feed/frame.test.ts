import { describe, expect, it } from "vitest";
import type { FeedEvent } from "../../ipc/bindings";
import { feedSession, patch, snapshot } from "./fixtures";
import { FrameQueue, MAX_QUEUED_EVENTS } from "./frame";

/** A queue on a hand-cranked scheduler: `frame()` runs what was scheduled, as a real frame would. */
function harness() {
  const batches: FeedEvent[][] = [];
  let scheduled: (() => void)[] = [];
  const queue = new FrameQueue(
    (events) => batches.push([...events]),
    (flush) => scheduled.push(flush),
  );
  return {
    queue,
    batches,
    scheduledCount: () => scheduled.length,
    frame() {
      const run = scheduled;
      scheduled = [];
      for (const f of run) f();
    },
  };
}

describe("FrameQueue (UI §4.3)", () => {
  it("applies everything queued within one frame as one batch, in order", () => {
    const { queue, batches, frame, scheduledCount } = harness();
    queue.push(patch(2, []));
    queue.push(patch(3, []));
    queue.push(patch(4, []));
    expect(batches, "nothing is applied before the frame").toEqual([]);
    expect(scheduledCount(), "one frame is asked for, not one per event").toBe(1);
    frame();
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[2, 3, 4]]);
    queue.push(patch(5, []));
    frame();
    expect(batches.length, "the next event gets the next frame").toBe(2);
  });

  it("drops what was queued before a snapshot, which replaces it all", () => {
    const { queue, batches, frame } = harness();
    queue.push(patch(7, []));
    queue.push(snapshot(9, [feedSession({ id: "api-1" })]));
    queue.push(patch(10, []));
    frame();
    expect(batches.map((b) => b.map((e) => `${e.kind}:${e.seq}`))).toEqual([["snapshot:9", "patch:10"]]);
  });

  it("applies at once when the queue reaches its cap (a hidden window gets no frames)", () => {
    const { queue, batches } = harness();
    for (let seq = 1; seq <= MAX_QUEUED_EVENTS; seq++) queue.push(patch(seq, []));
    expect(batches.length, "the cap flushed without a frame").toBe(1);
    expect(batches[0]?.length).toBe(MAX_QUEUED_EVENTS);
    expect(queue.pending).toBe(0);
  });

  it("does nothing on a frame with an empty queue", () => {
    const { queue, batches, frame } = harness();
    queue.push(patch(1, []));
    queue.flush();
    frame();
    expect(batches.length, "the flush emptied the queue; the frame has nothing to apply").toBe(1);
  });
});
