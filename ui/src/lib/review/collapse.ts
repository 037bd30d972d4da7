// Binary and huge files collapse (UI §1.12): the diff area says what is not shown and why, with
// the sizes the summary carries; a huge file can still be shown (paged, rows clipped), a binary
// one has no lines to show.

import { formatBytes } from "./land";
import type { FileChange } from "./wire";

export type CollapseReason = "binary" | "huge";

export interface Collapsed {
  reason: CollapseReason;
  text: string;
}

/** Why `file`'s diff starts collapsed, with its words; null when it shows at once. */
export function collapsedOf(file: FileChange): Collapsed | null {
  const size = (bytes: number | null) => (bytes === null ? "none" : formatBytes(bytes));
  if (file.binary) {
    return { reason: "binary", text: `Binary file (${size(file.oldSize)} → ${size(file.newSize)}) not shown` };
  }
  if (file.huge) {
    const lines = (file.additions ?? 0) + (file.deletions ?? 0);
    const bytes = Math.max(file.oldSize ?? 0, file.newSize ?? 0);
    const n = lines === 1 ? "1 line" : `${lines.toLocaleString("en-US")} lines`;
    return { reason: "huge", text: `Large diff (${n} · ${formatBytes(bytes)}) is not shown` };
  }
  return null;
}
