// The only module that talks to Tauri. Views and stores call these typed functions; the payload
// types are generated from the Rust types (bindings.ts), so a renamed field fails the type check.

import { invoke } from "@tauri-apps/api/core";
import type { AppInfo, IpcError, ToolStatus } from "./bindings";

export type { AppInfo, IpcError, ToolStatus } from "./bindings";

/** An error from a Grove command, with the stable code the UI may branch on. */
export class GroveError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "GroveError";
    this.code = code;
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isIpcError(e)) throw new GroveError(e.code, e.message);
    throw new GroveError("ipc", e instanceof Error ? e.message : String(e));
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
