// Builders for feed payloads in tests. Each takes only what a test varies; the rest is a healthy
// working session with no PR. Status, attention and the resolution are given explicitly (as the
// engine sends them) because the store must take them as they come, not re-derive them; the
// defaults below only fill in a plausible resolution for tests that vary the attention alone.

import type {
  Activity,
  AttentionLevel,
  DisplayStatus,
  Enrichment,
  FeedEvent,
  FeedSession,
  PrReason,
  PrState,
  Resolved,
  RuntimeState,
  SessionKey,
  SessionReason,
  SessionRecord,
  SessionState,
} from "../../ipc/bindings";

export interface SessionSpec {
  project?: string;
  id: string;
  status?: DisplayStatus;
  attention?: AttentionLevel;
  state?: SessionState;
  reason?: SessionReason;
  createdAt?: string;
  lastTransitionAt?: string;
  terminatedAt?: string | null;
  pr?: { state?: PrState; reason?: PrReason; number?: number | null; url?: string | null };
  runtime?: RuntimeState;
  activity?: Activity | null;
  /** What the activity is about ("waiting for permission to run `cargo test`"). */
  activityDetail?: string | null;
  agentError?: string | null;
  enrichment?: Enrichment;
  summary?: string | null;
  /** The engine's resolution; unset fields follow `attention` (group) and a healthy working row. */
  resolved?: Partial<Resolved>;
  exit?: SessionRecord["exit"];
}

export const T0 = "2026-11-24T10:00:00Z";

export function feedSession(spec: SessionSpec): FeedSession {
  const project = spec.project ?? "api";
  const activity = spec.activity === undefined ? "active" : spec.activity;
  const status = spec.status ?? "working";
  const attention = spec.resolved?.attention ?? spec.attention ?? "working";
  const resolved: Resolved = {
    attention,
    group: attention === "done" ? (status === "stopped" ? "stopped" : "done") : attention,
    state: "working",
    label: "working",
    reason: "working",
    action: attention === "done" ? "restore" : "open",
    ended: attention === "done",
    restorable: attention === "done",
    ...spec.resolved,
  };
  return {
    status,
    attention,
    resolved,
    view: {
      record: {
        version: 1,
        id: spec.id,
        projectId: project,
        kind: "worker",
        agent: "claude-code",
        runtime: "tmux",
        branch: `session/${spec.id}`,
        worktree: `/home/u/.grove/projects/${project}/worktrees/${spec.id}`,
        createdAt: spec.createdAt ?? T0,
        displayName: null,
        prompt: null,
        issue: null,
        agentSessionId: null,
        ...(spec.exit !== undefined ? { exit: spec.exit } : {}),
        lifecycle: {
          session: {
            state: spec.state ?? "working",
            reason: spec.reason ?? "task_in_progress",
            startedAt: T0,
            lastTransitionAt: spec.lastTransitionAt ?? T0,
            terminatedAt: spec.terminatedAt ?? null,
          },
          pr: {
            state: spec.pr?.state ?? (spec.pr ? "open" : "none"),
            reason: spec.pr?.reason ?? (spec.pr ? "in_progress" : "not_created"),
            number: spec.pr?.number ?? null,
            url: spec.pr?.url ?? null,
          },
          runtime: { state: spec.runtime ?? "alive", reason: "process_running", handle: null },
        },
      },
      live: {
        activity,
        activitySource: activity === null ? null : "hook",
        activityDetail: spec.activityDetail ?? null,
        activityConfidence: activity === null ? null : "high",
        activitySince: activity === null ? null : T0,
        lastActivityAt: null,
        agentError: spec.agentError ?? null,
        info: spec.summary === undefined ? null : { summary: spec.summary, tokens: null, costUsd: null, transcript: null },
        pid: null,
        dialog: null,
      },
      enrichment: spec.enrichment ?? (activity === null ? { kind: "stored" } : { kind: "enriched", at: T0 }),
    },
  };
}

export function snapshot(seq: number, sessions: FeedSession[]): FeedEvent {
  return { kind: "snapshot", seq, sessions, projects: [{ id: "api", name: "api", configError: false }], warnings: [] };
}

export function patch(seq: number, sessions: FeedSession[], removed: SessionKey[] = []): FeedEvent {
  return { kind: "patch", seq, sessions, removed, warnings: null };
}

/** The same session a moment later, through JSON as the webview receives it (new objects). */
export function again(session: FeedSession): FeedSession {
  return JSON.parse(JSON.stringify(session)) as FeedSession;
}
