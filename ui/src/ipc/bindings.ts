// Generated from the Rust types by `cargo test -p grove bindings`; GROVE_BLESS=1 rewrites it.
// Do not edit by hand.

export type Activity = "active" | "ready" | "idle" | "waiting_input" | "blocked" | "exited" | "unknown";

export type ActivitySource = "process" | "hook" | "transcript" | "pane" | "output" | "input";

export type AgentExit = { 
/**
 * The process exit status, when the runtime reported one.
 */
status: number | null, 
/**
 * The signal that ended it ("SIGKILL", "SIGSEGV"), when it died of one.
 */
signal: string | null, 
/**
 * The pane's last lines, oldest first, at most [`EXIT_LAST_LINES_LIMIT`]; empty when unknown.
 */
lastLines: Array<string>, 
/**
 * When the exit was seen.
 */
at: string, };

export type AgentInfo = { 
/**
 * A one-line summary of what the agent is doing or last said.
 */
summary: string | null, 
/**
 * Tokens used so far (input + output), when the transcript records them.
 */
tokens: number | null, 
/**
 * Cost so far in US dollars, when the transcript records it.
 */
costUsd: number | null, 
/**
 * The transcript file the adapter reads.
 */
transcript: string | null, };

export type AppInfo = { version: string, groveHome: string, configPath: string, tmuxSocket: string, 
/**
 * The user's home directory, so the UI can show paths under it as `~/...`.
 */
userHome: string | null, 
/**
 * Where the global config goes (`$GROVE_CONFIG`), for the first-run panel.
 */
globalConfigPath: string, 
/**
 * Set when no config exists yet and Grove runs its demo project instead.
 */
demo: boolean, };

export type AttentionLevel = "done" | "merge" | "respond" | "review" | "pending" | "working";

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "type_changed";

export type CiState = "passing" | "failing" | "pending" | "none";

export type Comment = { 
/**
 * Its id.
 */
id: string, 
/**
 * The file.
 */
path: string, 
/**
 * The first line (1-based) on `side`.
 */
line: number, 
/**
 * The last line (equal to `line` for one line).
 */
endLine: number, 
/**
 * Which side the lines are on.
 */
side: Side, 
/**
 * The lines as they were when the comment was made: its anchor.
 */
snippet: string, 
/**
 * What the user wrote.
 */
body: string, 
/**
 * When it was made (RFC 3339).
 */
createdAt: string, 
/**
 * When it was sent to the agent; `null` until then.
 */
sentAt: string | null, 
/**
 * The snippet no longer sits at those lines (moved or changed): computed on read.
 */
outdated: boolean, };

export type Confidence = "high" | "medium" | "low";

export type ConfigError = { 
/**
 * The file the problem is in.
 */
file: string, 
/**
 * 1-based line of the key (or value) at fault.
 */
line: number, 
/**
 * 1-based column, in characters.
 */
column: number, 
/**
 * Dotted key path, such as `projects.api.session_prefix`; empty for whole-file errors.
 */
key: string, 
/**
 * What is wrong and, where possible, how to fix it.
 */
message: string, };

export type DashboardGroup = "respond" | "merge" | "review" | "pending" | "working" | "stopped" | "done";

export type Dialog = { 
/**
 * What it asks for.
 */
kind: DialogKind, 
/**
 * The question as shown ("Do you want to proceed?", "Should I also note this in CHANGELOG.md?").
 */
title: string, 
/**
 * Its options, top to bottom; empty when none could be read.
 */
options: Array<DialogOption>, };

export type DialogKind = "permission" | "trust" | "question" | "post_turn";

export type DialogOption = { 
/**
 * The option as the agent shows it ("Yes", "No, and tell Claude what to do differently").
 */
label: string, 
/**
 * The keys that choose it, pressed in order ("1"; "y", "Enter"; "Esc").
 */
keys: Array<string>, };

export type DiffRow = { 
/**
 * What the row is.
 */
kind: RowKind, 
/**
 * Its line number on the old side.
 */
old: number | null, 
/**
 * Its line number on the new side.
 */
new: number | null, 
/**
 * The line without its `+`/`-`/` ` marker (the header for a hunk row), at most 2,000
 * characters.
 */
text: string, 
/**
 * The line was longer and `text` is its start.
 */
clipped: boolean, };

