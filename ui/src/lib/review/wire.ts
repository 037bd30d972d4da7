// The wire types of review and land (issue #19's contract), written by hand until the engine's
// generated bindings carry them; the names and fields match the contract exactly, so swapping
// this file for imports from `ipc/bindings` is a change of import lines only.

import type { SendOutcome } from "../../ipc/bindings";

export type { SendOutcome };

/** Which change the review shows: the whole branch, since the last "Mark reviewed", or the last turn. */
export type DiffScope = "branch" | "review" | "turn";

export type FileStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "type_changed";

export interface FileChange {
  path: string;
  oldPath?: string;
  status: FileStatus;
  /** Null for a binary file. */
  additions: number | null;
  deletions: number | null;
  binary: boolean;
  oldMode?: string;
  newMode?: string;
  viewed: boolean;
  huge: boolean;
}

export interface DiffSummary {
  session: string;
  scope: DiffScope;
  baseLabel: string;
  baseCommit: string;
  headCommit: string;
  ahead: number;
  behind: number;
  uncommitted: number;
  files: FileChange[];
  additions: number;
  deletions: number;
  /** False while the scope's ref does not exist yet (no review done, no turn ended): files are then empty. */
  scopeAvailable: boolean;
}

export type DiffRowKind = "hunk" | "context" | "add" | "del" | "no_newline";

export interface DiffRow {
  kind: DiffRowKind;
  old: number | null;
  new: number | null;
  /** Clipped at 2,000 characters; a hunk row carries its @@ header. */
  text: string;
  clipped: boolean;
}

export interface FileDiff {
  path: string;
  totalRows: number;
  offset: number;
  rows: DiffRow[];
  binary: boolean;
  huge: boolean;
}

export type CommentSide = "new" | "old";

export interface Comment {
  id: string;
  path: string;
  line: number;
  endLine: number;
  side: CommentSide;
  snippet: string;
  body: string;
  createdAt: string;
  sentAt: string | null;
  outdated: boolean;
}

/** What `review_add_comment` takes; the engine reads the snippet from the file itself. */
export interface NewComment {
  path: string;
  line: number;
  endLine: number;
  side: CommentSide;
  body: string;
}

export interface ReviewState {
  comments: Comment[];
  viewed: string[];
}

export type LandMethod = "squash" | "merge" | "rebase";

export type LandBlockerCode = "base_dirty" | "uncommitted" | "conflicts" | "nothing_to_land" | "landed" | "no_base";

export interface LandBlocker {
  code: LandBlockerCode;
  message: string;
}

export interface LandPr {
  canCreate: boolean;
  canMerge: boolean;
  why: string | null;
  number: number | null;
  url: string | null;
}

export interface LandCheck {
  method: LandMethod;
  base: string;
  ahead: number;
  behind: number;
  uncommitted: number;
  baseDirty: boolean;
  conflicts: string[];
  canLand: boolean;
  blockers: LandBlocker[];
  pr: LandPr;
  diskBytes: number | null;
}

export type LandCleanup = "kept" | "stopped" | "cleaned" | "clean_skipped";

export interface LandOutcome {
  method: LandMethod | "pr";
  base: string;
  commit: string;
  cleanup: LandCleanup;
  cleanupNote: string | null;
  prUrl: string | null;
}
