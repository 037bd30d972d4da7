// Session ids are unique only inside a project (B4 numbers them per prefix), so the store keys
// every session by project and id together.

import type { FeedSession } from "../../ipc/bindings";

/** `${projectId}/${id}`: ids are ASCII letters, digits, "_" and "-" (ids.rs), so "/" never occurs in one. */
export function sessionKey(projectId: string, id: string): string {
  return `${projectId}/${id}`;
}

export function keyOfSession(session: FeedSession): string {
  const record = session.view.record;
  return sessionKey(record.projectId, record.id);
}