export type DiffScope = "branch" | "review" | "turn";

export type DiffSummary = { 
/**
 * The session.
 */
session: string, 
/**
 * The scope shown.
 */
scope: DiffScope, 
/**
 * What the change is against, for a person: `main`, `your last review`, `the turn before`.
 */
baseLabel: string, 
/**
 * The commit the change starts from (empty when the scope is not available).
 */
baseCommit: string, 
/**
 * The commit it ends at: a snapshot of the worktree (or the `turn` snapshot).
 */
headCommit: string, 
/**
 * Commits on the session's branch that the base branch does not have.
 */
ahead: number, 
/**
 * Commits on the base branch that the session's branch does not have.
 */
behind: number, 
/**
 * Paths with uncommitted changes in the worktree, untracked files included.
 */
uncommitted: number, 
/**
 * Every changed path, sorted by path.
 */
files: Array<FileChange>, 
/**
 * Lines added over all text files.
 */
additions: number, 
/**
 * Lines deleted over all text files.
 */
deletions: number, 
/**
 * False when the scope's ref does not exist yet (no review done, no turn ended): `files` is
 * then empty.
 */
scopeAvailable: boolean, };

export type DiskUsage = { 
/**
 * Bytes allocated on disk.
 */
bytes: number, 
/**
 * Entries visited.
 */
entries: number, 
/**
 * False when a limit stopped the walk: `bytes` is then a lower bound.
 */
complete: boolean, 
/**
 * When it was measured.
 */
measuredAt: string, };

export type DisplayStatus = "spawning" | "working" | "idle" | "needs_input" | "stuck" | "done" | "detecting" | "killed" | "crashed" | "stopped" | "cleanup" | "errored" | "terminated" | "merged" | "ci_failed" | "changes_requested" | "review_pending" | "approved" | "mergeable" | "pr_open";

export type Enrichment = { "kind": "stored" } | { "kind": "enriched", 
/**
 * When the answers were combined.
 */
at: string, } | { "kind": "failed", 
/**
 * When the failure was seen.
 */
at: string, 
/**
 * What failed, for the UI to show.
 */
error: string, } | { "kind": "timed_out", 
/**
 * When the deadline was missed.
 */
at: string, };

export type FailedCheck = { 
/**
 * The check's name ("test", "lint").
 */
name: string, 
/**
 * Its page, when GitHub gives one.
 */
url: string | null, };

export type FailedSession = { 
/**
 * Its project.
 */
projectId: ProjectId, 
/**
 * The session.
 */
sessionId: SessionId, 
/**
 * What went wrong, naming the step.
 */
error: string, };

export type FeedEvent = { "kind": "snapshot" } & Snapshot | { "kind": "patch" } & Patch;

export type FeedProject = { 
/**
 * The project id.
 */
id: string, 
/**
 * Its display name.
 */
name: string, 
/**
 * Whether its config entry currently has an error (the sidebar shows a "config" chip).
 */
configError: boolean, };

export type FeedSession = { 
/**
 * Record, live fields and how fresh they are.
 */
view: SessionView, 
/**
 * The flat display status (SPEC A2); kept beside `resolved` for readers that want it.
 */
status: DisplayStatus, 
/**
 * The attention level (SPEC A5); the same as `resolved.attention`.
 */
attention: AttentionLevel, 
/**
 * What every surface shows: group, state, label, reason, primary action.
 */
resolved: Resolved, };

export type FeedWarning = { 
/**
 * Where it comes from.
 */
source: WarningSource, 
/**
 * What happened, naming the file (and line, for config) when there is one.
 */
message: string, 
/**
 * The file concerned, when there is one.
 */
file: string | null, 
/**
 * The line in that file, for config errors.
 */
line: number | null, };

export type FileChange = { 
/**
 * The path (the new one for a rename or copy).
 */
path: string, 
/**
 * Where a renamed or copied file came from.
 */
oldPath?: string, 
/**
 * How it changed.
 */
status: ChangeStatus, 
/**
 * Lines added; `null` for a binary file.
 */
additions: number | null, 
/**
 * Lines deleted; `null` for a binary file.
 */
deletions: number | null, 
/**
 * git sees it as binary.
 */
binary: boolean, 
/**
 * The mode before (`100644`), when it changed or the file was deleted.
 */
oldMode?: string, 
/**
 * The mode after, when it changed or the file was added.
 */
newMode?: string, 
/**
 * The user marked this version of the file viewed (SPEC K2).
 */
viewed: boolean, 
/**
 * Too large to show whole (over 20,000 changed lines, or a side over 4 MB): its rows come
 * only page by page, on request.
 */
huge: boolean, 
/**
 * The size in bytes before the change; `null` for an added file (or a submodule).
 */
oldSize: number | null, 
/**
 * The size in bytes after the change; `null` for a deleted file (or a submodule).
 */
newSize: number | null, };

