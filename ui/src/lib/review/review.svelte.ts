// One session's review (SPEC K1-K6, UI §1.12): the summary of the chosen scope, the review state
// (comments), the land check, and what the panel's buttons do with them. Every action refreshes
// the summary and the check; answers to older requests are dropped, so a slow summary of the
// previous scope never replaces the current one. Errors read like the detail panel's.

import { SvelteSet } from "svelte/reactivity";
import { GroveError } from "../../ipc";
import { operationError } from "../detail/facts";
import { reviewCalls, type LandRequest, type ReviewCalls } from "./api";
import { unsent } from "./comments";
import { PAGE_ROWS } from "./pages";
import type { Comment, DiffScope, DiffSummary, FileDiff, LandCheck, LandMethod, LandOutcome, NewComment } from "./wire";

export type ReviewBusy = "viewed" | "reviewed" | "comment" | "send" | "discard" | "land" | "pr" | "resolve";

export class Review {
  scope = $state<DiffScope>("branch");
  /** Raw, not deeply reactive: 2,000 files behind proxies cost the first screen tens of ms. It is
   * replaced, never changed in place. */
  summary = $state.raw<DiffSummary | null>(null);
  check = $state<LandCheck | null>(null);
  comments = $state<Comment[]>([]);
  selected = $state<string | null>(null);
  filter = $state("");
  split = $state(false);
  busy = $state<ReviewBusy | null>(null);
  error = $state<string | null>(null);
  /** What the last action did ("3 comments sent ✓"). */
  note = $state<string | null>(null);
  outcome = $state<LandOutcome | null>(null);
  /** Directories folded in the tree. */
  readonly collapsed = new SvelteSet<string>();
  /** Scopes whose ref does not exist yet (learned from their summaries): their switch is disabled. */
  readonly unavailable = new SvelteSet<DiffScope>();
  /** Huge files the user asked to see anyway. */
  readonly shownHuge = new SvelteSet<string>();

  readonly #session: () => string;
  readonly #calls: ReviewCalls;
  #summaryGen = 0;
  /** The selected file's first page, asked for as the summary arrived. */
  #firstPage: { scope: DiffScope; path: string; limit: number; rows: Promise<FileDiff> } | null = null;
  #checkGen = 0;

  constructor(session: () => string, calls: ReviewCalls = reviewCalls) {
    this.#session = session;
    this.#calls = calls;
  }

  /** The file shown on the right: the selection, else the first changed file. */
  get file() {
    const files = this.summary?.files ?? [];
    return files.find((f) => f.path === this.selected) ?? null;
  }

  get unsentCount(): number {
    return unsent(this.comments).length;
  }

  /** Loads everything the panel shows; also the refresh after each action and on feed changes. */
  async refresh(): Promise<void> {
    // A turn may have ended since: every scope is worth another try.
    this.unavailable.clear();
    // The first screen (the files, the first rows) waits on the summary alone: the land check
    // runs git work of its own (a trial merge, the base checkout's status) that would take the
    // cores the summary needs, so it starts once the summary is in.
    await Promise.all([this.#loadSummary(), this.#loadState()]);
    await this.#loadCheck();
  }

  async setScope(scope: DiffScope): Promise<void> {
    if (scope === this.scope) return;
    this.scope = scope;
    this.summary = null;
    await this.#loadSummary();
  }

  select(path: string | null): void {
    this.selected = path;
  }

  toggleDir(path: string): void {
    if (this.collapsed.has(path)) this.collapsed.delete(path);
    else this.collapsed.add(path);
  }

  /** Marks a file viewed or not; the tick changes at once and goes back if the engine refuses. */
  async toggleViewed(path: string): Promise<void> {
    const file = this.summary?.files.find((f) => f.path === path);
    if (file === undefined) return;
    const viewed = !file.viewed;
    this.#setViewedLocally(path, viewed);
    const ok = await this.#run("viewed", viewed ? "Mark viewed" : "Unmark viewed", () =>
      this.#calls.setViewed(this.#session(), path, viewed),
    );
    if (ok === null) this.#setViewedLocally(path, !viewed);
  }

  #setViewedLocally(path: string, viewed: boolean): void {
    const summary = this.summary;
    if (summary === null) return;
    this.summary = { ...summary, files: summary.files.map((f) => (f.path === path ? { ...f, viewed } : f)) };
  }

  /** Rows of `path`'s diff: the first page may already be on its way (see #loadSummary). */
  page(path: string, offset: number, limit: number): Promise<FileDiff> {
    const early = this.#firstPage;
    this.#firstPage = null;
    if (early !== null && early.scope === this.scope && early.path === path && offset === 0 && limit === early.limit) {
      return early.rows;
    }
    return this.#calls.file(this.#session(), this.scope, path, offset, limit);
  }

