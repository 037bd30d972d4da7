// A hand-driven `Timers` for unit tests: nothing fires until the test says so, so tests about
// timeouts (toasts, auto-closing dialogs, dropping finished spawns) never wait on a clock.

import type { Timers } from "../spawn/pending";

export function fakeTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    set: (fn, ms) => {
      pending.set(++next, { fn, ms });
      return next;
    },
    clear: (h) => void pending.delete(h as number),
  };
  /** Fires every timer set so far, in the order they were set. */
  const fireAll = () => {
    for (const [h, t] of [...pending]) {
      pending.delete(h);
      t.fn();
    }
  };
  return { timers, pending, fireAll };
}