export type FileContext = { 
/**
 * The path.
 */
path: string, 
/**
 * Context rows with both line numbers, in order; fewer than asked when the file ends first.
 */
rows: Array<DiffRow>, 
/**
 * The file ends within (or before) the lines asked for: nothing lies below the last row.
 */
endOfFile: boolean, };

export type FileDiff = { 
/**
 * The path.
 */
path: string, 
/**
 * Rows in the whole diff of the file.
 */
totalRows: number, 
/**
 * The first row of this page.
 */
offset: number, 
/**
 * The rows from `offset`, at most the page's limit.
 */
rows: Array<DiffRow>, 
/**
 * git sees it as binary: no rows.
 */
binary: boolean, 
/**
 * Too large to show whole.
 */
huge: boolean, };

export type FleetRestoreReport = { 
/**
 * The sessions that run again.
 */
restored: Array<SessionRef>, 
/**
 * The sessions that were running already.
 */
alreadyLive: Array<SessionRef>, 
/**
 * The sessions that could not be restored; they stay in the record with their error.
 */
failed: Array<FailedSession>, 
/**
 * What `last-stop.json` holds afterwards; `None` once everything is restored (the file is
 * removed) or when there was nothing to restore.
 */
remaining: LastStop | null, 
/**
 * Why `last-stop.json` could not be updated, if it could not.
 */
recordError: string | null, };

export type IpcError = { code: IpcErrorCode, message: string, 
/**
 * The step of the operation that failed ("worktree", "runtime", ...), when one did.
 */
step: string | null, 
/**
 * The dialog a `dialog_open` refusal saw on the agent's screen; null for every other code.
 */
dialog: Dialog | null, };

export type IpcErrorCode = "invalid_input" | "not_found" | "operation_failed" | "dialog_open" | "land_refused" | "internal";

export type KeptReason = { "kind": "uncommitted_changes", 
/**
 * How many entries it lists.
 */
entries: number, } | { "kind": "unpushed_commits", 
/**
 * How many.
 */
commits: number, } | { "kind": "not_grove_managed", 
/**
 * The path in the record.
 */
path: string, } | { "kind": "check_failed", 
/**
 * What failed.
 */
error: string, };

export type KillOutcome = { 
/**
 * The record as written.
 */
record: SessionRecord, 
/**
 * What happened to the worktree.
 */
worktree: WorktreeOutcome, };

export type LandBlocker = { 
/**
 * `base_dirty`, `uncommitted`, `conflicts`, `nothing_to_land`, `landed` or `no_base`.
 */
code: "base_dirty" | "uncommitted" | "conflicts" | "nothing_to_land" | "landed" | "no_base", 
/**
 * The sentence to show.
 */
message: string, };

export type LandCheck = { 
/**
 * The method a land would use (the project's `land`).
 */
method: LandMethod, 
/**
 * The base branch.
 */
base: string, 
/**
 * Commits on the branch the base lacks.
 */
ahead: number, 
/**
 * Commits on the base the branch lacks.
 */
behind: number, 
/**
 * Uncommitted entries in the session's worktree, untracked files included.
 */
uncommitted: number, 
/**
 * The checkout of the base branch has uncommitted changes to tracked files.
 */
baseDirty: boolean, 
/**
 * The files the branch conflicts in with the base, sorted.
 */
conflicts: Array<string>, 
/**
 * No blocker: a local land would go ahead.
 */
canLand: boolean, 
/**
 * What stands in the way, each with a sentence.
 */
blockers: Array<LandBlocker>, 
/**
 * What a land through GitHub could do.
 */
pr: PrReadiness, 
/**
 * The worktree's size on disk when measured ([`crate::disk`]).
 */
diskBytes: number | null, };

export type LandCleanup = "kept" | "stopped" | "cleaned" | "clean_skipped";

