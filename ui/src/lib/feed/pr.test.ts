import { describe, expect, it } from "vitest";
import type { PrPart } from "../../ipc/bindings";
import { feedSession, patch, snapshot, type SessionSpec } from "./fixtures";
import { applyPrDetails, reconcilePr, type PrDetails, type PrDisplay } from "./pr";
import { FeedStore } from "./store";

const URL_7 = "https://github.com/o/api/pull/7";
const KEY = "api/api-1";

/** Gh's answer for PR #7: green, approved, mergeable, with its title, checks and diff size. */
const details7: PrDetails = {
  number: 7,
  url: URL_7,
  title: "Add OAuth scopes",
  checks: [
    { name: "lint", state: "passing", url: null },
    { name: "test", state: "passing", url: null },
  ],
  additions: 120,
  deletions: 8,
  ci: "passing",
  review: "approved",
  mergeable: true,
  at: "2026-11-24T12:00:00Z",
};

const openPr = (reason: PrPart["reason"], number = 7, url: string | null = URL_7): PrPart => ({
  state: "open",
  reason,
  number,
  url,
});

/** A store holding PR #7 enriched with `details7`, reached through a live (probed) snapshot. */
function enrichedStore() {
  const store = new FeedStore({ requestResync: () => {} });
  const spec: SessionSpec = { id: "api-1", pr: { number: 7, url: URL_7, reason: "approved" } };
  store.apply(snapshot(1, [feedSession(spec)]));
  expect(store.setPrDetails(KEY, details7), "details for the held PR are taken").toBe(true);
  return store;
}

/** The same session as a fast, unprobed read: enrichment `stored`, live fields unknown. */
const stored = (pr: SessionSpec["pr"]) =>
  feedSession({ id: "api-1", pr, activity: null, enrichment: { kind: "stored" } });

const pr = (store: FeedStore): PrDisplay | null | undefined => store.sessions.get(KEY)?.pr;