  async markReviewed(): Promise<void> {
    const ok = await this.#run("reviewed", "Mark reviewed", () => this.#calls.markReviewed(this.#session()));
    if (ok !== null) {
      this.unavailable.delete("review");
      this.note = "Marked reviewed ✓ · “Since my review” starts here";
      await this.#loadSummary();
    }
  }

  /** Adds a comment to the batch; true when the engine kept it. */
  async addComment(comment: NewComment): Promise<boolean> {
    const added = await this.#run("comment", "Comment", () => this.#calls.addComment(this.#session(), comment));
    if (added === null) return false;
    this.comments = [...this.comments, added];
    return true;
  }

  async deleteComment(id: string): Promise<void> {
    const ok = await this.#run("comment", "Delete comment", () => this.#calls.deleteComment(this.#session(), id));
    if (ok !== null) this.comments = this.comments.filter((c) => c.id !== id);
  }

  /** Sends the unsent comments to the agent as one message (K3). */
  async send(): Promise<void> {
    const n = this.unsentCount;
    if (n === 0 || this.busy !== null) return;
    const outcome = await this.#run("send", "Send comments", () => this.#calls.sendComments(this.#session()));
    if (outcome === null) return;
    this.note = `${n === 1 ? "1 comment" : `${n} comments`} sent to the agent ✓${outcome.restored ? " · session restored first" : ""}`;
    await Promise.all([this.#loadState(), this.#loadCheck()]);
  }

  /** Deletes every unsent comment (after the panel's confirm). */
  async discard(): Promise<void> {
    const ids = unsent(this.comments).map((c) => c.id);
    const ok = await this.#run("discard", "Discard comments", async () => {
      for (const id of ids) await this.#calls.deleteComment(this.#session(), id);
      return true;
    });
    if (ok !== null) this.note = "Unsent comments discarded";
    await this.#loadState();
  }

  /** Lands locally (`pr` false) or through GitHub; the outcome stays shown until the next action. */
  async land(request: { method?: LandMethod; pr: boolean; commitUncommitted: boolean }): Promise<void> {
    const r: LandRequest = request;
    const outcome = await this.#run(r.pr ? "pr" : "land", r.pr ? "Pull request" : "Land", () =>
      this.#calls.land(this.#session(), r),
    );
    if (outcome !== null) this.outcome = outcome;
    await Promise.all([this.#loadSummary(), this.#loadCheck()]);
  }

  async askResolve(): Promise<void> {
    const ok = await this.#run("resolve", "Ask agent to resolve", () =>
      this.#calls.askResolveConflicts(this.#session()),
    );
    if (ok !== null) this.note = "Asked the agent to resolve the conflicts ✓";
    await this.#loadCheck();
  }

  async #loadSummary(): Promise<void> {
    const gen = ++this.#summaryGen;
    const scope = this.scope;
    try {
      const summary = await this.#calls.summary(this.#session(), scope);
      if (gen !== this.#summaryGen) return;
      this.summary = summary;
      if (summary.scopeAvailable) this.unavailable.delete(scope);
      else this.unavailable.add(scope);
      if (this.selected === null || !summary.files.some((f) => f.path === this.selected)) {
        this.selected = summary.files[0]?.path ?? null;
      }
      // Asked for now, while the tree is drawn, rather than once the diff view has mounted:
      // the first screen then waits on one round trip after the summary, not two in a row.
      const path = this.selected;
      if (path !== null && summary.scopeAvailable) {
        const rows = this.#calls.file(this.#session(), scope, path, 0, PAGE_ROWS);
        rows.catch(() => {}); // Its error, if any, reaches the view that asks for it.
        this.#firstPage = { scope, path, limit: PAGE_ROWS, rows };
      }
    } catch (e) {
      if (gen === this.#summaryGen) this.error = operationError("Diff", asGroveError(e));
    }
  }

  async #loadState(): Promise<void> {
    try {
      this.comments = (await this.#calls.state(this.#session())).comments;
    } catch (e) {
      this.error = operationError("Review state", asGroveError(e));
    }
  }

  async #loadCheck(): Promise<void> {
    const gen = ++this.#checkGen;
    try {
      const check = await this.#calls.landCheck(this.#session());
      if (gen === this.#checkGen) this.check = check;
    } catch (e) {
      if (gen === this.#checkGen) this.error = operationError("Land check", asGroveError(e));
    }
  }

  async #run<T>(kind: ReviewBusy, verb: string, op: () => Promise<T>): Promise<T | null> {
    this.busy = kind;
    this.error = null;
    this.note = null;
    try {
      return await op();
    } catch (e) {
      this.error = operationError(verb, asGroveError(e));
      return null;
    } finally {
      this.busy = null;
    }
  }
}

function asGroveError(e: unknown): GroveError {
  return e instanceof GroveError ? e : new GroveError("internal", e instanceof Error ? e.message : String(e));
}
