// The list's scope (UI §1.2): all projects or one, optionally narrowed to a sidebar view. Also the
// per-project tallies the sidebar shows, read off the same entries so they cannot disagree.

import type { FeedProject } from "../../ipc/bindings";
import type { SessionEntry } from "../feed";
import type { GroupKey } from "../groups";

export interface Scope {
  /** A project id, or null for all projects. */
  project: string | null;
  /** A sidebar view's group, or null for every group. */
  view: GroupKey | null;
}

export const ALL: Scope = { project: null, view: null };

/** The project part of a session key (`${projectId}/${id}`; ids never contain "/"). */
export function projectOfKey(key: string): string {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? key : key.slice(0, slash);
}

/** The scope filter for `flatten`; undefined when every session is in scope. */
export function includeFor(project: string | null): ((key: string) => boolean) | undefined {
  if (project === null) return undefined;
  return (key) => projectOfKey(key) === project;
}

/** Mod+1…9: the project at that place in the sidebar, or null past the end. */
export function projectAt(projects: readonly FeedProject[], n: number): string | null {
  return projects[n - 1]?.id ?? null;
}

export interface ProjectTally {
  /** Sessions that need the human (the amber dot). */
  respond: number;
  /** Sessions not stopped or done (the number after the name). */
  live: number;
  /** Every session, ended ones included. */
  total: number;
}

/** Per-project counts from what the engine resolved: a crash needs you but is not live (SPEC A2a). */
export function tallyProjects(
  entries: Iterable<Pick<SessionEntry, "key" | "group"> & { resolved: Pick<SessionEntry["resolved"], "ended"> }>,
): Map<string, ProjectTally> {
  const tallies = new Map<string, ProjectTally>();
  for (const entry of entries) {
    const project = projectOfKey(entry.key);
    let tally = tallies.get(project);
    if (tally === undefined) {
      tally = { respond: 0, live: 0, total: 0 };
      tallies.set(project, tally);
    }
    tally.total++;
    if (entry.group === "respond") tally.respond++;
    if (!entry.resolved.ended) tally.live++;
  }
  return tallies;
}
