// Review data for tests: a file change, a diff row, a comment and a land check with sensible
// defaults, each overridable field by field.

import type { Comment, DiffRow, FileChange, LandCheck } from "./wire";

export function change(path: string, over: Partial<FileChange> = {}): FileChange {
  return { path, status: "modified", additions: 1, deletions: 0, binary: false, viewed: false, huge: false, oldSize: 10, newSize: 12, ...over };
}

export function row(kind: DiffRow["kind"], old: number | null, neu: number | null, text = ""): DiffRow {
  return { kind, old, new: neu, text, clipped: false };
}

export function comment(over: Partial<Comment> = {}): Comment {
  return {
    id: "c1",
    path: "src/a.ts",
    line: 2,
    endLine: 2,
    side: "new",
    snippet: "",
    body: "why?",
    createdAt: "2026-12-07T10:00:00Z",
    sentAt: null,
    outdated: false,
    ...over,
  };
}

export function landCheck(over: Partial<LandCheck> = {}): LandCheck {
  return {
    method: "squash",
    base: "main",
    ahead: 2,
    behind: 0,
    uncommitted: 0,
    baseDirty: false,
    conflicts: [],
    canLand: true,
    blockers: [],
    pr: { canCreate: true, canMerge: false, why: null, number: null, url: null },
    diskBytes: 1536,
    ...over,
  };
}
