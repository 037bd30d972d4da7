import { describe, expect, it } from "vitest";
import { TOAST_MS, Toaster, type ToastState } from "./toast";
import { fakeTimers } from "../testing/timers";


describe("Toaster", () => {
  it("shows a message for four seconds", () => {
    const state: ToastState = { text: null, id: 0 };
    const t = fakeTimers();
    const toaster = new Toaster(state, t.timers);
    toaster.show("Stopped 27 sessions · worktrees kept");
    expect(state.text).toBe("Stopped 27 sessions · worktrees kept");
    expect([...t.pending.values()].map((p) => p.ms)).toEqual([TOAST_MS]);
    t.fireAll();
    expect(state.text).toBeNull();
  });

  it("a newer message replaces the one showing and restarts the time", () => {
    const state: ToastState = { text: null, id: 0 };
    const t = fakeTimers();
    const toaster = new Toaster(state, t.timers);
    toaster.show("first");
    toaster.show("second");
    expect(state.text).toBe("second");
    expect(state.id).toBe(2);
    expect(t.pending.size, "the first message's timer is gone").toBe(1);
  });

  it("ignores empty messages and can be dismissed early", () => {
    const state: ToastState = { text: null, id: 0 };
    const t = fakeTimers();
    const toaster = new Toaster(state, t.timers);
    toaster.show("  ");
    expect(state.text).toBeNull();
    toaster.show("Restored 3 sessions");
    toaster.dismiss();
    expect(state.text).toBeNull();
    expect(t.pending.size).toBe(0);
  });
});
