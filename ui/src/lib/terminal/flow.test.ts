import { describe, expect, it } from "vitest";
import { deferred, settle } from "../testing/promises";
import { fakeTimers } from "../testing/timers";
import { ACK_FRAME_MS, AckFlow } from "./flow";

const BIG = 32 * 1024;

/** A flow whose ack calls the test answers by hand. */
function harness() {
  const clock = fakeTimers();
  const calls: { bytes: number; answer: ReturnType<typeof deferred<void>>; answered: boolean }[] = [];
  const errors: unknown[] = [];
  const flow = new AckFlow(clock.timers, (e) => errors.push(e));
  const send = (bytes: number) => {
    const answer = deferred<void>();
    calls.push({ bytes, answer, answered: false });
    return answer.promise;
  };
  const sent = () => calls.map((c) => c.bytes);
  const inFlight = () => calls.filter((c) => !c.answered).length;
  const answerAll = () => {
    for (const c of calls.filter((c) => !c.answered)) {
      c.answered = true;
      c.answer.resolve();
    }
  };
  return { clock, calls, errors, flow, send, sent, inFlight, answerAll };
}

describe("AckFlow", () => {
  it("gathers counts into one ack sent on the next frame", async () => {
    const h = harness();
    h.flow.start(h.send);
    h.flow.processed(10);
    h.flow.processed(20);
    h.flow.processed(30);
    await settle();
    expect(h.sent(), "nothing may go before the next frame").toEqual([]);
    expect([...h.clock.pending.values()].map((t) => t.ms), "one frame for the three counts").toEqual([ACK_FRAME_MS]);
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "the three counts as one ack").toEqual([60]);
  });

  it("waits for the frame even for a whole message, so the page draws between messages", async () => {
    const h = harness();
    h.flow.start(h.send);
    h.flow.processed(BIG);
    await settle();
    expect(h.sent(), "no ack before the frame, however much was drawn").toEqual([]);
    h.clock.fireAll();
    await settle();
    expect(h.sent()).toEqual([BIG]);
  });

  it("keeps one ack in flight and sends what came meanwhile as the next one", async () => {
    const h = harness();
    h.flow.start(h.send);
    h.flow.processed(BIG);
    h.clock.fireAll();
    await settle();
    h.flow.processed(BIG);
    h.flow.processed(5);
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "no second call while the first runs").toEqual([BIG]);
    expect(h.flow.unacked).toBe(BIG + 5);
    h.calls[0]!.answer.resolve();
    await settle();
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "the accumulated count follows the answer, on the next frame").toEqual([BIG, BIG + 5]);
  });

  it("counts before the connection exists and acks them once it does", async () => {
    const h = harness();
    h.flow.processed(3000);
    h.flow.processed(7000);
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "no ack without a connection").toEqual([]);
    h.flow.start(h.send);
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "everything counted so far, in one call").toEqual([10_000]);
  });

  it("acks every byte exactly once over a long burst, never two calls at a time", async () => {
    const h = harness();
    h.flow.start(h.send);
    let total = 0;
    let maxInFlight = 0;
    for (let i = 0; i < 500; i++) {
      const n = 1 + ((i * 7919) % 4096);
      total += n;
      h.flow.processed(n);
      await settle();
      maxInFlight = Math.max(maxInFlight, h.inFlight());
      if (i % 3 === 0) h.answerAll();
      if (i % 11 === 0) h.clock.fireAll();
    }
    for (let round = 0; round < 5; round++) {
      h.answerAll();
      await settle();
      h.clock.fireAll();
      await settle();
    }
    expect(maxInFlight, "at most one ack call in flight").toBe(1);
    expect(h.sent().reduce((a, b) => a + b, 0), "acked bytes equal processed bytes").toBe(total);
    expect(h.calls.length, "acks are coalesced, far fewer than writes").toBeLessThan(250);
  });

  it("reports a failed ack and goes on acking later output", async () => {
    const h = harness();
    h.flow.start(h.send);
    h.flow.processed(BIG);
    h.clock.fireAll();
    await settle();
    h.calls[0]!.answer.reject(new Error("viewer gone"));
    await settle();
    expect(h.errors.map(String)).toEqual(["Error: viewer gone"]);
    h.flow.processed(BIG);
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "the failed count is not sent twice; new output is acked").toEqual([BIG, BIG]);
  });

  it("leaves no timer behind on dispose and ignores what comes after", async () => {
    const h = harness();
    h.flow.start(h.send);
    h.flow.processed(BIG);
    h.clock.fireAll();
    await settle();
    h.calls[0]!.answer.resolve();
    await settle();
    h.flow.processed(10);
    h.flow.dispose();
    expect(h.clock.pending.size, "the pending frame is cancelled").toBe(0);
    h.flow.processed(BIG);
    await settle();
    h.clock.fireAll();
    await settle();
    expect(h.sent(), "nothing after dispose").toEqual([BIG]);
    expect(h.clock.pending.size, "no timer started after dispose").toBe(0);
  });
});
