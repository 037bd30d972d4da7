import { describe, expect, it, vi } from "vitest";
import { GroveError, type KillOutcome, type SessionRecord } from "../../ipc";
import { feedSession } from "../feed/fixtures";
import { fakeTimers } from "../testing/timers";
import { SessionOperations, type OperationCalls } from "./operations.svelte";

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const record = feedSession({ id: "w1" }).view.record as SessionRecord;
const kept: KillOutcome = { record, worktree: { kind: "kept", reason: { kind: "uncommitted_changes", entries: 2 } } };

/** Operations on a session whose key the test can change, with recorded calls. */
function harness(over: Partial<OperationCalls> = {}) {
  const session = { key: "api/w1", id: "w1" };
  const calls: string[] = [];
  const fake: OperationCalls = {
    keys: async (id, keys) => void calls.push(`keys ${id} ${keys.join(" ")}`),
    restore: async (id) => {
      calls.push(`restore ${id}`);
      return record;
    },
    stop: async (id) => {
      calls.push(`stop ${id}`);
      return record;
    },
    kill: async (id, discard) => {
      calls.push(`kill ${id} ${discard}`);
      return { record, worktree: { kind: "removed" } };
    },
    open: async (id, target) => void calls.push(`open ${id} ${target}`),
    openPr: async (id) => void calls.push(`openPr ${id}`),
    reclaim: async (id) => {
      calls.push(`reclaim ${id}`);
      return { session: id, removed: true, bytesFreed: 3 * 1024 * 1024 };
    },
    copy: async (text) => void calls.push(`copy ${text}`),
    ...over,
  };
  const clock = fakeTimers();
  const ops = new SessionOperations({ key: () => session.key, id: () => session.id }, fake, clock.timers);
  return { ops, calls, clock, session };
}

describe("SessionOperations", () => {
  it("answers a dialog by pressing exactly its option's keys (SPEC F2a) and says which it chose", async () => {
    const h = harness();
    const done = await h.ops.answer({ label: "No, and tell Claude what to do differently", keys: ["3", "Esc"] });
    expect(done).toBe(true);
    expect(h.calls, "send_keys with the option's keys, in order").toEqual(["keys w1 3 Esc"]);
    expect(h.ops.note).toBe("Answered “No, and tell Claude what to do differently” ✓");
    expect(h.ops.busy).toBeNull();
  });

  it("says when an answer could not be sent", async () => {
    const h = harness({
      keys: async () => {
        throw new GroveError("invalid_input", "keys go only to a live session's terminal", "check state");
      },
    });
    expect(await h.ops.answer({ label: "Yes", keys: ["1"] })).toBe(false);
    expect(h.ops.error).toBe("Answer failed at check state: keys go only to a live session's terminal");
    expect(h.ops.note).toBeNull();
  });

  it("restores the session shown and says so", async () => {
    const h = harness();
    await h.ops.restore();
    expect(h.calls).toEqual(["restore w1"]);
    expect(h.ops.note).toBe("Restored ✓");
    expect(h.ops.busy).toBeNull();
  });

  it("stops the session shown for a later restore (SPEC F5a) and says its work is kept", async () => {
    const h = harness();
    await h.ops.stop();
    expect(h.calls).toEqual(["stop w1"]);
    expect(h.ops.note).toMatch(/worktree kept/);
    expect(h.ops.busy).toBeNull();
  });

  it("is busy while an operation runs, and reports its failure with the step", async () => {
    const d = deferred<void>();
    const h = harness({ open: () => d.promise });
    const done = h.ops.open("editor");
    expect(h.ops.busy).toBe("open");
    d.reject(new GroveError("open", "no editor configured", "launch"));
    await done;
    expect(h.ops.busy).toBeNull();
    expect(h.ops.error).toBe("Open in editor failed at launch: no editor configured");
  });

  it("drops an answer that arrives after the panel moved to another session", async () => {
    const d = deferred<void>();
    const h = harness({ openPr: () => d.promise });
    const done = h.ops.openPr();
    h.session.key = "api/w2";
    h.ops.reset();
    d.reject(new Error("gone"));
    await done;
    expect(h.ops.error).toBeNull();
    expect(h.ops.busy).toBeNull();
  });

  it("arms Kill on the first click and kills on the second", async () => {
    const h = harness({
      kill: async (id, discard) => {
        h.calls.push(`kill ${id} ${discard}`);
        return kept;
      },
    });
    h.ops.clickKill();
    expect(h.ops.killArmed).toBe(true);
    expect(h.calls).toEqual([]);
    h.ops.clickKill();
    expect(h.ops.killArmed).toBe(false);
    await vi.waitFor(() => expect(h.ops.note).toBe("Killed · worktree kept: 2 uncommitted changes"));
    expect(h.calls).toEqual(["kill w1 false"]);
    expect(h.ops.kept).toEqual({ kind: "uncommitted_changes", entries: 2 });
  });

  it("disarms Kill after a moment", () => {
    const h = harness();
    h.ops.clickKill();
    h.clock.fireAll();
    expect(h.ops.killArmed).toBe(false);
    h.ops.clickKill();
    expect(h.ops.killArmed, "a click after that arms again").toBe(true);
    expect(h.calls).toEqual([]);
  });

  it("closes the discard confirmation once the discard is answered", async () => {
    const h = harness();
    h.ops.confirming = true;
    await h.ops.kill(true);
    expect(h.calls).toEqual(["kill w1 true"]);
    expect(h.ops.confirming).toBe(false);
    expect(h.ops.kept).toBeNull();
  });

  it("says what was copied for a moment, and why a copy failed", async () => {
    const h = harness();
    await h.ops.copy("branch", "session/w1");
    expect(h.calls).toEqual(["copy session/w1"]);
    expect(h.ops.copied).toBe("branch");
    h.clock.fireAll();
    expect(h.ops.copied).toBeNull();

    const failing = harness({ copy: () => Promise.reject(new Error("denied")) });
    await failing.ops.copy("path", "/tmp/w1");
    expect(failing.ops.copied).toBeNull();
    expect(failing.ops.error).toBe("Copy failed: denied");
  });

  it("forgets everything on reset", async () => {
    const h = harness({ kill: async () => kept });
    await h.ops.kill(false);
    h.ops.clickKill();
    h.ops.error = "boom";
    h.ops.reset();
    expect([h.ops.error, h.ops.note, h.ops.busy, h.ops.kept, h.ops.copied]).toEqual([null, null, null, null, null]);
    expect(h.ops.killArmed).toBe(false);
    expect(h.clock.pending.size, "the arm timer is cleared").toBe(0);
  });
});

describe("reclaim (SPEC K7)", () => {
  it("says how much disk a reclaim freed", async () => {
    const h = harness();
    await h.ops.reclaim();
    expect(h.calls).toContain(`reclaim ${h.session.id}`);
    expect(h.ops.note).toBe("Reclaimed · worktree removed, 3.0 MB freed");
  });
});
