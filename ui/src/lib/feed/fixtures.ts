// Builders for feed payloads in tests. Each takes only what a test varies; the rest is a healthy
// working session with no PR. Status and attention are given explicitly (as the engine sends
// them) because the store must take them as they come, not re-derive them.

import type {
  Activity,
  AttentionLevel,
  DisplayStatus,
  Enrichment,
  FeedEvent,
  FeedSession,
  PrReason,
  PrState,
  RuntimeState,
  SessionKey,
  SessionReason,
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
}

export const T0 = "2026-11-24T10:00:00Z";

export function feedSession(spec: SessionSpec): FeedSession {
  const project = spec.project ?? "api";
  const activity = spec.activity === undefined ? "active" : spec.activity;
  return {
    status: spec.status ?? "working",
    attention: spec.attention ?? "working",
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
