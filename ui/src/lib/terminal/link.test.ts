import { describe, expect, it } from "vitest";
import { GroveError, type TerminalConnection } from "../../ipc";
import type { TerminalStatus } from "../../ipc/bindings";
import { deferred, settle } from "../testing/promises";
import { fakeTimers } from "../testing/timers";
import { clampSize, TerminalLink, type OpenTerminal } from "./link";
import type { TerminalState } from "./status";

/** A link on a fake backend: `opened` settles the open; calls are recorded as text. */
function harness() {
  const calls: string[] = [];
  const states: TerminalState[] = [];
  const errors: string[] = [];
  const writes: { bytes: Uint8Array; processed: () => void }[] = [];
  const clock = fakeTimers();
  const opened = deferred<TerminalConnection>();
  let output: (bytes: Uint8Array) => void = () => {};
  let status: (s: TerminalStatus) => void = () => {};
  const connection: TerminalConnection = {
    viewer: 7,
    attachCommand: "tmux attach -t grove-s1",
    input: async (data) => void calls.push(`input ${JSON.stringify(data)}`),
    resize: async (c, r) => void calls.push(`resize ${c}x${r}`),
    ack: async (n) => void calls.push(`ack ${n}`),
    close: async () => void calls.push("close"),
  };
  const open: OpenTerminal = (session, cols, rows, onOutput, onStatus) => {
    calls.push(`open ${session} ${cols}x${rows}`);
    output = onOutput;
    status = onStatus;
    return opened.promise;
  };
  const link = new TerminalLink({
    open,
    sink: { write: (bytes, processed) => void writes.push({ bytes, processed }) },
    onState: (s) => void states.push(s),
    onError: (m) => void errors.push(m),
    timers: clock.timers,
  });
  return {
    link,
    calls,
    states,
    errors,
    writes,
    clock,
    connection,
    connect: () => opened.resolve(connection),
    refuse: (e: unknown) => opened.reject(e),
    output: (n: number) => output(new Uint8Array(n)),
    status: (s: TerminalStatus) => status(s),
    stateNames: () => states.map((s) => s.state),
  };
}