export type LandMethod = "squash" | "merge" | "rebase";

export type LandOutcome = { 
/**
 * The method used.
 */
method: LandMethod, 
/**
 * The base branch.
 */
base: string, 
/**
 * The new tip of the base branch (for a PR: the merge commit when GitHub names it, else
 * the PR's address).
 */
commit: string, 
/**
 * What the after-land policy did.
 */
cleanup: LandCleanup, 
/**
 * Why a clean kept the worktree, if it did.
 */
cleanupNote: string | null, 
/**
 * The pull request's address, when it landed through one.
 */
prUrl: string | null, };

export type LandedBy = "squash" | "merge" | "rebase" | "pr";

export type Landing = { 
/**
 * When it landed.
 */
at: string, 
/**
 * How.
 */
method: LandedBy, 
/**
 * The base branch it landed in.
 */
base: string, 
/**
 * The new tip of the base branch, or the PR's address.
 */
commit: string, 
/**
 * The tip of the session's branch that landed: the branch counts as landed (its worktree
 * and branch may be removed) only while it still points there.
 */
head?: string | null, 
/**
 * What the after-land policy did.
 */
cleanup: LandCleanup, 
/**
 * Why a clean kept the worktree, or what else the cleanup has to say.
 */
cleanupNote: string | null, };

export type LastStop = { 
/**
 * Format version ([`LAST_STOP_VERSION`]).
 */
version: number, 
/**
 * When the stop happened.
 */
stoppedAt: string, 
/**
 * Whether everything or one project was stopped (SPEC G3).
 */
scope: StopScope, 
/**
 * The stopped sessions, grouped by their own project.
 */
projects: Array<StoppedProject>, };

export type Lifecycle = { 
/**
 * The session part.
 */
session: SessionPart, 
/**
 * The PR part; absent in a hand-written record means "no PR yet".
 */
pr: PrPart, 
/**
 * The runtime part; absent in a hand-written record means "not probed yet".
 */
runtime: RuntimePart, };

export type LiveFields = { 
/**
 * The agent's activity; `None` when not probed, `unknown` when the probe failed or timed out.
 */
activity: Activity | null, 
/**
 * Where the activity came from, when a probe answered.
 */
activitySource: ActivitySource | null, 
/**
 * What the activity is about ("waiting for permission to run `cargo test`").
 */
activityDetail: string | null, 
/**
 * How far the activity can be trusted.
 */
activityConfidence: Confidence | null, 
/**
 * When the evidence behind the activity appeared (the UI shows "12 s ago").
 */
activitySince: string | null, 
/**
 * When the agent last did something, if its files say.
 */
lastActivityAt: string | null, 
/**
 * The error the agent reported, when it is blocked.
 */
agentError: string | null, 
/**
 * Summary, tokens and cost; on passive passes the last answer is reused (SPEC D9).
 */
info: AgentInfo | null, 
/**
 * The agent's process id, when the runtime probe knows it.
 */
pid: number | null, 
/**
 * The dialog on the agent's screen, with its options, while it waits on one (SPEC I2b).
 */
dialog: Dialog | null, };

export type Mergeability = "mergeable" | "conflicting" | "unknown";

export type NewComment = { 
/**
 * The file.
 */
path: string, 
/**
 * The first line (1-based).
 */
line: number, 
/**
 * The last line.
 */
endLine: number, 
/**
 * Which side.
 */
side: Side, 
/**
 * The text.
 */
body: string, };

export type Notification = { 
/**
 * The session it is about; `None` for a summary of several.
 */
session: SessionKey | null, 
/**
 * Every session it covers (one, or the sessions a summary gathers).
 */
sessions: Array<SessionKey>, 
/**
 * What changed, when it is about one signal.
 */
signal: Signal | null, 
/**
 * How urgent it is; routing picks the notifiers by it.
 */
priority: string, 
/**
 * The title line: "api-7 needs you".
 */
title: string, 
/**
 * The body: what it needs, in a sentence.
 */
body: string, };

export type OpenTarget = "file_manager" | "editor";

export type Patch = { 
/**
 * Sequence number: the previous message's plus one.
 */
seq: number, 
/**
 * Sessions whose record or live fields changed, in full.
 */
sessions: Array<FeedSession>, 
/**
 * Sessions that no longer exist (their record was deleted).
 */
removed: Array<SessionKey>, 
/**
 * The full list of warnings, when it changed; absent when it did not.
 */
warnings: Array<FeedWarning> | null, };

