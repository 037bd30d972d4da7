import { describe, expect, it } from "vitest";
import {
  confirmText,
  DONT_ASK_KEY,
  dontAsk,
  QuitFlow,
  quittingText,
  type QuitDeps,
  type QuitState,
  type QuitStorage,
} from "./quit";

const flush = () => new Promise((r) => setTimeout(r, 0));

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  const storage: NonNullable<QuitStorage> = {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
  };
  return { storage, data };
}

function setup(over: Partial<Omit<QuitDeps, "live">> & { live?: number } = {}) {
  const state: QuitState = { view: { kind: "closed" }, error: null };
  const calls = { quit: 0, cancel: 0 };
  const notices: string[] = [];
  const { storage, data } = memoryStorage();
  const { live: initial, ...rest } = over;
  let live = initial ?? 3;
  const deps: QuitDeps = {
    quit: async () => {
      calls.quit++;
    },
    cancel: async () => {
      calls.cancel++;
    },
    storage,
    notice: (t) => notices.push(t),
    ...rest,
    live: () => live,
  };
  const flow = new QuitFlow(state, deps);
  return { state, flow, calls, notices, data, setLive: (n: number) => (live = n) };
}

describe("texts", () => {
  it("says how many run and that their work is kept", () => {
    expect(confirmText(3)).toBe(
      "3 sessions are running. Quitting stops them; their worktrees and uncommitted work are kept, and Grove offers to bring them back next time.",
    );
    expect(confirmText(1)).toMatch(/^1 session is running\./);
    expect(quittingText(27)).toBe("Stopping 27 sessions · worktrees kept · offered for restore next start");
    expect(quittingText(1)).toBe("Stopping 1 session · worktrees kept · offered for restore next start");
  });
});

describe("dontAsk", () => {
  it("reads the remembered answer; a refusing storage means ask", () => {
    expect(dontAsk(memoryStorage({ [DONT_ASK_KEY]: "1" }).storage)).toBe(true);
    expect(dontAsk(memoryStorage().storage)).toBe(false);
    expect(dontAsk(null)).toBe(false);
    const throwing = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {},
    };
    expect(dontAsk(throwing)).toBe(false);
  });
});

describe("QuitFlow", () => {
  it("quits at once when no session is live", () => {
    const { state, flow, calls } = setup({ live: 0 });
    flow.requested();
    expect(calls.quit).toBe(1);
    expect(state.view.kind).toBe("closed");
  });

  it("asks when sessions are live, with the count read at the moment of the close", () => {
    const { state, flow, calls, setLive } = setup({ live: 3 });
    setLive(5);
    flow.requested();
    expect(calls.quit).toBe(0);
    expect(state.view).toEqual({ kind: "confirm", live: 5 });
  });

  it("quits at once when the user said don't ask again, even with live sessions", () => {
    const { storage } = memoryStorage({ [DONT_ASK_KEY]: "1" });
    const { state, flow, calls } = setup({ live: 4, storage });
    flow.requested();
    expect(calls.quit).toBe(1);
    expect(state.view.kind).toBe("closed");
  });

  it("remembers don't ask again only when the user quits with it ticked", () => {
    const { flow, calls, data } = setup();
    flow.requested();
    flow.cancel();
    expect(data.has(DONT_ASK_KEY), "cancel never remembers").toBe(false);
    flow.requested();
    flow.confirm(true);
    expect(calls.quit).toBe(1);
    expect(data.get(DONT_ASK_KEY)).toBe("1");
  });

  it("quits without remembering when the box is unticked", () => {
    const { flow, calls, data } = setup();
    flow.requested();
    flow.confirm(false);
    expect(calls.quit).toBe(1);
    expect(data.has(DONT_ASK_KEY)).toBe(false);
  });

  it("cancel closes the sheet and tells the backend", async () => {
    const { state, flow, calls } = setup();
    flow.requested();
    flow.cancel();
    expect(state.view.kind).toBe("closed");
    await flush();
    expect(calls.cancel).toBe(1);
  });

  it("a failed cancel is reported, with what the next close does", async () => {
    const { state, flow, notices } = setup({
      cancel: () => Promise.reject(new Error("no window")),
    });
    flow.requested();
    flow.cancel();
    await flush();
    expect(state.view.kind).toBe("closed");
    expect(notices).toEqual(["Could not cancel the quit (no window); closing the window again quits"]);
  });

  it("a failed quit keeps the sheet open with the error inline", async () => {
    const { state, flow } = setup({ quit: () => Promise.reject(new Error("busy")) });
    flow.requested();
    flow.confirm(false);
    await flush();
    expect(state.view).toEqual({ kind: "confirm", live: 3 });
    expect(state.error).toBe("Could not quit: busy");
    // Asking again starts clean.
    flow.cancel();
    flow.requested();
    expect(state.error).toBeNull();
  });

  it("a failed immediate quit opens the sheet to say so", async () => {
    const { state, flow } = setup({ live: 0, quit: () => Promise.reject(new Error("busy")) });
    flow.requested();
    await flush();
    expect(state.view).toEqual({ kind: "confirm", live: 0 });
    expect(state.error).toBe("Could not quit: busy");
  });

  it("the quitting event switches the sheet (or opens it) and later closes are ignored", () => {
    const { state, flow, calls } = setup();
    flow.requested();
    flow.confirm(false);
    flow.quitting(3);
    expect(state.view).toEqual({ kind: "quitting", live: 3 });
    flow.requested();
    flow.cancel();
    expect(state.view).toEqual({ kind: "quitting", live: 3 });
    expect(calls).toEqual({ quit: 1, cancel: 0 });

    // From the tray or a signal: no question was asked.
    const other = setup();
    other.flow.quitting(27);
    expect(other.state.view).toEqual({ kind: "quitting", live: 27 });
  });

  it("confirm and cancel do nothing when no question is open", () => {
    const { state, flow, calls } = setup();
    flow.confirm(true);
    flow.cancel();
    expect(state.view.kind).toBe("closed");
    expect(calls).toEqual({ quit: 0, cancel: 0 });
  });
});
