// A notification click opens its session (UI §3.4): the list's scope widens just enough for the
// session's row to exist (another project → all projects; a view on another group → no view).
// Pure, so the notification wiring (notifications.svelte.ts) only applies the answer.

import type { GroupKey } from "../groups";

export interface ListScope {
  /** The project the list shows; null for all. */
  project: string | null;
  /** The sidebar view (a single group); null for every group. */
  view: GroupKey | null;
}

/** The scope in which a session of `projectId` in `group` is listed: `scope` itself when it already is. */
export function scopeShowing(target: { projectId: string; group: GroupKey }, scope: ListScope): ListScope {
  const project = scope.project !== null && scope.project !== target.projectId ? null : scope.project;
  const view = scope.view !== null && scope.view !== target.group ? null : scope.view;
  return project === scope.project && view === scope.view ? scope : { project, view };
}

/**
 * The scope in which a group's sessions are listed, for a summary notification: all projects when
 * the group has members but none in the current project, and no view on another group.
 */
export function scopeShowingGroup(group: GroupKey, scope: ListScope, members: { inScope: number; total: number }): ListScope {
  const project = scope.project !== null && members.inScope === 0 && members.total > 0 ? null : scope.project;
  const view = scope.view !== null && scope.view !== group ? null : scope.view;
  return project === scope.project && view === scope.view ? scope : { project, view };
}
