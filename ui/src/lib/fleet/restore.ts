// The restore dialog's logic (UI §1.10, SPEC G5): on start, the sessions the last stop recorded,
// grouped by project, restored one by one on request with each row ticking as progress arrives.
// Failures stay in the record (the backend keeps them) and in the dialog with "Retry failed";
// "Not now" keeps the record, "Discard record…" clears it after a confirm step (UI §3.5). Kept free
// of Svelte and Tauri: calls, lookups and timers are injected, and the state lives in the holder
// the caller gives, its parts always replaced whole so a `$state` holder sees every change.

import type { FleetRestoreReport, LastStop, RestoreProgress, SessionRef } from "../../ipc/bindings";
import { formatAge, plural } from "../format";
import { sessionKey } from "../feed/keys";
import { realTimers, type Timers } from "../spawn/pending";

/** After everything restored the dialog lingers this long, so the ticks are seen. */
export const AUTO_CLOSE_MS = 1000;

export type RowStatus = "pending" | "restoring" | "restored" | "failed";

export interface RestoreRow {
  /** `<projectId>/<sessionId>`. */
  key: string;
  projectId: string;
  sessionId: string;
  title: string;
  branch: string | null;
  agent: string | null;
  /** Why the previous restore attempt failed (kept in the record), until this one says more. */
  earlier: string | null;
  status: RowStatus;
  /** This attempt's error. */
  error: string | null;
}

export interface RestoreGroup {
  projectId: string;
  name: string;
  rows: RestoreRow[];
}

export type RestorePhase =
  | "closed"
  /** Asking (or, after an attempt, offering the retry). */
  | "ready"
  /** The restore runs; rows tick. */
  | "running"
  /** "Discard the record?" */
  | "discard"
  | "discarding"
  /** Everything restored; closes by itself. */
  | "done";

export interface RestoreState {
  phase: RestorePhase;
  stoppedAt: string | null;
  groups: RestoreGroup[];
  /** Where the running restore is: the record's place of the session in hand. */
  progress: { index: number; total: number } | null;
  /** Why a call failed, inline in the dialog. */
  error: string | null;
  /** The restore ran but the record could not be updated. */
  warning: string | null;
}

/** What the dialog shows of a session, from the feed's store. */
export interface SessionInfo {
  displayName: string | null;
  branch: string;
  agent: string;
}

export interface RestoreDeps {
  lastStop: () => Promise<LastStop | null>;
  restore: (onProgress: (p: RestoreProgress) => void) => Promise<FleetRestoreReport>;
  decline: () => Promise<void>;
  session: (projectId: string, sessionId: string) => SessionInfo | undefined;
  projectName: (projectId: string) => string;
  /** Something to say when there is no dialog to say it in (the record could not be read). */
  notice?: (text: string) => void;
  timers?: Timers;
}

export function closedState(): RestoreState {
  return { phase: "closed", stoppedAt: null, groups: [], progress: null, error: null, warning: null };
}

/** The record's sessions as rows, grouped by project in record order. */
export function buildGroups(
  record: LastStop,
  session: RestoreDeps["session"],
  projectName: RestoreDeps["projectName"],
): RestoreGroup[] {
  const groups: RestoreGroup[] = [];
  for (const project of record.projects) {
    if (project.sessionIds.length === 0) continue;
    const rows = project.sessionIds.map((id): RestoreRow => {
      const info = session(project.projectId, id);
      const branch = info?.branch || null;
      return {
        key: sessionKey(project.projectId, id),
        projectId: project.projectId,
        sessionId: id,
        // Display name, else branch, else id: the same order the list uses for a title.
        title: info?.displayName?.trim() || branch || id,
        branch,
        agent: info?.agent || null,
        earlier: project.errors?.[id] ?? null,
        status: "pending",
        error: null,
      };
    });
    groups.push({ projectId: project.projectId, name: projectName(project.projectId), rows });
  }
  return groups;
}

export function allRows(groups: readonly RestoreGroup[]): RestoreRow[] {
  return groups.flatMap((g) => g.rows);
}

export interface RestoreTally {
  total: number;
  restored: number;
  failed: number;
  /** What the record still holds: every row not restored. */
  remaining: number;
}

