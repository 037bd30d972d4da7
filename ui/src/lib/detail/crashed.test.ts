// The crashed session as the dashboard renders it (SPEC A2a, F5a): the row says it needs you and
// why, the detail panel shows the exit status and the agent's last lines and offers Restore; a
// live session's action bar offers Stop. Rendered with Svelte's server renderer, so no DOM is needed.

import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import type { Resolved } from "../../ipc/bindings";
import { createEntry } from "../feed/entry";
import { feedSession } from "../feed/fixtures";
import SessionRow from "../list/SessionRow.svelte";
import DetailActions from "./DetailActions.svelte";
import DetailFacts from "./DetailFacts.svelte";
import { crashFacts } from "./facts";

const crashed: Resolved = {
  attention: "respond",
  group: "respond",
  state: "crashed",
  label: "exited unexpectedly",
  reason: "exited unexpectedly (exit 1): Error: API key revoked",
  action: "restore",
  ended: true,
  restorable: true,
};

const exit = {
  status: 1,
  signal: null,
  lastLines: ["Compiling grove v0.3.0", "Error: API key revoked", ""],
  at: "2026-11-24T10:05:00Z",
};

function crashedEntry() {
  return createEntry(
    "api/api-7",
    feedSession({
      id: "api-7",
      state: "terminated",
      reason: "runtime_lost",
      runtime: "missing",
      status: "crashed",
      attention: "respond",
      activity: null,
      resolved: crashed,
      exit,
    }),
  );
}

const noop = () => {};

describe("a crashed session", () => {
  it("sits in Needs you with the red '!' and says it exited unexpectedly", () => {
    const now = Date.parse("2026-11-24T10:06:00Z");
    const { body } = render(SessionRow, {
      props: { entry: crashedEntry(), version: 0, now, selected: false, projectName: null, onpick: noop },
    });
    expect(body).toContain('data-group="respond"');
    expect(body).toContain('data-state="errored"');
    expect(body).toMatch(/data-testid="row-label"[^>]*>exited unexpectedly</);
  });

  it("shows the exit status and the last lines in the detail panel", () => {
    const entry = crashedEntry();
    const { body } = render(DetailFacts, {
      props: {
        record: entry.record,
        resolved: entry.resolved,
        crash: crashFacts(entry.record.exit, entry.resolved),
        live: entry.live,
        enrichment: entry.enrichment,
        warnings: [],
        now: Date.parse("2026-11-24T10:06:00Z"),
        home: null,
        disk: null,
        copiedPath: false,
        busy: false,
        onCopyPath: noop,
        onOpen: noop,
      },
    });
    expect(body).toContain("Why it needs you");
    expect(body).toContain("exited unexpectedly (exit 1): Error: API key revoked");
    expect(body).toMatch(/data-testid="detail-exit-status"[^>]*>exit status 1</);
    const lines = /<pre[^>]*data-testid="detail-last-lines"[^>]*>([^<]*)<\/pre>/.exec(body)?.[1];
    expect(lines, "monospace, oldest first, the trailing blank dropped").toBe("Compiling grove v0.3.0\nError: API key revoked");
  });

  it("offers Restore first and no Stop: it has already ended", () => {
    const { body } = render(DetailActions, {
      props: actions({ action: "restore", terminal: true }),
    });
    expect(body).toContain('data-testid="restore-button"');
    expect(body).not.toContain('data-testid="stop-button"');
    expect(body).not.toContain('data-testid="reply-button"');
  });
});

describe("a live session's action bar (SPEC F5a)", () => {
  it("offers Reply and Stop", () => {
    const { body } = render(DetailActions, { props: actions({ action: "open", terminal: false }) });
    expect(body).toContain('data-testid="reply-button"');
    expect(body).toMatch(/data-testid="stop-button"[^>]*title="Stop \(Shift\+S\)/);
  });
});

function actions(over: { action: Resolved["action"]; terminal: boolean }) {
  return {
    ...over,
    busy: null,
    canOpenPr: false,
    killable: true,
    terminalOpen: false,
    killArmed: false,
    note: null,
    canDiscardKept: false,
    onRestore: noop,
    onReply: noop,
    onStop: noop,
    onToggleTerminal: noop,
    onOpenPr: noop,
    onKill: noop,
    onDiscard: noop,
    onReview: noop,
    canReclaim: false,
    onReclaim: noop,
  };
}
