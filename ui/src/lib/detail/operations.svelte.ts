// What the detail panel does to its session (UI §1.6, §3.5): answer its dialog with keys (F2a), restore it,
// stop it (F5a), kill it (a first click
// arms Kill, a second within 2 s kills), discard the worktree a kill kept, open its worktree or
// PR, copy its branch or path. Results and errors belong to the session shown: `reset` clears
// them when the panel moves to another session, and an answer that arrives after that is dropped.

import {
  GroveError,
  killSession,
  openPr,
  openWorktree,
  reclaimSession,
  restoreSession,
  sendKeys,
  stopSession,
  type DialogOption,
  type KeptReason,
  type KillOutcome,
  type OpenTarget,
  type ReclaimOutcome,
} from "../../ipc";
import { realTimers, type Timers } from "../spawn/pending";
import { formatBytes } from "../review/land";
import { killOutcomeText, operationError } from "./facts";

const KILL_ARM_MS = 2000;
const COPIED_MS = 1500;

/** The operation under way; the panel's buttons wait while there is one. */
export type Busy = "answer" | "restore" | "stop" | "kill" | "discard" | "open" | "reclaim";

/** What the operations call: the IPC commands and the clipboard, unless a test gives its own. */
export interface OperationCalls {
  /** Presses named keys in the session's terminal (`send_keys`). */
  keys(session: string, keys: readonly string[]): Promise<void>;
  restore(session: string): Promise<unknown>;
  stop(session: string): Promise<unknown>;
  kill(session: string, discard: boolean): Promise<KillOutcome>;
  open(session: string, target: OpenTarget): Promise<void>;
  openPr(session: string): Promise<void>;
  /** Removes a landed session's worktree (`reclaim_session`, SPEC K7). */
  reclaim(session: string): Promise<ReclaimOutcome>;
  copy(text: string): Promise<void>;
}

const ipcCalls: OperationCalls = {
  keys: sendKeys,
  restore: restoreSession,
  stop: stopSession,
  kill: killSession,
  open: openWorktree,
  openPr,
  reclaim: reclaimSession,
  copy: (text) => navigator.clipboard.writeText(text),
};

export class SessionOperations {
  error = $state<string | null>(null);
  /** What the last operation did ("Restored ✓", "Killed · worktree kept: ..."). */
  note = $state<string | null>(null);
  busy = $state<Busy | null>(null);
  killArmed = $state(false);
  /** Why the last kill kept the worktree, when it did. */
  kept = $state<KeptReason | null>(null);
  /** Whether the discard confirmation is open. */
  confirming = $state(false);
  /** What was copied a moment ago ("branch", "path"). */
  copied = $state<string | null>(null);

  readonly #key: () => string;
  readonly #id: () => string;
  readonly #calls: OperationCalls;
  readonly #timers: Timers;
  #armTimer: unknown;
  #copiedTimer: unknown;

  /** `key` and `id` name the session shown now: the store's key, and the id the commands take. */
  constructor(
    session: { key: () => string; id: () => string },
    calls: OperationCalls = ipcCalls,
    timers: Timers = realTimers,
  ) {
    this.#key = session.key;
    this.#id = session.id;
    this.#calls = calls;
    this.#timers = timers;
  }

  /** Forgets the previous session's results; call when the panel shows another session. */
  reset(): void {
    this.error = null;
    this.note = null;
    this.busy = null;
    this.killArmed = false;
    this.kept = null;
    this.confirming = false;
    this.copied = null;
    this.#timers.clear(this.#armTimer);
  }

  /** Stops the timers; call when the panel goes away. */
  dispose(): void {
    this.#timers.clear(this.#armTimer);
    this.#timers.clear(this.#copiedTimer);
  }

  /** Answers the agent's dialog with `option`'s keys, exactly as it offers them (SPEC F2a). */
  async answer(option: DialogOption): Promise<boolean> {
    const key = this.#key();
    const done = await this.#run("answer", "Answer", async () => {
      await this.#calls.keys(this.#id(), option.keys);
      return true;
    });
    if (done && this.#key() === key) this.note = `Answered “${option.label}” ✓`;
    return done === true;
  }

  async restore(): Promise<void> {
    const key = this.#key();
    const record = await this.#run("restore", "Restore", () => this.#calls.restore(this.#id()));
    if (record && this.#key() === key) this.note = "Restored ✓";
  }

  /** Stops the session for a later restore (F5): no confirmation, since Restore undoes it (UI §3.5). */
  async stop(): Promise<void> {
    const key = this.#key();
    const record = await this.#run("stop", "Stop", () => this.#calls.stop(this.#id()));
    if (record && this.#key() === key) this.note = "Stopped · worktree kept, Restore brings it back";
  }

  async open(target: OpenTarget): Promise<void> {
    await this.#run("open", target === "editor" ? "Open in editor" : "Open folder", () =>
      this.#calls.open(this.#id(), target),
    );
  }

  async openPr(): Promise<void> {
    await this.#run("open", "Open PR", () => this.#calls.openPr(this.#id()));
  }

  /** Kill's button: the first click arms it for a moment, a second one kills. */
  clickKill(): void {
    if (!this.killArmed) {
      this.killArmed = true;
      this.#timers.clear(this.#armTimer);
      this.#armTimer = this.#timers.set(() => (this.killArmed = false), KILL_ARM_MS);
      return;
    }
    this.#timers.clear(this.#armTimer);
    this.killArmed = false;
    void this.kill(false);
  }

  /** Frees a landed session's worktree (SPEC K7); refused, with the reason, if that would lose work. */
  async reclaim(): Promise<void> {
    const key = this.#key();
    const outcome = await this.#run("reclaim", "Reclaim", () => this.#calls.reclaim(this.#id()));
    if (!outcome || this.#key() !== key) return;
    this.note = outcome.removed
      ? `Reclaimed · worktree removed, ${formatBytes(outcome.bytesFreed)} freed`
      : "Nothing to reclaim · the worktree was already gone";
  }

  /** Kills the session; `discard` also deletes the worktree a previous kill kept. */
  async kill(discard: boolean): Promise<void> {
    const key = this.#key();
    const outcome = await this.#run(discard ? "discard" : "kill", discard ? "Discard worktree" : "Kill", () =>
      this.#calls.kill(this.#id(), discard),
    );
    if (this.#key() !== key) return;
    this.confirming = false;
    if (!outcome) return;
    this.note = killOutcomeText(outcome);
    this.kept = outcome.worktree.kind === "kept" ? outcome.worktree.reason : null;
  }

  /** Copies `text`; `what` names it, so its button can say "copied ✓" for a moment. */
  async copy(what: string, text: string): Promise<void> {
    try {
      await this.#calls.copy(text);
      this.copied = what;
      this.#timers.clear(this.#copiedTimer);
      this.#copiedTimer = this.#timers.set(() => (this.copied = null), COPIED_MS);
    } catch (e) {
      this.error = `Copy failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  /** Runs an operation for the session shown now; its answer is dropped if the panel moved on. */
  async #run<T>(kind: Busy, verb: string, op: () => Promise<T>): Promise<T | null> {
    const key = this.#key();
    this.busy = kind;
    this.error = null;
    this.note = null;
    try {
      return await op();
    } catch (e) {
      if (this.#key() === key) {
        const err = e instanceof GroveError ? e : new GroveError("internal", e instanceof Error ? e.message : String(e));
        this.error = operationError(verb, err);
      }
      return null;
    } finally {
      if (this.#key() === key) this.busy = null;
    }
  }
}