export function tally(groups: readonly RestoreGroup[]): RestoreTally {
  const rows = allRows(groups);
  const restored = rows.filter((r) => r.status === "restored").length;
  const failed = rows.filter((r) => r.status === "failed").length;
  return { total: rows.length, restored, failed, remaining: rows.length - restored };
}

/** Whether a restore ran (some row has an outcome): then "Not now" reads "Close". */
export function attempted(groups: readonly RestoreGroup[]): boolean {
  return allRows(groups).some((r) => r.status === "restored" || r.status === "failed");
}

/** The dialog's heading for where it is. */
export function heading(state: RestoreState): string {
  const t = tally(state.groups);
  if (state.phase === "running") {
    const p = state.progress;
    return p ? `Restoring ${p.index} of ${p.total}…` : "Restoring…";
  }
  if (state.phase === "done") return `${t.restored === 1 ? "Session" : `All ${t.restored} sessions`} restored`;
  if (!attempted(state.groups)) return `Restore ${plural(t.total, "session")} from your last stop?`;
  return t.failed > 0 ? `${t.restored} restored · ${t.failed} failed` : `${t.restored} restored · ${t.remaining} left`;
}

/** The primary button: "Restore 14", or "Retry failed (2)" once some failed. */
export function primaryLabel(groups: readonly RestoreGroup[]): string {
  const t = tally(groups);
  return t.failed > 0 ? `Retry failed (${t.remaining})` : `Restore ${t.remaining}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * "Tue 18:04 (2h ago)" in local time; older than a week the weekday alone would mislead, so
 * "Mar 3 18:04 (9d ago)". An unreadable time is shown as written.
 */
export function stoppedWhen(stoppedAt: string, now: number): string {
  const at = new Date(stoppedAt);
  const ms = at.getTime();
  if (Number.isNaN(ms)) return stoppedAt;
  const hm = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
  const day = now - ms >= WEEK_MS ? `${MONTHS[at.getMonth()]} ${at.getDate()}` : WEEKDAYS[at.getDay()];
  const age = formatAge(now - ms);
  return `${day} ${hm} (${age === "now" ? "just now" : `${age} ago`})`;
}

function message(e: unknown): string {
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

export class RestoreFlow {
  readonly #state: RestoreState;
  readonly #deps: RestoreDeps;
  readonly #timers: Timers;
  #closeTimer: unknown = undefined;
  /** Bumped on every close, so an answer for a dialog that is gone is dropped. */
  #generation = 0;

  constructor(state: RestoreState, deps: RestoreDeps) {
    this.#state = state;
    this.#deps = deps;
    this.#timers = deps.timers ?? realTimers;
  }

  /** Asks the backend for the last stop and opens the dialog when it lists sessions. */
  async load(): Promise<void> {
    const generation = this.#generation;
    let record: LastStop | null;
    try {
      record = await this.#deps.lastStop();
    } catch (e) {
      this.#deps.notice?.(`Could not read the last stop: ${message(e)}`);
      return;
    }
    if (generation !== this.#generation || this.#state.phase !== "closed") return;
    if (record === null) return;
    const groups = buildGroups(record, this.#deps.session, this.#deps.projectName);
    if (groups.length === 0) return;
    Object.assign(this.#state, { ...closedState(), phase: "ready", stoppedAt: record.stoppedAt, groups });
  }

  /**
   * Re-reads the record after something else acted on it (the tray restored or stopped
   * sessions): rows it no longer lists were restored elsewhere, and a record that is gone closes
   * the dialog. Only while the dialog waits for the user; a running restore reports for itself.
   */
  async refresh(): Promise<void> {
    if (this.#state.phase !== "ready") return;
    const generation = this.#generation;
    let record: LastStop | null;
    try {
      record = await this.#deps.lastStop();
    } catch {
      return; // The dialog keeps what it shows; the next action reports any real problem.
    }
    if (generation !== this.#generation || this.#state.phase !== "ready") return;
    const listed = new Map<string, string | null>();
    for (const p of record?.projects ?? []) {
      for (const id of p.sessionIds) listed.set(sessionKey(p.projectId, id), p.errors?.[id] ?? null);
    }
    if (listed.size === 0) {
      this.close();
      return;
    }
    this.#mapRows((r) => {
      if (!listed.has(r.key)) return r.status === "restored" ? r : { ...r, status: "restored", error: null, earlier: null };
      return r.status === "failed" ? r : { ...r, earlier: listed.get(r.key) ?? null };
    });
  }

  /** Restore (or retry) what the record holds. */
  restore(): void {
    if (this.#state.phase !== "ready") return;
    const generation = this.#generation;
    this.#state.error = null;
    this.#state.warning = null;
    this.#state.progress = null;
    // Only what is not restored runs again; rows that failed go back to waiting their turn.
    this.#mapRows((r) => (r.status === "restored" ? r : { ...r, status: "pending", error: null }));
    this.#state.phase = "running";
    let running: Promise<FleetRestoreReport>;
    try {
      running = this.#deps.restore((p) => {
        if (generation === this.#generation) this.#progress(p);
      });
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
      (report) => {
        if (generation === this.#generation) this.#finish(report);
      },
      (e: unknown) => {
        if (generation !== this.#generation) return;
        // Whatever was mid-way is unknown now: it waits for the next try, which the record allows.
        this.#mapRows((r) => (r.status === "restoring" ? { ...r, status: "pending" } : r));
        this.#state.error = `Restore stopped: ${message(e)}`;
        this.#state.progress = null;
        this.#state.phase = "ready";
      },
    );
  }

  /** "Not now" or "Close": the record stays for the tray's Start and the next launch. */
  close(): void {
    if (this.#state.phase === "running" || this.#state.phase === "discarding") return;
    this.#generation++;
    this.#timers.clear(this.#closeTimer);
    this.#closeTimer = undefined;
    Object.assign(this.#state, closedState());
  }

  /** "Discard record…": the confirm step. */
  askDiscard(): void {
    if (this.#state.phase !== "ready") return;
    this.#state.error = null;
    this.#state.phase = "discard";
  }

  /** Back from the confirm step. */
  keep(): void {
    if (this.#state.phase === "discard") this.#state.phase = "ready";
  }

  /** Clears the record; the sessions stay stopped, each restorable from its row. */
  discard(): void {
    if (this.#state.phase !== "discard") return;
    const generation = this.#generation;
    this.#state.phase = "discarding";
    this.#deps.decline().then(
      () => {
        if (generation !== this.#generation) return;
        this.#state.phase = "ready";
        this.close();
      },
      (e: unknown) => {
        if (generation !== this.#generation) return;
        this.#state.error = `Could not discard the record: ${message(e)}`;
        this.#state.phase = "ready";
      },
    );
  }

  #progress(p: RestoreProgress): void {
    this.#state.progress = { index: p.index, total: p.total };
    const key = sessionKey(p.session.projectId, p.session.sessionId);
    const step = p.step;
    this.#mapRows((r) => {
      if (r.key !== key) return r;
      switch (step.kind) {
        case "restoring":
          return { ...r, status: "restoring", error: null };
        case "restored":
        case "already_live":
          return { ...r, status: "restored", error: null, earlier: null };
        case "failed":
          return { ...r, status: "failed", error: step.error };
      }
    });
  }

  #finish(report: FleetRestoreReport): void {
    // The report is the last word: a progress message lost on the way must not leave a spinner.
    const done = new Set([...report.restored, ...report.alreadyLive].map(keyOf));
    const failed = new Map(report.failed.map((f) => [keyOf(f), f.error]));
    this.#mapRows((r) => {
      if (done.has(r.key)) return { ...r, status: "restored", error: null, earlier: null };
      const error = failed.get(r.key);
      if (error !== undefined) return { ...r, status: "failed", error };
      return r.status === "restoring" ? { ...r, status: "pending" } : r;
    });
    this.#state.progress = null;
    this.#state.warning = report.recordError === null ? null : `The record could not be updated: ${report.recordError}`;
    // The record is gone only when everything restored: then there is nothing left to offer.
    if (report.failed.length === 0 && report.remaining === null && report.recordError === null) {
      this.#state.phase = "done";
      const generation = this.#generation;
      this.#closeTimer = this.#timers.set(() => {
        if (generation === this.#generation) this.close();
      }, AUTO_CLOSE_MS);
    } else {
      this.#state.phase = "ready";
    }
  }

  #mapRows(change: (r: RestoreRow) => RestoreRow): void {
    this.#state.groups = this.#state.groups.map((g) => ({ ...g, rows: g.rows.map(change) }));
  }
}

function keyOf(ref: SessionRef): string {
  return sessionKey(ref.projectId, ref.sessionId);
}
