// The app's one list of spawns in flight (UI §1.9), reactive for the list and the dialog. The
// logic is in pending.ts; this binds it to `$state` and to the real IPC call.

import { GroveError, spawnSession, type SpawnInput } from "../../ipc";
import { SpawnRunner, type PendingSpawn as Pending, type SpawnFn, type Timers } from "./pending";

export type PendingSpawn = Pending<GroveError>;
export { pendingLabel, stepLabel } from "./pending";

function toGroveError(e: unknown): GroveError {
  if (e instanceof GroveError) return e;
  return new GroveError("internal", e instanceof Error ? e.message : String(e));
}

export class SpawnTracker {
  pending = $state<PendingSpawn[]>([]);
  readonly #runner: SpawnRunner<GroveError>;

  constructor(spawn: SpawnFn = spawnSession, timers?: Timers) {
    this.#runner = new SpawnRunner<GroveError>(this, spawn, { toError: toGroveError, ...(timers ? { timers } : {}) });
  }

  start(input: SpawnInput): void {
    this.#runner.start(input);
  }

  dismiss(localId: string): void {
    this.#runner.dismiss(localId);
  }

  retry(localId: string): void {
    this.#runner.retry(localId);
  }
}