export type PrInfo = { 
/**
 * The PR number.
 */
number: number, 
/**
 * Its web address.
 */
url: string, 
/**
 * Its title.
 */
title: string, 
/**
 * Whether it is a draft.
 */
draft: boolean, 
/**
 * The combined check state.
 */
ci: CiState, 
/**
 * The checks that failed, by name.
 */
failedChecks: Array<FailedCheck>, 
/**
 * The review decision.
 */
review: ReviewDecision, 
/**
 * Whether it merges cleanly.
 */
mergeable: Mergeability, 
/**
 * Review threads not resolved yet.
 */
unresolvedThreads: number, 
/**
 * Lines added and removed.
 */
additions: number, 
/**
 * Lines removed.
 */
deletions: number, 
/**
 * When the loop read it.
 */
checkedAt: string, };

export type PrPart = { 
/**
 * Current state.
 */
state: PrState, 
/**
 * Why it is in that state.
 */
reason: PrReason, 
/**
 * The PR number, once there is a PR.
 */
number: number | null, 
/**
 * The PR's web address, once there is a PR.
 */
url: string | null, };

export type PrReadiness = { 
/**
 * A PR can be created (the project has a GitHub repository and none exists yet).
 */
canCreate: boolean, 
/**
 * The existing PR is open and mergeable.
 */
canMerge: boolean, 
/**
 * Why not, when either is false.
 */
why: string | null, 
/**
 * The PR's number, when one exists.
 */
number: number | null, 
/**
 * The PR's address, when one exists.
 */
url: string | null, };

export type PrReason = "not_created" | "in_progress" | "ci_failing" | "review_pending" | "changes_requested" | "approved" | "merge_ready" | "merged" | "closed_unmerged" | "cleared_on_restore";

export type PrState = "none" | "open" | "merged" | "closed";

export type PrimaryAction = "answer" | "restore" | "merge" | "review" | "open" | "none";

export type ProjectId = string;

export type ReactionEntry = { 
/**
 * Which reaction.
 */
key: string, 
/**
 * When.
 */
at: string, 
/**
 * What it did.
 */
outcome: ReactionOutcome, 
/**
 * The attempt number for repeated sends (1-based).
 */
attempt: number, 
/**
 * A line for a person: "sent 2 failing checks (test, lint)", "retries spent".
 */
detail: string, };

export type ReactionOutcome = "sent_to_agent" | "notified" | "escalated" | "failed";

export type ReclaimOutcome = { 
/**
 * The session.
 */
session: SessionId, 
/**
 * The worktree was removed now (false: it was already gone).
 */
removed: boolean, 
/**
 * Bytes on disk the worktree held, measured just before removing it.
 */
bytesFreed: number, };

export type Resolved = { 
/**
 * How much it needs its human (SPEC A5, A2a); the tray counts `respond`.
 */
attention: AttentionLevel, 
/**
 * The dashboard group.
 */
group: DashboardGroup, 
/**
 * The concrete state (glyph and tone).
 */
state: ShownState, 
/**
 * The row's reason chip: "permission", "exited unexpectedly", "stopped · restorable".
 */
label: string, 
/**
 * The same in a sentence for the detail panel, notifications and the CLI:
 * "waiting for permission to run `cargo test`", "exited unexpectedly (exit 1): Error: boom".
 */
reason: string, 
/**
 * The first thing to do.
 */
action: PrimaryAction, 
/**
 * Ended (SPEC A3): stop and quit have nothing to do with it.
 */
ended: boolean, 
/**
 * Can be restored in its worktree (SPEC A3).
 */
restorable: boolean, };

export type RestoreProgress = { 
/**
 * The session.
 */
session: SessionRef, 
/**
 * Its place in the record, counting from 1.
 */
index: number, 
/**
 * How many sessions the record lists.
 */
total: number, 
/**
 * Where it is.
 */
step: RestoreStep, };

export type RestoreStep = { "kind": "restoring" } | { "kind": "restored" } | { "kind": "already_live" } | { "kind": "failed", 
/**
 * What went wrong, naming the step.
 */
error: string, };

