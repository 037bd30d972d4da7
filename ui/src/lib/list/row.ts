// What a session row shows beyond the resolved state (UI §1.4): the title, the agent's monogram,
// the time its age counts from and the PR's one CI mark. Pure, so every fallback is tested.

import type { Resolved, SessionRecord } from "../../ipc/bindings";
import type { CiState, PrDisplay, SessionEntry } from "../feed";
import { currentPrInfo, prMarkTitle, worstPrMark, type PrMark } from "../pr/prinfo";

/**
 * "feat/oauth-scopes" → "Oauth scopes". Null when the branch says no more than the id does
 * (the default `session/<id>` branch), so the title falls through to the id itself.
 */
export function humaniseBranch(branch: string, id: string): string | null {
  const leaf = branch.split("/").pop()?.trim() ?? "";
  if (leaf === "" || leaf === id) return null;
  const words = leaf.replace(/[-_.]+/g, " ").trim();
  if (words === "") return null;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Display name > humanised branch > id (the record's display name already holds an issue title). */
export function rowTitle(record: Pick<SessionRecord, "displayName" | "branch" | "id">): string {
  const name = record.displayName?.trim();
  if (name) return name;
  return humaniseBranch(record.branch, record.id) ?? record.id;
}

const MONOGRAMS: Record<string, string> = { "claude-code": "CC", codex: "CX", aider: "AI" };

/** 12 px monochrome monograms, never vendor logos (UI §2.3); shells and custom agents are ">_". */
export function agentMonogram(agent: string): string {
  return MONOGRAMS[agent] ?? ">_";
}

function parse(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/**
 * When a row's age counts from. A working session's age is how long since the agent last did
 * something; a waiting one's since it started waiting; an ended one's since it ended.
 */
export function ageAnchor(entry: Pick<SessionEntry, "group" | "record" | "live">): number | null {
  const session = entry.record.lifecycle.session;
  switch (entry.group) {
    case "working":
      return parse(entry.live.lastActivityAt) ?? parse(session.lastTransitionAt);
    case "stopped":
    case "done":
      return parse(session.terminatedAt) ?? parse(session.lastTransitionAt);
    default:
      return parse(session.lastTransitionAt);
  }
}

/** The one worst-state CI mark after `#n`; nothing when CI is unknown. */
export function ciMark(pr: Pick<PrDisplay, "ci"> | null): Exclude<CiState, "unknown"> | null {
  if (pr === null || pr.ci === "unknown") return null;
  return pr.ci;
}

/** Row text for the PR column: "#412", or "PR" when only the URL is known yet. */
export function prText(pr: Pick<PrDisplay, "number" | "url"> | null): string | null {
  if (pr === null) return null;
  if (pr.number !== null) return `#${pr.number}`;
  return pr.url !== null ? "PR" : null;
}

const CI_TITLES: Record<Exclude<CiState, "unknown">, string> = {
  failing: "CI failing",
  pending: "CI running",
  passing: "CI passing",
};

/** The PR·CI column (UI §1.4): `#412` and one worst-state mark, with the mark's words for its tooltip. */
export interface PrColumn {
  text: string | null;
  mark: PrMark | null;
  title: string;
}

/**
 * What the PR loop read (`prInfo`) when it is about the lifecycle's PR: it knows conflicts as well
 * as CI. Before the loop read the PR, the lifecycle's PR part alone decides.
 */
export function prColumn(record: Pick<SessionRecord, "prInfo" | "lifecycle">, pr: PrDisplay | null): PrColumn {
  const info = currentPrInfo(record);
  if (info !== null) {
    const mark = worstPrMark(info);
    const title = [`#${info.number} ${info.title}`, mark === null ? null : prMarkTitle(mark, info)];
    return { text: `#${info.number}`, mark, title: title.filter((t) => t !== null).join(" · ") };
  }
  const text = prText(pr);
  const mark = text === null ? null : ciMark(pr);
  return { text, mark, title: [text, mark === null ? null : CI_TITLES[mark]].filter((t) => t !== null).join(" · ") };
}

/**
 * Shortens from the middle, keeping the end that tells branches apart ("feat/…/oauth-scopes"),
 * since CSS can only cut the end.
 */
export function middleEllipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = Math.ceil((max - 1) * 0.65);
  const head = max - 1 - tail;
  return `${text.slice(0, head)}…${text.slice(text.length - tail)}`;
}

/** The reason column's text and tooltip. */
export interface ReasonChip {
  text: string;
  title: string;
}

/**
 * The reason chip (UI §1.4): the resolver's label, except while the agent waits on a dialog, when
 * it is the question itself (`resolved.reason`, SPEC I2b), so the row says what is asked without
 * opening the session; the tooltip keeps the kind ("permission: Do you want to proceed?").
 */
export function reasonChip(entry: {
  resolved: Pick<Resolved, "state" | "label" | "reason">;
  live: { dialog: unknown };
}): ReasonChip {
  const { state, label, reason } = entry.resolved;
  if (entry.live.dialog != null && state === "needs_input" && reason.trim() !== "") {
    return { text: reason, title: `${label}: ${reason}` };
  }
  return { text: label, title: label };
}
