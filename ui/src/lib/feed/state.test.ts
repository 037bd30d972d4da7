import { describe, expect, it } from "vitest";
import type { Resolved, ShownState } from "../../ipc/bindings";
import { createEntry } from "./entry";
import { feedSession } from "./fixtures";
import { ALL_SHOWN_STATES, stateLook, type StateLook } from "./state";

/** Every state the engine resolves, drawn (UI §1.5): glyph and tone; the label is the engine's. */
const LOOKS: Record<ShownState, Omit<StateLook, "label">> = {
  spawning: { glyph: "spawning", tone: "working" },
  working: { glyph: "working", tone: "working" },
  idle: { glyph: "idle", tone: "working" },
  needs_input: { glyph: "needs_input", tone: "respond" },
  detecting: { glyph: "checking", tone: "respond" },
  blocked: { glyph: "errored", tone: "review" },
  crashed: { glyph: "errored", tone: "review" },
  errored: { glyph: "errored", tone: "review" },
  ci_failing: { glyph: "ci_failing", tone: "review" },
  changes_requested: { glyph: "changes_requested", tone: "review" },
  conflicts: { glyph: "changes_requested", tone: "review" },
  pending: { glyph: "pending", tone: "pending" },
  merge_ready: { glyph: "merge_ready", tone: "merge" },
  stopped: { glyph: "stopped", tone: "neutral" },
  done: { glyph: "done", tone: "neutral" },
  merged: { glyph: "merged", tone: "neutral" },
  checking: { glyph: "checking", tone: "neutral" },
  probe_failed: { glyph: "probe_failed", tone: "neutral" },
};

describe("stateLook (UI §1.5)", () => {
  it("draws every state the engine resolves, with the engine's label", () => {
    expect(ALL_SHOWN_STATES.length).toBe(Object.keys(LOOKS).length);
    for (const state of ALL_SHOWN_STATES) {
      expect(stateLook({ state, label: "any words" }), state).toEqual({ ...LOOKS[state], label: "any words" });
    }
  });

  it("draws a crash as the red '!' with 'exited unexpectedly' (SPEC A2a)", () => {
    expect(stateLook({ state: "crashed", label: "exited unexpectedly" })).toEqual({
      glyph: "errored",
      label: "exited unexpectedly",
      tone: "review",
    });
  });
});

describe("the UI no longer re-derives what a session is (SPEC A2a: one resolver, in the engine)", () => {
  const resolved: Resolved = {
    attention: "respond",
    group: "respond",
    state: "crashed",
    label: "exited unexpectedly",
    reason: "exited unexpectedly (exit 1)",
    action: "restore",
    ended: true,
    restorable: true,
  };

  it("groups and draws by the engine's resolution even where the lifecycle would say otherwise", () => {
    // A record a TypeScript derivation would have filed under Done as killed (runtime lost, status
    // killed, attention done): the engine says crashed and needs you, and that is what shows.
    const session = feedSession({
      id: "api-7",
      state: "terminated",
      reason: "runtime_lost",
      runtime: "missing",
      status: "killed",
      attention: "done",
      activity: "exited",
      resolved,
    });
    const entry = createEntry("api/api-7", session);
    expect(entry.group, "the group is resolved.group").toBe("respond");
    expect(stateLook(entry.resolved)).toEqual({ glyph: "errored", label: "exited unexpectedly", tone: "review" });
  });

  it("has no lifecycle or activity logic left in the files that draw sessions", () => {
    const sources = import.meta.glob(["../**/*.ts", "../**/*.svelte", "!../**/*.test.ts", "!../feed/fixtures.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    }) as Record<string, string>;
    expect(Object.keys(sources).length, "the check must see the UI's sources").toBeGreaterThan(50);
    // What deciding attention, groups or restorability in TypeScript looked like before.
    const derivations = [
      /\bisTerminal\(/,
      /\bisRestorable\(/,
      /\bgroupOf\([^)]*attention/,
      /\bprimaryAction\(/,
      /\bresolveState\(/,
      /attention === "done"/,
      /lifecycle\.session\.state === "(done|terminated)"/,
    ];
    const found = Object.entries(sources).flatMap(([file, text]) =>
      derivations.filter((re) => re.test(text)).map((re) => `${file}: ${re.source}`),
    );
    expect(found, "decide in the engine's resolver (session/resolve.rs), draw here").toEqual([]);
  });
});
