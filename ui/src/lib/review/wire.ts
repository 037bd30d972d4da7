// The wire types of review and land (SPEC K1-K7), from the bindings generated from the engine's
// Rust types. The review code imports them from here, under the names it was written with.

import type { ChangeStatus, LandBlocker, PrReadiness, RowKind, Side } from "../../ipc/bindings";

export type {
  Comment,
  DiffRow,
  DiffScope,
  DiffSummary,
  DiskUsage,
  FileChange,
  FileContext,
  FileDiff,
  LandBlocker,
  LandCheck,
  LandCleanup,
  LandMethod,
  LandOutcome,
  NewComment,
  ReclaimOutcome,
  ReviewState,
  SendOutcome,
} from "../../ipc/bindings";

export type FileStatus = ChangeStatus;
export type DiffRowKind = RowKind;
export type CommentSide = Side;
export type LandPr = PrReadiness;
export type LandBlockerCode = LandBlocker["code"];