describe("TerminalLink", () => {
  it("opens at a clamped size and moves from opening to the backend's statuses", async () => {
    const h = harness();
    h.link.open("s1", 1, 0);
    expect(h.calls, "a collapsed panel still asks for 2x2").toEqual(["open s1 2x2"]);
    h.connect();
    await settle();
    h.status({ state: "attached" });
    expect(h.stateNames()).toEqual(["opening", "attaching", "attached"]);
    expect(h.link.attachCommand).toBe("tmux attach -t grove-s1");
  });

  it("keeps a status that arrived before the open answered", async () => {
    const h = harness();
    h.link.open("s1", 80, 24);
    h.status({ state: "attached" });
    h.connect();
    await settle();
    expect(h.stateNames(), "'attached' is not overwritten by 'attaching'").toEqual(["opening", "attached"]);
  });

  it("writes output to xterm and acks it only once xterm has processed it", async () => {
    const h = harness();
    h.link.open("s1", 80, 24);
    h.output(5000); // the replay arrives before the open answers
    h.connect();
    await settle();
    h.output(8192);
    await settle();
    h.clock.fireAll();
    await settle();
    expect(h.calls.filter((c) => c.startsWith("ack")), "nothing acked before xterm processed it").toEqual([]);
    h.writes[0]!.processed();
    h.writes[1]!.processed();
    await settle();
    h.clock.fireAll();
    await settle();
    expect(h.calls.filter((c) => c.startsWith("ack"))).toEqual([`ack ${5000 + 8192}`]);
  });

  it("sends keys typed while opening once connected, in order", async () => {
    const h = harness();
    h.link.open("s1", 80, 24);
    h.link.input("l");
    h.link.input("s\r");
    h.connect();
    await settle();
    expect(h.calls.filter((c) => c.startsWith("input"))).toEqual(['input "ls\\r"']);
  });

  it("passes on size changes only, newest wins while a resize is in flight", async () => {
    const h = harness();
    const answers: ReturnType<typeof deferred<void>>[] = [];
    h.connection.resize = (c, r) => {
      h.calls.push(`resize ${c}x${r}`);
      const d = deferred<void>();
      answers.push(d);
      return d.promise;
    };
    h.link.open("s1", 80, 24);
    h.link.resize(80, 24);
    h.connect();
    await settle();
    expect(h.calls.filter((c) => c.startsWith("resize")), "the size it opened with is not sent again").toEqual([]);
    h.link.resize(100, 30);
    h.link.resize(101, 30);
    h.link.resize(120, 40);
    await settle();
    expect(h.calls.filter((c) => c.startsWith("resize"))).toEqual(["resize 100x30"]);
    answers[0]!.resolve();
    await settle();
    expect(h.calls.filter((c) => c.startsWith("resize")), "only the newest of the sizes asked meanwhile").toEqual([
      "resize 100x30",
      "resize 120x40",
    ]);
    answers[1]!.resolve();
    h.link.resize(120, 40);
    await settle();
    expect(h.calls.filter((c) => c.startsWith("resize")).length, "an unchanged size is not sent").toBe(2);
  });

  it("shows a gone tmux session as ended and any other refusal as failed", async () => {
    const gone = harness();
    gone.link.open("s1", 80, 24);
    gone.refuse(new GroveError("not_found", "tmux session grove-s1 is gone"));
    await settle();
    expect(gone.states.at(-1)).toEqual({ state: "ended", reason: "tmux session grove-s1 is gone" });

    const broken = harness();
    broken.link.open("s1", 80, 24);
    broken.refuse(new GroveError("internal", "pty failed"));
    await settle();
    expect(broken.states.at(-1)).toEqual({ state: "failed", message: "pty failed" });
  });

  it("closes the viewer once the open answers when the panel went away meanwhile", async () => {
    const h = harness();
    h.link.open("s1", 80, 24);
    h.link.close();
    h.status({ state: "attached" });
    h.output(100);
    h.connect();
    await settle();
    expect(h.calls, "the late connection is closed, nothing else is sent").toEqual(["open s1 80x24", "close"]);
    expect(h.writes.length, "output after close is not drawn").toBe(0);
    expect(h.stateNames(), "statuses after close are ignored").toEqual(["opening"]);
  });

  it("closes exactly once and leaves no timer running", async () => {
    const h = harness();
    h.link.open("s1", 80, 24);
    h.connect();
    await settle();
    h.output(10);
    h.writes[0]!.processed();
    expect(h.clock.pending.size, "a small ack waits on a timer").toBe(1);
    h.link.close();
    h.link.close();
    h.link.input("x");
    await settle();
    expect(h.clock.pending.size, "no ack timer after close").toBe(0);
    expect(h.calls.filter((c) => c === "close").length).toBe(1);
    expect(h.calls.some((c) => c.startsWith("input") || c.startsWith("ack")), "nothing sent after close").toBe(false);
  });

  it("tells the user when a key could not be sent", async () => {
    const h = harness();
    h.connection.input = async () => {
      throw new GroveError("not_found", "viewer 7 is closed");
    };
    h.link.open("s1", 80, 24);
    h.connect();
    await settle();
    h.link.input("y");
    await settle();
    expect(h.errors).toEqual(["Terminal input failed: viewer 7 is closed"]);
  });
});

describe("clampSize", () => {
  it("keeps at least 2x2 and whole cells", () => {
    expect(clampSize(80.7, 24.2)).toEqual({ cols: 80, rows: 24 });
    expect(clampSize(0, -3)).toEqual({ cols: 2, rows: 2 });
    expect(clampSize(Number.NaN, 10)).toEqual({ cols: 2, rows: 10 });
  });
});