export type ReviewDecision = "approved" | "changes_requested" | "review_required" | "none";

export type ReviewState = { 
/**
 * Every comment, oldest first.
 */
comments: Array<Comment>, 
/**
 * Paths marked viewed whose file is still the version that was viewed.
 */
viewed: Array<string>, };

export type RowKind = "hunk" | "context" | "add" | "del" | "no_newline";

export type RuntimeHandle = { 
/**
 * Which runtime the id belongs to.
 */
kind: RuntimeKind, 
/**
 * The tmux session name, or the process id as text.
 */
id: string, };

export type RuntimeKind = "tmux" | "process";

export type RuntimePart = { 
/**
 * Current state.
 */
state: RuntimeState, 
/**
 * Why it is in that state.
 */
reason: RuntimeReason, 
/**
 * How to reach the runtime, once it was started.
 */
handle: RuntimeHandle | null, };

export type RuntimeReason = "spawn_incomplete" | "process_running" | "process_missing" | "tmux_missing" | "manual_kill_requested" | "stopped_for_restore" | "pr_merged_cleanup" | "auto_cleanup" | "probe_error";

export type RuntimeState = "unknown" | "alive" | "exited" | "missing" | "probe_failed";

export type SendOutcome = { 
/**
 * The session was stopped and was restored first.
 */
restored: boolean, };

export type SessionId = string;

export type SessionKey = { 
/**
 * The project the session belongs to.
 */
project: ProjectId, 
/**
 * The session id.
 */
id: SessionId, };

export type SessionKind = "worker" | "orchestrator";

export type SessionPart = { 
/**
 * Current state.
 */
state: SessionState, 
/**
 * Why it entered that state.
 */
reason: SessionReason, 
/**
 * When the agent started working; `null` until then.
 */
startedAt: string | null, 
/**
 * When state or reason last changed.
 */
lastTransitionAt: string, 
/**
 * When the session ended; `null` while it has not.
 */
terminatedAt: string | null, };

export type SessionReason = "spawn_requested" | "agent_acknowledged" | "task_in_progress" | "pr_created" | "fixing_ci" | "resolving_review_comments" | "awaiting_user_input" | "awaiting_external_review" | "research_complete" | "merged_waiting_decision" | "manually_killed" | "stopped_for_restore" | "pr_merged" | "auto_cleanup" | "runtime_lost" | "agent_process_exited" | "probe_failure" | "error_in_process" | "landed";

export type SessionRecord = { 
/**
 * Record format version ([`RECORD_VERSION`] when this version writes it).
 */
version: number, 
/**
 * The session id; equals the file name without `.json`.
 */
id: SessionId, 
/**
 * The project; equals the `projects/<p>/` directory the record lives in.
 */
projectId: ProjectId, 
/**
 * Worker or orchestrator.
 */
kind: SessionKind, 
/**
 * The agent name (`claude-code`, `codex`, `aider`, `shell` or a custom one from config).
 */
agent: string, 
/**
 * The runtime the agent runs in.
 */
runtime: RuntimeKind, 
/**
 * The git branch of the worktree.
 */
branch: string, 
/**
 * The worktree path (absolute).
 */
worktree: string, 
/**
 * When the session was created.
 */
createdAt: string, 
/**
 * A short human name (issue title or first prompt line); the UI falls back to the id.
 */
displayName: string | null, 
/**
 * The prompt the session was started with, if it was started from a prompt.
 */
prompt: string | null, 
/**
 * The tracker issue (id or URL) the session works on, if any.
 */
issue: string | null, 
/**
 * The agent's own session id, used to resume it (SPEC F4).
 */
agentSessionId: string | null, 
/**
 * The persisted lifecycle (SPEC A1).
 */
lifecycle: Lifecycle, 
/**
 * What the PR loop last read of the session's pull request (SPEC H4).
 */
prInfo?: PrInfo | null, 
/**
 * What reactions did for the session, oldest first (SPEC H3).
 */
reactions?: Array<ReactionEntry>, 
/**
 * How the agent ended when Grove did not end it (SPEC A2a): written by the probe that finds it
 * gone, shown as "exited unexpectedly" with the status and the pane's last lines.
 */
exit?: AgentExit | null, 
/**
 * How its work landed and what the after-land cleanup did (SPEC K4-K6); absent until then.
 */
landing?: Landing | null, };

