// The feed's warnings as the problems panel and banner show them (UI §1.7): grouped by where they
// come from, each with where to look and what to do, so a problem is never just a red mark.

import type { FeedWarning, WarningSource } from "../../ipc/bindings";
import { tildify } from "../format";

export interface WarningGroup {
  source: WarningSource;
  title: string;
  warnings: FeedWarning[];
}

const ORDER: readonly { source: WarningSource; title: string }[] = [
  { source: "config", title: "Config" },
  { source: "store", title: "Records" },
  { source: "feed", title: "Feed" },
  { source: "github", title: "GitHub" },
];

/** Config, Records, Feed, GitHub, each in arrival order; empty groups left out. */
export function groupWarnings(warnings: readonly FeedWarning[]): WarningGroup[] {
  return ORDER.map(({ source, title }) => ({ source, title, warnings: warnings.filter((w) => w.source === source) })).filter(
    (g) => g.warnings.length > 0,
  );
}

/** The command that re-checks the config and prints every error with its line. */
export const CONFIG_CHECK_COMMAND = "grove config check";

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** What the user can do about a warning, in one sentence. */
export function whatToDo(w: FeedWarning): string {
  switch (w.source) {
    case "config":
      return "Fix the file, then save: Grove reloads it.";
    case "store":
      // Only a quarantined record was moved; the others (corrupt, newer, unreadable) stay put.
      if (w.file && /\.corrupt-\d+$/.test(w.file)) {
        return `The file was moved aside as ${baseName(w.file)}; the other sessions are unaffected.`;
      }
      if (/newer Grove/i.test(w.message)) return "Update Grove to see this session; the other sessions are unaffected.";
      return "Grove skipped this file; the other sessions are unaffected.";
    case "feed":
      return "Grove keeps showing the last good data and retries.";
    case "github":
      // PR and CI state pause; sessions and agents are unaffected.
      return /rate limit/i.test(w.message)
        ? "PR and CI state resume by themselves when the limit ends; nothing else waits on it."
        : "Install gh and run `gh auth login`; PR and CI state resume on the next check.";
  }
}

/** A config error's text starts with "file:line:column: "; the panel shows that part apart. */
function locationPrefix(w: FeedWarning): { prefix: string; column: string | null } | null {
  if (!w.file || !w.message.startsWith(`${w.file}:`)) return null;
  const rest = w.message.slice(w.file.length);
  const m = /^:(\d+):(\d+): /.exec(rest) ?? /^:(\d+): /.exec(rest) ?? /^: /.exec(rest);
  if (!m) return null;
  return { prefix: `${w.file}${m[0]}`, column: m[2] ?? null };
}

/** "~/.config/grove/config.toml:12:5", or null when the warning names no file. */
export function warningLocation(w: FeedWarning, home: string | null | undefined): string | null {
  if (!w.file) return null;
  const file = tildify(w.file, home);
  if (w.line === null) return file;
  const column = locationPrefix(w)?.column;
  return column ? `${file}:${w.line}:${column}` : `${file}:${w.line}`;
}

/** The message without the location the panel already shows. */
export function warningMessage(w: FeedWarning): string {
  const found = locationPrefix(w);
  return found ? w.message.slice(found.prefix.length) : w.message;
}

/** The message with paths under home shortened, as everywhere else in the app. */
export function tildifyText(text: string, home: string | null | undefined): string {
  if (!home) return text;
  const base = home.replace(/[\\/]+$/, "");
  if (base === "") return text;
  return text.split(`${base}/`).join("~/").split(`${base}\\`).join("~\\");
}

/** Feed trouble means the dashboard may be out of date: red. Config and records: amber. */
export function bannerTone(warnings: readonly FeedWarning[]): "review" | "respond" {
  return warnings.some((w) => w.source === "feed") ? "review" : "respond";
}

/** The first message cut to fit one line; the banner's CSS ellipsis handles the width. */
export function bannerText(warnings: readonly FeedWarning[], userHome: string | null = null): string | null {
  const first = warnings.find((w) => w.source === "feed") ?? warnings[0];
  if (!first) return null;
  const n = warnings.length;
  // Paths under the user's home read as ~/..., as everywhere else in the UI.
  const message = tildifyText(warningMessage(first), userHome);
  return `${n} ${n === 1 ? "problem" : "problems"}: ${message}`;
}
