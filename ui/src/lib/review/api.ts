// The review panel's IPC: one function per command of issue #19's contract, with its exact name
// and arguments. Calls go through `ipc`'s `call`, so errors arrive as GroveError with their code
// (`dialog_open` on a refused send) like every other operation. Tests pass their own `ReviewCalls`.

import { call } from "../../ipc";
import type { ContextRequest } from "./expand";
import type {
  Comment,
  DiffScope,
  DiffSummary,
  FileContext,
  FileDiff,
  LandCheck,
  LandMethod,
  LandOutcome,
  NewComment,
  ReviewState,
  SendOutcome,
} from "./wire";

/** How `land_session` is asked: `method` overrides the project's; `pr` lands through GitHub. */
export interface LandRequest {
  method?: LandMethod;
  pr: boolean;
  commitUncommitted: boolean;
}

export interface ReviewCalls {
  summary(session: string, scope: DiffScope): Promise<DiffSummary>;
  file(session: string, scope: DiffScope, path: string, offset: number, limit: number): Promise<FileDiff>;
  context(session: string, scope: DiffScope, path: string, lines: ContextRequest): Promise<FileContext>;
  state(session: string): Promise<ReviewState>;
  setViewed(session: string, path: string, viewed: boolean): Promise<void>;
  addComment(session: string, comment: NewComment): Promise<Comment>;
  deleteComment(session: string, id: string): Promise<void>;
  sendComments(session: string): Promise<SendOutcome>;
  markReviewed(session: string): Promise<void>;
  landCheck(session: string): Promise<LandCheck>;
  land(session: string, request: LandRequest): Promise<LandOutcome>;
  askResolveConflicts(session: string): Promise<SendOutcome>;
}

export const reviewCalls: ReviewCalls = {
  summary: (session, scope) => call<DiffSummary>("review_summary", { session, scope }),
  file: (session, scope, path, offset, limit) =>
    call<FileDiff>("review_file", { session, scope, path, offset, limit }),
  context: (session, scope, path, { from, to, oldFrom }) =>
    call<FileContext>("review_context", { session, scope, path, from, to, oldFrom }),
  state: (session) => call<ReviewState>("review_state", { session }),
  setViewed: (session, path, viewed) => call<void>("review_set_viewed", { session, path, viewed }),
  addComment: (session, comment) => call<Comment>("review_add_comment", { session, comment }),
  deleteComment: (session, id) => call<void>("review_delete_comment", { session, id }),
  sendComments: (session) => call<SendOutcome>("review_send_comments", { session }),
  markReviewed: (session) => call<void>("review_mark_reviewed", { session }),
  landCheck: (session) => call<LandCheck>("land_check", { session }),
  land: (session, { method, pr, commitUncommitted }) =>
    call<LandOutcome>("land_session", { session, ...(method ? { method } : {}), pr, commitUncommitted }),
  askResolveConflicts: (session) => call<SendOutcome>("ask_resolve_conflicts", { session }),
};
