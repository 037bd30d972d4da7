// A PR loop reading for tests: a green, mergeable PR #412; each test overrides what it varies.

import type { PrInfo } from "../../ipc/bindings";

export const CHECKED = "2026-11-24T10:00:00Z";

export function prInfo(over: Partial<PrInfo> = {}): PrInfo {
  return {
    number: 412,
    url: "https://github.com/acme/api/pull/412",
    title: "Add OAuth scopes",
    draft: false,
    ci: "passing",
    failedChecks: [],
    review: "none",
    mergeable: "mergeable",
    unresolvedThreads: 0,
    additions: 120,
    deletions: 8,
    checkedAt: CHECKED,
    ...over,
  };
}
