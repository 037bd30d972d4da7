// The review's parts as they render (UI §1.12), with Svelte's server renderer: the hooks the
// end-to-end tests use, and the reasons the land actions give when they cannot run.

import { render } from "svelte/server";
import { describe, expect, it } from "vitest";
import BatchBar from "./BatchBar.svelte";
import DiffCollapsed from "./DiffCollapsed.svelte";
import FileTree from "./FileTree.svelte";
import { change, landCheck } from "./fixtures";
import ReviewHeader from "./ReviewHeader.svelte";
import { treeRows } from "./tree";
import type { FileChange, LandCheck } from "./wire";

const noop = () => {};

function header(check: LandCheck | null) {
  return render(ReviewHeader, {
    props: {
      title: "Fix flaky auth test",
      branch: "session/api-7",
      summary: null,
      check,
      busy: null,
      split: false,
      onLand: noop,
      onPr: noop,
      onAskResolve: noop,
      onSplit: noop,
      onClose: noop,
    },
  }).body;
}

describe("ReviewHeader", () => {
  it("offers Land with the project's method, and the disk size", () => {
    const body = header(landCheck({ diskBytes: 3 * 1024 ** 3 }));
    expect(body).toContain('data-testid="review-land"');
    expect(body).toContain("Land · squash");
    expect(body).toContain("3.0 GB on disk");
    expect(body).toContain("main..session/api-7");
  });

  it("disables Land and says why in words, and lists conflicts with Ask agent to resolve", () => {
    const body = header(
      landCheck({
        canLand: false,
        conflicts: ["src/auth.ts"],
        blockers: [{ code: "conflicts", message: "1 file conflicts with main" }],
      }),
    );
    expect(body).toMatch(/data-testid="review-land"[^>]*disabled/);
    expect(body).toContain('data-testid="review-land-why">1 file conflicts with main');
    expect(body).toContain('data-testid="review-ask-resolve"');
    expect(body).toContain("src/auth.ts");
  });

  it("shows Merge PR with GitHub's reason once the PR exists", () => {
    const body = header(landCheck({ pr: { canCreate: false, canMerge: false, why: "review required", number: 9, url: "u" } }));
    expect(body).toContain("Merge PR #9");
    expect(body).toContain("review required");
    expect(body).not.toContain('data-testid="review-create-pr"');
  });
});

describe("BatchBar", () => {
  it("reads the count, Send and Discard", () => {
    const { body } = render(BatchBar, { props: { text: "3 comments", busy: null, onSend: noop, onDiscard: noop } });
    expect(body).toContain("3 comments");
    expect(body).toContain('data-testid="review-send"');
    expect(body).toContain("Send to agent");
    expect(body).toContain("Discard");
  });
});

describe("FileTree", () => {
  it("draws files with their path, counts and viewed tick, and disables a missing scope with the reason", () => {
    const files = [change("src/a.ts", { additions: 4, deletions: 2, viewed: true }), change("b.png", { binary: true })];
    const { body } = render(FileTree, {
      props: {
        rows: treeRows(files, new Set()),
        selected: "src/a.ts",
        collapsed: new Set<string>(),
        scope: "review",
        unavailable: new Set(["review", "turn"] as const),
        filter: "",
        busy: false,
        onSelect: noop,
        onToggleDir: noop,
        onToggleViewed: noop,
        onScope: noop,
        onMarkReviewed: noop,
      },
    });
    expect(body).toContain('data-path="src/a.ts"');
    expect(body).toContain("+4");
    expect(body).toContain("−2");
    expect(body).toMatch(/aria-checked="true"[^>]*aria-label="Viewed src\/a.ts"/);
    expect(body).toContain("No review marked yet");
    expect(body).toMatch(/disabled[^>]*data-testid="review-scope-turn"|data-testid="review-scope-turn"[^>]*disabled/);
    expect(body).toContain(">bin<");
  });
});

describe("DiffCollapsed", () => {
  const collapsed = (file: FileChange) => render(DiffCollapsed, { props: { file, onShow: noop } }).body;

  it("collapses a huge file with its line count and size, and offers Show anyway", () => {
    const body = collapsed(change("big.min.js", { huge: true, additions: 1, deletions: 0, oldSize: null, newSize: 10 * 1024 ** 2 }));
    expect(body).toContain('data-testid="diff-collapsed"');
    expect(body).toContain('data-reason="huge"');
    expect(body).toContain("Large diff (1 line · 10 MB) is not shown");
    expect(body).toContain('data-testid="diff-show-anyway"');
  });

  it("collapses a binary file with both sizes and no Show button", () => {
    const body = collapsed(change("logo.png", { binary: true, additions: null, deletions: null, oldSize: 2048, newSize: 3072 }));
    expect(body).toContain('data-reason="binary"');
    expect(body).toContain("Binary file (2.0 KB → 3.0 KB) not shown");
    expect(body).not.toContain("diff-show-anyway");
  });

  it("says nothing for a file that shows at once", () => {
    expect(collapsed(change("a.ts"))).not.toContain("diff-collapsed");
  });
});
