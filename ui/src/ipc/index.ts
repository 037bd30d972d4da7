// The only module that talks to Tauri. Views and stores call these typed functions; the payload
// types are generated from the Rust types (bindings.ts), so a renamed field fails the type check.

import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppInfo,
  Dialog,
  DiskUsage,
  FeedEvent,
  FleetRestoreReport,
  LastStop,
  Notification,
  RestoreProgress,
  IpcError,
  KillOutcome,
  OpenTarget,
  ReclaimOutcome,
  SendOutcome,
  SessionRecord,
  SpawnInput,
  SpawnOptions,
  SpawnProgress,
  TerminalOpened,
  TerminalStatus,
  ToolStatus,
} from "./bindings";

export type * from "./bindings";

/** An error from a Grove command, with the stable code the UI may branch on. */
export class GroveError extends Error {
  readonly code: string;
  /** The operation's step that failed ("worktree", "runtime", ...), when one did. */
  readonly step: string | null;
  /** With code `dialog_open`: the dialog on the agent's screen that refused the send (SPEC F2a). */
  readonly dialog: Dialog | null;
  constructor(code: string, message: string, step: string | null = null, dialog: Dialog | null = null) {
    super(message);
    this.name = "GroveError";
    this.code = code;
    this.step = step;
    this.dialog = dialog;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Invokes a Grove command; a failure arrives as GroveError. Exported for feature IPC modules
 * (review/api.ts) that keep their commands beside their wire types. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  const start = performance.now();
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isIpcError(e)) throw new GroveError(e.code, e.message, e.step ?? null, e.dialog ?? null);
    throw new GroveError("ipc", e instanceof Error ? e.message : String(e));
  } finally {
    // Measurements (tests/e2e/measure_review.rs) see where a screen's time goes by putting an
    // array here; nothing is recorded otherwise.
    const log = typeof window === "undefined" ? undefined : window.__groveIpcLog;
    if (Array.isArray(log) && log.length < IPC_LOG_LIMIT) log.push([command, start, performance.now()]);
  }
}

/** The most calls one measurement records. */
const IPC_LOG_LIMIT = 10_000;

declare global {
  interface Window {
    /** Set by a measurement: each call's command, start and end (`performance.now()`). */
    __groveIpcLog?: [string, number, number][];
  }
}