describe("PR display through the store (SPEC E4)", () => {
  it("keeps the display fields when the same PR comes back unenriched", () => {
    const store = enrichedStore();
    store.apply(patch(2, [stored({ number: 7, url: URL_7, reason: "approved" })]));
    expect(pr(store)?.title, "title survives an unenriched copy of the same PR").toBe("Add OAuth scopes");
    expect(pr(store)?.checks.map((c) => c.name), "checks survive").toEqual(["lint", "test"]);
    expect([pr(store)?.additions, pr(store)?.deletions], "diff size survives").toEqual([120, 8]);
    expect(pr(store)?.enrichedAt, "and still says when it was fetched").toBe(details7.at);
  });

  it("recognises the same PR by number when the incoming copy has no URL yet", () => {
    const store = enrichedStore();
    store.apply(patch(2, [stored({ number: 7, url: null, reason: "approved" })]));
    expect(pr(store)?.title).toBe("Add OAuth scopes");
    expect(pr(store)?.url, "the held URL completes the identity").toBe(URL_7);
  });

  it("replaces the display fields when a different PR comes in", () => {
    const store = enrichedStore();
    const url8 = "https://github.com/o/api/pull/8";
    store.apply(patch(2, [stored({ number: 8, url: url8, reason: "in_progress" })]));
    expect(pr(store)?.number).toBe(8);
    expect(pr(store)?.title, "another PR's title must not show").toBeNull();
    expect(pr(store)?.checks, "another PR's checks must not show").toEqual([]);
    expect(pr(store)?.additions).toBeNull();
    expect(pr(store)?.enrichedAt, "the new PR is not enriched yet").toBeNull();
    expect(pr(store)?.ci, "nothing is known about the new PR's CI").toBe("unknown");
  });

  it("turns CI to failing on incoming ci_failing even though the held copy said passing", () => {
    const store = enrichedStore();
    expect(pr(store)?.ci).toBe("passing");
    store.apply(patch(2, [stored({ number: 7, url: URL_7, reason: "ci_failing" })]));
    expect(pr(store)?.ci, "incoming lifecycle wins over the held CI").toBe("failing");
    expect(pr(store)?.mergeable, "a failing PR is no longer offered for merge").toBe(false);
    expect(pr(store)?.checks, "all-green checks would contradict the failing CI").toEqual([]);
    expect(pr(store)?.title, "the title is still this PR's").toBe("Add OAuth scopes");
  });

  it("derives passing and mergeable from merge_ready", () => {
    const store = new FeedStore({ requestResync: () => {} });
    store.apply(snapshot(1, [feedSession({ id: "api-1", pr: { number: 7, url: URL_7, reason: "ci_failing" } })]));
    expect(pr(store)?.ci).toBe("failing");
    store.apply(patch(2, [stored({ number: 7, url: URL_7, reason: "merge_ready" })]));
    expect(pr(store)?.ci, "merge ready means CI passes").toBe("passing");
    expect(pr(store)?.mergeable, "merge ready means mergeable").toBe(true);
  });

  it("takes the review decision from approved, changes_requested and review_pending", () => {
    const store = enrichedStore();
    const cases = [
      ["changes_requested", "changes_requested"],
      ["review_pending", "review_pending"],
      ["approved", "approved"],
    ] as const;
    let seq = 1;
    for (const [reason, decision] of cases) {
      store.apply(patch(++seq, [stored({ number: 7, url: URL_7, reason })]));
      expect(pr(store)?.review, `pr reason ${reason}`).toBe(decision);
    }
  });

  it("notifies the one session whose PR details arrived", () => {
    const store = new FeedStore({ requestResync: () => {} });
    store.apply(snapshot(1, [feedSession({ id: "api-1", pr: { number: 7, url: URL_7, reason: "approved" } })]));
    const changed: string[][] = [];
    store.subscribe((c) => changed.push([...c.sessions]));
    store.setPrDetails(KEY, details7);
    expect(changed, "one notification naming the session").toEqual([[KEY]]);
  });

  it("ignores PR details for a PR the session no longer has", () => {
    const store = enrichedStore();
    store.apply(patch(2, [stored({ number: 8, url: "https://github.com/o/api/pull/8", reason: "in_progress" })]));
    expect(store.setPrDetails(KEY, details7), "a late answer about #7 is stale").toBe(false);
    expect(pr(store)?.title).toBeNull();
    expect(store.setPrDetails("api/nope", details7), "unknown session").toBe(false);
  });
});

describe("reconcilePr", () => {
  it("returns null without a PR and the held object when nothing changed", () => {
    expect(reconcilePr(null, { state: "none", reason: "not_created", number: null, url: null })).toBeNull();
    const held = applyPrDetails(reconcilePr(null, openPr("approved")), details7, openPr("approved"));
    expect(held).not.toBeNull();
    expect(reconcilePr(held, openPr("approved")), "same facts keep identity").toBe(held);
    const failing = reconcilePr(null, openPr("ci_failing"));
    expect(reconcilePr(failing, openPr("ci_failing")), "a failing PR without checks keeps identity too").toBe(failing);
  });

  it("keeps held facts a reason does not decide", () => {
    const held = applyPrDetails(reconcilePr(null, openPr("approved")), details7, openPr("approved"));
    const next = reconcilePr(held, openPr("in_progress"));
    expect([next?.ci, next?.review, next?.mergeable], "in_progress decides nothing").toEqual([
      "passing",
      "approved",
      true,
    ]);
  });

  it("lets the lifecycle's decided facts win over PR details", () => {
    const held = reconcilePr(null, openPr("ci_failing"));
    const next = applyPrDetails(held, details7, openPr("ci_failing"));
    expect(next?.ci, "details fetched before the failure must not turn CI green").toBe("failing");
    expect(next?.title, "but their title is taken").toBe("Add OAuth scopes");
  });

  it("tells PRs apart by URL before number", () => {
    const held = applyPrDetails(reconcilePr(null, openPr("approved")), details7, openPr("approved"));
    const other = reconcilePr(held, openPr("approved", 7, "https://github.com/o/other/pull/7"));
    expect(other?.title, "same number, different URL: another PR, so #7's title goes").toBeNull();
    expect(other?.url).toBe("https://github.com/o/other/pull/7");
  });
});
