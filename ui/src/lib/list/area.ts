// What the session area shows (UI §1.8): nothing for the first 300 ms, then a skeleton; the
// first-run panel before there is anything to list; one line for a scope with no sessions; else
// the list. Never blank once the first snapshot arrived.

export type Area = "connecting" | "skeleton" | "first-run" | "empty" | "list";

export interface AreaInput {
  /** The first snapshot was applied. */
  ready: boolean;
  /** The feed or the app could not be reached (outside Grove, or the subscription failed). */
  failed: boolean;
  /** The first snapshot is slower than the skeleton's threshold. */
  slow: boolean;
  /** Sessions in the store, and in the current scope. */
  sessions: number;
  inScope: number;
  /** Spawns in flight in the current scope. */
  spawning: number;
  projects: number;
  /** Grove runs its demo project because no config exists. */
  demo: boolean;
  /** The project scope, null for all projects. */
  project: string | null;
}

export function areaFor(a: AreaInput): Area {
  if (!a.ready) return a.failed ? "first-run" : a.slow ? "skeleton" : "connecting";
  if (a.spawning > 0) return "list";
  // The first-run panel leads to the demo project or to adding one, so it stays until a session exists.
  if (a.sessions === 0 && a.project === null) return a.projects === 0 || a.demo ? "first-run" : "empty";
  if (a.inScope === 0 && a.project !== null) return "empty";
  return "list";
}