/** True inside the Grove window; false in a plain browser (e.g. `npm run dev` for styling). */
export function insideGrove(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Version, data directory and config location of the running app. */
export const appInfo = (): Promise<AppInfo> => call<AppInfo>("app_info");

/** Which outside tools (git, tmux, gh, agent CLIs) Grove can find, and where. */
export const toolStatus = (): Promise<ToolStatus[]> => call<ToolStatus[]>("tool_status");

/** A live feed subscription: snapshot first, then numbered patches (SPEC E1). */
export interface FeedSubscription {
  /** Asks for a fresh snapshot as the next message (on a seq gap or an unknown session, E4). */
  resync(): Promise<void>;
  /** Stops the stream. */
  close(): Promise<void>;
}

/** Subscribes to the live feed; `onEvent` receives every message in order. */
export async function subscribeFeed(onEvent: (event: FeedEvent) => void): Promise<FeedSubscription> {
  const channel = new Channel<FeedEvent>();
  channel.onmessage = onEvent;
  const id = await call<number>("feed_subscribe", { onEvent: channel });
  return {
    resync: () => call<void>("feed_resync", { subscription: id }),
    close: () => call<void>("feed_unsubscribe", { subscription: id }),
  };
}

/** Projects and agents the spawn dialog offers. */
export const spawnOptions = (): Promise<SpawnOptions> => call<SpawnOptions>("spawn_options");

/**
 * Spawns a session (SPEC F1); `onProgress` hears each step as it starts. Rejects with a
 * GroveError whose `step` names the failed step (earlier steps are rolled back).
 */
export function spawnSession(request: SpawnInput, onProgress: (p: SpawnProgress) => void): Promise<SessionRecord> {
  const channel = new Channel<SpawnProgress>();
  channel.onmessage = onProgress;
  return call<SessionRecord>("spawn_session", { request, onProgress: channel });
}

/**
 * Sends a message to a session's agent (SPEC F2, F2a); a stopped or crashed session is restored
 * first, a killed one never. While the agent shows a dialog it rejects with code `dialog_open`
 * (the error carries the dialog) unless `force`.
 */
export const sendMessage = (session: string, message: string, force = false): Promise<SendOutcome> =>
  call<SendOutcome>("send_message", { session, message, force });

/** Presses named keys in the session's terminal, in order: the exact answer to a dialog (SPEC F2a). */
export const sendKeys = (session: string, keys: readonly string[]): Promise<void> =>
  call<void>("send_keys", { session, keys });

/** Kills a session (SPEC F3); `discard` removes a worktree even when it holds work. */
export const killSession = (session: string, discard: boolean): Promise<KillOutcome> =>
  call<KillOutcome>("kill_session", { session, discard });

/** Restarts a stopped session in its worktree (SPEC F4). */
export const restoreSession = (session: string): Promise<SessionRecord> =>
  call<SessionRecord>("restore_session", { session });

/** Stops one live session for a later restore: runtime ended, worktree untouched (SPEC F5, F5a). */
export const stopSession = (session: string): Promise<SessionRecord> =>
  call<SessionRecord>("stop_session", { session });

/** The worktree's last measured size on disk, null before the first measure (SPEC K7). */
export const diskUsage = (session: string): Promise<DiskUsage | null> =>
  call<DiskUsage | null>("disk_usage", { session });

/** Removes a landed session's worktree when that loses nothing; the record stays (SPEC K7). */
export const reclaimSession = (session: string): Promise<ReclaimOutcome> =>
  call<ReclaimOutcome>("reclaim_session", { session });

/** Opens a session's worktree in the file manager or the editor. */
export const openWorktree = (session: string, target: OpenTarget): Promise<void> =>
  call<void>("open_worktree", { session, target });

/** Opens a session's pull request in the browser. */
export const openPr = (session: string): Promise<void> => call<void>("open_pr", { session });

/** The user asked to close the window: confirm if sessions are live, then `quitApp()` or `cancelQuit()`. */
export const onQuitRequested = (handler: () => void): Promise<UnlistenFn> =>
  listen("quit-requested", () => handler());

/** The quit path started; the payload is how many sessions it is stopping (SPEC G2). */
export const onQuitting = (handler: (live: number) => void): Promise<UnlistenFn> =>
  listen<number>("quitting", (e) => handler(e.payload));

/** The tray stopped or restored sessions; the payload is a one-line summary. */
export const onTrayAction = (handler: (summary: string) => void): Promise<UnlistenFn> =>
  listen<string>("tray-action", (e) => handler(e.payload));

/** Runs the quit path: every session stopped for restore, worktrees kept, then exit. */
export const quitApp = (): Promise<void> => call<void>("quit_app");

/** The user chose to keep Grove open after the close button. */
export const cancelQuit = (): Promise<void> => call<void>("cancel_quit");

/** What the last stop recorded (the restore dialog on start, SPEC G5); null when nothing. */
export const lastStop = (): Promise<LastStop | null> => call<LastStop | null>("last_stop");

/** Restores the last stop's sessions one by one; failures stay in the record with their error. */
export function restoreLastStop(onProgress: (p: RestoreProgress) => void): Promise<FleetRestoreReport> {
  const channel = new Channel<RestoreProgress>();
  channel.onmessage = onProgress;
  return call<FleetRestoreReport>("restore_last_stop", { onProgress: channel });
}

/** Declines the restore: the record is cleared; each session stays restorable from its row. */
export const declineLastStop = (): Promise<void> => call<void>("decline_last_stop");

/** Tells the notification policy which session the detail panel shows (`"<project>/<id>"`), or
 * null when none: Grove does not notify about the session the user is looking at (SPEC H2). */
export const setFocus = (session: string | null): Promise<void> => call<void>("set_focus", { session });

/** A desktop notification was clicked: open this session (`"<project>/<id>"`), or the list for a
 * summary of several (null). */
export const onOpenSession = (handler: (session: string | null) => void): Promise<UnlistenFn> =>
  listen<string | null>("open-session", (e) => handler(e.payload));

/** Notifications went out: the sessions they were about get an unread badge until opened. */
export const onNotified = (handler: (notification: Notification) => void): Promise<UnlistenFn> =>
  listen<Notification>("notified", (e) => handler(e.payload));

/** A viewer of one session's live terminal (issue #10). Output arrives as bytes on its own
 * channel, never through the feed store (UI §4.6). */
export interface TerminalConnection {
  readonly viewer: number;
  /** The command that attaches from the user's own terminal ("Open in my terminal"). */
  readonly attachCommand: string;
  /** Keys and pastes, at most 64 KiB per call; callers keep one call in flight to keep order. */
  input(data: string): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  /** Tells the backend that `bytes` more bytes were drawn, so it may send more (back-pressure). */
  ack(bytes: number): Promise<void>;
  /** Closes this viewer; the last one out detaches, the agent keeps running. */
  close(): Promise<void>;
}

/** Raw channel messages arrive as an ArrayBuffer; a JSON fallback would be a number array. */
function asBytes(message: unknown): Uint8Array {
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  if (ArrayBuffer.isView(message)) return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  if (Array.isArray(message)) return Uint8Array.from(message as number[]);
  return new Uint8Array(0);
}

/** Attaches to the session's terminal at `cols` x `rows`; recent output is replayed first. */
export async function openTerminal(
  session: string,
  cols: number,
  rows: number,
  onOutput: (bytes: Uint8Array) => void,
  onStatus: (status: TerminalStatus) => void,
): Promise<TerminalConnection> {
  const output = new Channel<unknown>();
  output.onmessage = (message) => onOutput(asBytes(message));
  const status = new Channel<TerminalStatus>();
  status.onmessage = onStatus;
  const opened = await call<TerminalOpened>("terminal_open", { session, cols, rows, onOutput: output, onStatus: status });
  const viewer = opened.viewer;
  return {
    viewer,
    attachCommand: opened.attachCommand,
    input: (data) => call<void>("terminal_input", { viewer, data }),
    resize: (c, r) => call<void>("terminal_resize", { viewer, cols: c, rows: r }),
    ack: (bytes) => call<void>("terminal_ack", { viewer, bytes }),
    close: () => call<void>("terminal_close", { viewer }),
  };
}

/** The command that attaches to a session from the user's own terminal. */
export const attachCommand = (session: string): Promise<string> => call<string>("attach_command", { session });

/** Opens an http(s) link clicked in a terminal in the default browser. */
export const openLink = (url: string): Promise<void> => call<void>("open_link", { url });
