import { describe, expect, it } from "vitest";
import { Clock, type Timers } from "./clock.svelte";
import { formatAge, nextSinceChange } from "./format";

/** Ticks land a few ms after a change (the clock's rounding slack); advancing by this more covers it. */
const SLACK = 10;

/** A clock on hand-driven time: `advance` moves time (plus the slack) and fires what fell due. */
function harness(start = 1_000_000) {
  let time = start;
  const pending = new Map<number, { run: () => void; at: number }>();
  let next = 0;
  const timers: Timers = {
    set: (run, ms) => {
      pending.set(++next, { run, at: time + ms });
      return next;
    },
    clear: (handle) => void pending.delete(handle as number),
    now: () => time,
  };
  const clock = new Clock(timers);
  let ticks = 0;
  const advance = (ms: number) => {
    const end = time + ms + SLACK;
    for (;;) {
      const due = [...pending].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      pending.delete(due[0]);
      time = due[1].at;
      const before = clock.now;
      due[1].run();
      if (clock.now !== before) ticks++;
    }
    time = end;
  };
  return { clock, pending, advance, now: () => time, ticks: () => ticks };
}

describe("Clock (UI §2.5, issue #20: it ticks only when a shown age would change)", () => {
  it("sleeps while no age is shown", () => {
    const h = harness();
    h.clock.run();
    h.advance(10 * 60_000);
    expect(h.ticks(), "nothing shown: no tick in ten minutes").toBe(0);
    expect(h.clock.planned, "and no timer waiting").toBe(false);
  });

  it("ticks each second while a seconds age is shown, then once a minute", () => {
    const h = harness();
    h.clock.run();
    h.clock.watch(h.now() - 10_000);
    h.advance(50_000);
    expect(h.ticks(), "a 10s..59s age changes each second: 50 ticks in 50 s").toBe(50);
    h.advance(10 * 60_000);
    expect(h.ticks(), "minutes ages tick at minute boundaries: ten more in ten minutes").toBe(60);
  });

  it("wakes exactly when the text changes, so a shown age is never a tick behind", () => {
    const h = harness();
    h.clock.run();
    const anchor = h.now() - 90_000;
    h.clock.watch(anchor);
    expect(formatAge(h.clock.now - anchor)).toBe("1m");
    h.advance(30_000);
    expect(formatAge(h.clock.now - anchor), "at 2 min the row reads 2m").toBe("2m");
    expect(h.ticks(), "one tick for one change of text").toBe(1);
  });

  it("follows the finest age shown, and coarsens when it leaves", () => {
    const h = harness();
    h.clock.run();
    h.clock.watch(h.now() - 2 * 3_600_000);
    const stop = h.clock.watch(h.now() - 20_000);
    h.advance(10_000);
    expect(h.ticks(), "a seconds age ticks the page each second").toBe(10);
    stop();
    h.advance(10 * 60_000);
    expect(h.ticks(), "only the hours age left: one more tick at most (the one planned)").toBeLessThanOrEqual(11);
  });

  it("counts a shown age once per text, and stops with the last", () => {
    const h = harness();
    h.clock.run();
    const anchor = h.now() - 20_000;
    const a = h.clock.watch(anchor);
    const b = h.clock.watch(anchor);
    expect(h.clock.watched, "two rows with one anchor are one age").toBe(1);
    a();
    a();
    expect(h.clock.watched, "a second stop of the same row changes nothing").toBe(1);
    b();
    expect(h.clock.watched).toBe(0);
  });

  it("brings `now` up to date when an age appears after a long sleep", () => {
    const h = harness();
    h.clock.run();
    h.advance(10 * 60_000);
    h.clock.watch(h.now() - 3_000);
    expect(h.clock.now, "a row drawn after ten quiet minutes is measured from the real time").toBe(h.now());
  });

  it("moves the status bar's feed age in ten-second steps", () => {
    const h = harness();
    h.clock.run();
    h.clock.watch(h.now() - 300, nextSinceChange);
    h.advance(59_000);
    expect(h.ticks(), "'under 10s', '10s' ... '50s': five ticks in the first minute").toBe(5);
  });
});
