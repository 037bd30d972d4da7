// Generated from the Rust types by `cargo test -p grove bindings`; GROVE_BLESS=1 rewrites it.
// Do not edit by hand.

export type AppInfo = { version: string, groveHome: string, configPath: string, tmuxSocket: string, 
/**
 * The user's home directory, so the UI can show paths under it as `~/...`.
 */
userHome: string | null, };

export type IpcError = { code: IpcErrorCode, message: string, };

export type IpcErrorCode = "invalid_input" | "not_found" | "internal";

export type ToolStatus = { 
/**
 * The program name as Grove calls it.
 */
name: string, 
/**
 * Whether it is on `PATH`.
 */
found: boolean, 
/**
 * Its full path when found.
 */
path: string | null, 
/**
 * What Grove needs it for, shown next to a missing tool.
 */
purpose: string, };
