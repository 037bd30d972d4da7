// Spawns in flight, as the list shows them before (and after) their session reaches the feed
// (UI §1.9: the sheet closes at once, the row appears as "spawning" with its step, a failed step is
// named with Retry). Kept free of Svelte and Tauri: the spawn function and the timers are injected,
// and the list lives in whatever holder the caller gives (a `$state` field in the app, a plain
// object in tests), always replaced whole so a reactive holder sees every change.

import type { SessionRecord, SpawnInput, SpawnProgress, SpawnStep } from "../../ipc/bindings";
import { sessionKey } from "../feed/keys";

/** The error shape the IPC layer rejects with (GroveError); structural, so this stays Tauri-free. */
export interface SpawnFailure {
  readonly code: string;
  readonly message: string;
  readonly step: string | null;
}

export interface PendingSpawn<E extends SpawnFailure = SpawnFailure> {
  localId: string;
  project: string;
  title: string;
  agent: string | null;
  progress: SpawnProgress | null;
  error: E | null;
  /** `<project>/<id>` once the id is reserved, so the list can hide this once the feed has it. */
  sessionKey: string | null;
  done: boolean;
}

export type SpawnFn = (input: SpawnInput, onProgress: (p: SpawnProgress) => void) => Promise<SessionRecord>;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How long a finished spawn stays, in case the feed is slow to show its session. */
export const DONE_LINGER_MS = 10_000;

const TITLE_CHARS = 80;

/** What the row calls a spawn before the record names it: first prompt line, else the issue. */
export function spawnTitle(input: SpawnInput): string {
  const line = (input.prompt ?? "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  if (line) return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS - 1)}…` : line;
  const issue = input.issue?.trim();
  if (issue) return `Issue ${issue}`;
  return "New session";
}

const STEP_LABELS: Record<SpawnStep, string> = {
  validate: "checking",
  reserve_id: "reserving id",
  worktree: "worktree",
  post_create: "post-create",
  prompt_file: "prompt",
  runtime: "starting agent",
  record: "saving record",
  confirm: "confirming the agent runs",
};

/** A step as people read it; unknown steps (a newer backend) pass through. */
export function stepLabel(step: string): string {
  return (STEP_LABELS as Record<string, string>)[step] ?? step.replace(/_/g, " ");
}

/** The row's reason text: "spawning · worktree 3/7", "failed at worktree: …", "spawned". */
export function pendingLabel(p: PendingSpawn): string {
  if (p.error) return p.error.step ? `failed at ${stepLabel(p.error.step)}: ${p.error.message}` : p.error.message;
  if (p.done) return "spawned";
  if (!p.progress) return "spawning";
  return `spawning · ${stepLabel(p.progress.step)} ${p.progress.number}/${p.progress.total}`;
}

function asFailure(e: unknown): SpawnFailure {
  if (typeof e === "object" && e !== null && typeof (e as SpawnFailure).message === "string") {
    const f = e as Partial<SpawnFailure> & { message: string };
    return { code: typeof f.code === "string" ? f.code : "internal", message: f.message, step: f.step ?? null };
  }
  return { code: "internal", message: String(e), step: null };
}

/**
 * Runs spawns and keeps `holder.pending` current. Each attempt has its own local id; answers for
 * an attempt that was dismissed meanwhile are dropped.
 */
export class SpawnRunner<E extends SpawnFailure = SpawnFailure> {
  readonly #holder: { pending: PendingSpawn<E>[] };
  readonly #spawn: SpawnFn;
  readonly #timers: Timers;
  readonly #toError: (e: unknown) => E;
  readonly #inputs = new Map<string, SpawnInput>();
  readonly #expiry = new Map<string, unknown>();
  #next = 0;

  constructor(
    holder: { pending: PendingSpawn<E>[] },
    spawn: SpawnFn,
    options: { timers?: Timers; toError?: (e: unknown) => E } = {},
  ) {
    this.#holder = holder;
    this.#spawn = spawn;
    this.#timers = options.timers ?? realTimers;
    this.#toError = options.toError ?? ((e) => asFailure(e) as E);
  }

  /** Starts a spawn; returns its local id. */
  start(input: SpawnInput): string {
    const entry = this.#newAttempt(input);
    this.#holder.pending = [...this.#holder.pending, entry];
    this.#run(entry.localId, input);
    return entry.localId;
  }

  /** Forgets a spawn (a running one still finishes in the backend; its session then shows in the feed). */
  dismiss(localId: string): void {
    this.#forget(localId);
    this.#holder.pending = this.#holder.pending.filter((p) => p.localId !== localId);
  }

  /** Runs a failed spawn's input again as a new attempt, in the same place in the list. */
  retry(localId: string): string | null {
    const input = this.#inputs.get(localId);
    const old = this.#holder.pending.find((p) => p.localId === localId);
    if (!input || !old || !old.error) return null;
    const entry = this.#newAttempt(input);
    this.#forget(localId);
    this.#holder.pending = this.#holder.pending.map((p) => (p.localId === localId ? entry : p));
    this.#run(entry.localId, input);
    return entry.localId;
  }

  #newAttempt(input: SpawnInput): PendingSpawn<E> {
    const localId = `spawn-${++this.#next}`;
    this.#inputs.set(localId, input);
    return {
      localId,
      project: input.project,
      title: spawnTitle(input),
      agent: input.agent,
      progress: null,
      error: null,
      sessionKey: null,
      done: false,
    };
  }

  #run(localId: string, input: SpawnInput): void {
    const onProgress = (progress: SpawnProgress) =>
      this.#update(localId, (p) => ({
        ...p,
        progress,
        sessionKey: progress.session ? sessionKey(input.project, progress.session) : p.sessionKey,
      }));
    let running: Promise<SessionRecord>;
    try {
      running = this.#spawn(input, onProgress);
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
      (record) => {
        const known = this.#update(localId, (p) => ({
          ...p,
          done: true,
          error: null,
          sessionKey: sessionKey(record.projectId, record.id),
        }));
        if (known) this.#expiry.set(localId, this.#timers.set(() => this.dismiss(localId), DONE_LINGER_MS));
      },
      (e: unknown) => {
        this.#update(localId, (p) => ({ ...p, error: this.#toError(e) }));
      },
    );
  }

  /** Replaces one entry; false when it is gone (dismissed or retried). */
  #update(localId: string, change: (p: PendingSpawn<E>) => PendingSpawn<E>): boolean {
    if (!this.#holder.pending.some((p) => p.localId === localId)) return false;
    this.#holder.pending = this.#holder.pending.map((p) => (p.localId === localId ? change(p) : p));
    return true;
  }

  #forget(localId: string): void {
    this.#inputs.delete(localId);
    const timer = this.#expiry.get(localId);
    if (timer !== undefined) this.#timers.clear(timer);
    this.#expiry.delete(localId);
  }
}