export type SessionRef = { 
/**
 * Its project.
 */
projectId: ProjectId, 
/**
 * The session.
 */
sessionId: SessionId, };

export type SessionState = "not_started" | "working" | "idle" | "needs_input" | "stuck" | "detecting" | "done" | "terminated";

export type SessionView = { 
/**
 * The record, with the merge-back applied. When a probe failed or timed out, its runtime part
 * says `probe_failed` here only; the file on disk is unchanged.
 */
record: SessionRecord, 
/**
 * What the probes added.
 */
live: LiveFields, 
/**
 * How fresh `live` is.
 */
enrichment: Enrichment, };

export type ShownState = "spawning" | "working" | "idle" | "needs_input" | "detecting" | "blocked" | "crashed" | "errored" | "ci_failing" | "changes_requested" | "conflicts" | "pending" | "merge_ready" | "stopped" | "done" | "merged" | "checking" | "probe_failed";

export type Side = "new" | "old";

export type Signal = "needs_you" | "ci_failing" | "changes_requested" | "merge_conflicts" | "merge_ready";

export type Snapshot = { 
/**
 * Sequence number; the next patch has `seq + 1`.
 */
seq: number, 
/**
 * Every session, in the store's order (project, creation time, id).
 */
sessions: Array<FeedSession>, 
/**
 * Every project known from config or from records on disk.
 */
projects: Array<FeedProject>, 
/**
 * Problems the user should see (config errors, quarantined records, feed errors).
 */
warnings: Array<FeedWarning>, };

export type SpawnInput = { project: string, agent: string | null, branch: string | null, prompt: string | null, issue: string | null, };

export type SpawnOptions = { projects: Array<SpawnProject>, 
/**
 * Built-in agents, then those declared under `[agents]`.
 */
agents: Array<string>, };

export type SpawnProgress = { step: SpawnStep, 
/**
 * The step's number, from 1.
 */
number: number, 
/**
 * How many steps a spawn has.
 */
total: number, 
/**
 * The session id, once reserved.
 */
session: string | null, };

export type SpawnProject = { id: string, name: string, 
/**
 * The agent a session gets when none is chosen.
 */
agent: string, 
/**
 * The branch new worktrees start from.
 */
defaultBranch: string, 
/**
 * Session ids look like `<prefix>-<n>`, branches `session/<prefix>-<n>`.
 */
sessionPrefix: string, };

export type SpawnStep = "validate" | "reserve_id" | "worktree" | "post_create" | "prompt_file" | "runtime" | "record" | "confirm";

export type StopScope = { "kind": "all" } | { "kind": "project", 
/**
 * The project stopped.
 */
projectId: ProjectId, };

export type StoppedProject = { 
/**
 * The project.
 */
projectId: ProjectId, 
/**
 * Its stopped sessions.
 */
sessionIds: Array<SessionId>, 
/**
 * Why a listed session could not be restored the last time it was tried (SPEC G5), by id.
 * Absent when none failed.
 */
errors?: { [key in SessionId]: string }, };

export type StoreWarning = { "kind": "quarantined", 
/**
 * The record file as it was named.
 */
file: string, 
/**
 * Where it is now.
 */
quarantinedAs: string, 
/**
 * Why it is not a session.
 */
reason: string, } | { "kind": "corrupt", 
/**
 * The record file.
 */
file: string, 
/**
 * Why it is not a session, and why it could not be moved.
 */
reason: string, } | { "kind": "newer_version", 
/**
 * The record file.
 */
file: string, 
/**
 * Its format version.
 */
version: number, } | { "kind": "unreadable", 
/**
 * The path.
 */
path: string, 
/**
 * The OS error.
 */
error: string, };

export type TerminalOpened = { viewer: number, 
/**
 * The command that attaches to the same session from the user's own terminal.
 */
attachCommand: string, };

export type TerminalStatus = { "state": "attaching" } | { "state": "attached" } | { "state": "reattaching", attempt: number, maxAttempts: number, delayMs: number, reason: string, } | { "state": "ended", reason: string, } | { "state": "failed", message: string, };

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

export type WarningSource = "config" | "store" | "feed" | "github";

export type WorktreeOutcome = { "kind": "removed" } | { "kind": "kept", 
/**
 * Why.
 */
reason: KeptReason, } | { "kind": "missing" };
