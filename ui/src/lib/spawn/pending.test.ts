import { describe, expect, it } from "vitest";
import type { SessionRecord, SpawnInput, SpawnProgress } from "../../ipc/bindings";
import { feedSession } from "../feed/fixtures";
import {
  DONE_LINGER_MS,
  pendingLabel,
  spawnTitle,
  SpawnRunner,
  type PendingSpawn,
  type SpawnFailure,
} from "./pending";
import { fakeTimers } from "../testing/timers";

const input = (over: Partial<SpawnInput> = {}): SpawnInput => ({
  project: "api",
  agent: null,
  branch: null,
  prompt: "Fix the flaky test\nIt fails on CI",
  issue: null,
  ...over,
});

function record(id: string, project = "api"): SessionRecord {
  return feedSession({ id, project }).view.record;
}

/** A spawn function the test drives by hand: each call waits until resolved or rejected. */
function controlledSpawn() {
  const calls: {
    input: SpawnInput;
    progress: (p: SpawnProgress) => void;
    resolve: (r: SessionRecord) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const spawn = (i: SpawnInput, progress: (p: SpawnProgress) => void) =>
    new Promise<SessionRecord>((resolve, reject) => calls.push({ input: i, progress, resolve, reject }));
  return { spawn, calls };
}


const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const holder: { pending: PendingSpawn[] } = { pending: [] };
  const { spawn, calls } = controlledSpawn();
  const t = fakeTimers();
  const runner = new SpawnRunner(holder, spawn, { timers: t.timers });
  const only = (): PendingSpawn => {
    expect(holder.pending, "exactly one pending spawn was expected").toHaveLength(1);
    return holder.pending[0]!;
  };
  return { holder, calls, runner, t, only };
}

const failure: SpawnFailure = { code: "operation_failed", message: "branch exists in another worktree", step: "worktree" };

describe("SpawnRunner", () => {
  it("shows a spawn at once, then follows its progress and takes the session key from it", () => {
    const { calls, runner, only } = setup();
    runner.start(input());
    expect(only().progress, "no progress before the first step").toBeNull();
    expect(only().title).toBe("Fix the flaky test");
    expect(calls, "the spawn function was called once with the input").toHaveLength(1);

    calls[0]!.progress({ step: "validate", number: 1, total: 7, session: null });
    expect(only().sessionKey, "no key before the id is reserved").toBeNull();
    calls[0]!.progress({ step: "worktree", number: 3, total: 7, session: "api-4" });
    expect(only().progress?.step).toBe("worktree");
    expect(only().sessionKey, "the key follows the reserved id").toBe("api/api-4");
    expect(pendingLabel(only())).toBe("spawning · worktree 3/7");
  });

  it("marks success with the record's key and drops the entry after the linger time", async () => {
    const { calls, runner, only, holder, t } = setup();
    runner.start(input());
    calls[0]!.resolve(record("api-9"));
    await flush();
    expect(only().done, "a resolved spawn is done").toBe(true);
    expect(only().sessionKey, "the key comes from the record when progress never named it").toBe("api/api-9");
    expect([...t.pending.values()].map((x) => x.ms), "one expiry timer at the linger time").toEqual([DONE_LINGER_MS]);
    t.fireAll();
    expect(holder.pending, "a done spawn drops itself after the linger time").toEqual([]);
  });

  it("keeps a failure with its step, and retry runs the same input as a new attempt in place", async () => {
    const { calls, runner, holder } = setup();
    runner.start(input({ prompt: "first" }));
    const failedId = runner.start(input());
    runner.start(input({ prompt: "third" }));
    calls[1]!.reject(failure);
    await flush();
    const failed = holder.pending[1]!;
    expect(failed.error, "the failure is kept with its step").toEqual(failure);
    expect(failed.done).toBe(false);
    expect(pendingLabel(failed)).toBe("failed at worktree: branch exists in another worktree");

    const retryId = runner.retry(failedId);
    expect(retryId, "retry starts a new attempt with a new id").not.toBe(failedId);
    expect(holder.pending.map((p) => p.localId), "the retry takes the failed attempt's place").toEqual([
      holder.pending[0]!.localId,
      retryId,
      holder.pending[2]!.localId,
    ]);
    expect(holder.pending[1]!.error, "the new attempt starts clean").toBeNull();
    expect(calls[3]!.input, "retry re-runs the very same input").toEqual(calls[1]!.input);
  });

  it("refuses to retry a spawn that has not failed", () => {
    const { runner, calls } = setup();
    const id = runner.start(input());
    expect(runner.retry(id), "a running spawn is not retried").toBeNull();
    expect(calls, "no second call").toHaveLength(1);
  });

  it("drops answers for a dismissed attempt", async () => {
    const { calls, runner, holder, t } = setup();
    const id = runner.start(input());
    runner.dismiss(id);
    calls[0]!.progress({ step: "worktree", number: 3, total: 7, session: "api-1" });
    calls[0]!.resolve(record("api-1"));
    await flush();
    expect(holder.pending, "a dismissed spawn does not come back").toEqual([]);
    expect(t.pending.size, "no expiry timer for a dismissed spawn").toBe(0);
  });

  it("turns a synchronous throw or a non-Grove rejection into a failure", async () => {
    const holder: { pending: PendingSpawn[] } = { pending: [] };
    const runner = new SpawnRunner(holder, () => {
      throw new Error("no IPC");
    });
    runner.start(input());
    await flush();
    expect(holder.pending[0]?.error, "a throw becomes an internal failure").toEqual({
      code: "internal",
      message: "no IPC",
      step: null,
    });
  });
});

describe("spawnTitle", () => {
  it("uses the first non-empty prompt line, else the issue, else a placeholder", () => {
    expect(spawnTitle(input({ prompt: "\n  Add OAuth scopes  \nmore" }))).toBe("Add OAuth scopes");
    expect(spawnTitle(input({ prompt: null, issue: "#412" }))).toBe("Issue #412");
    expect(spawnTitle(input({ prompt: "  ", issue: null }))).toBe("New session");
    const long = spawnTitle(input({ prompt: "x".repeat(200) }));
    expect(long.length, "long titles are cut to 80 characters").toBe(80);
    expect(long.endsWith("…"), "a cut title ends with an ellipsis").toBe(true);
  });
});
