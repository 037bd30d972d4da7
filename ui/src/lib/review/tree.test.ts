import { describe, expect, it } from "vitest";
import { change } from "./fixtures";
import { filePaths, stepFile, treeRows } from "./tree";

const files = [
  change("src/lib/review/tree.ts", { additions: 10, deletions: 2 }),
  change("src/lib/review/pages.ts", { additions: 5, deletions: 1, viewed: true }),
  change("src/main.ts", { additions: 1, deletions: 1 }),
  change("README.md", { additions: 3, deletions: 0 }),
  change("logo.png", { binary: true, additions: null, deletions: null }),
];

const shape = (rows: ReturnType<typeof treeRows>) =>
  rows.map((r) => `${"  ".repeat(r.depth)}${r.kind === "dir" ? `${r.name}/ +${r.additions} −${r.deletions} ${r.viewed}/${r.files}` : r.name}`);

describe("treeRows", () => {
  it("nests paths, folds single-child chains, puts directories first and sums counts", () => {
    expect(shape(treeRows(files, new Set()))).toEqual([
      "src/ +16 −4 1/3",
      "  lib/review/ +15 −3 1/2",
      "    pages.ts",
      "    tree.ts",
      "  main.ts",
      "README.md",
      "logo.png",
    ]);
  });

  it("hides what is under a folded directory but keeps its counts", () => {
    expect(shape(treeRows(files, new Set(["src/lib/review"])))).toEqual([
      "src/ +16 −4 1/3",
      "  lib/review/ +15 −3 1/2",
      "  main.ts",
      "README.md",
      "logo.png",
    ]);
  });

  it("filters by path, case-insensitive, keeping the matches' directories open", () => {
    expect(shape(treeRows(files, new Set(["src", "src/lib/review"]), "PAGES"))).toEqual([
      "src/ +5 −1 1/1",
      "  lib/review/ +5 −1 1/1",
      "    pages.ts",
    ]);
    expect(treeRows(files, new Set(), "nothing-like-this")).toEqual([]);
  });

  it("gives j/k the files in drawn order, clamped at the ends", () => {
    const paths = filePaths(treeRows(files, new Set()));
    expect(paths).toEqual(["src/lib/review/pages.ts", "src/lib/review/tree.ts", "src/main.ts", "README.md", "logo.png"]);
    expect(stepFile(paths, null, 1)).toBe("src/lib/review/pages.ts");
    expect(stepFile(paths, "src/main.ts", 1)).toBe("README.md");
    expect(stepFile(paths, "logo.png", 1)).toBe("logo.png");
    expect(stepFile(paths, "src/lib/review/pages.ts", -1)).toBe("src/lib/review/pages.ts");
    expect(stepFile([], null, 1)).toBeNull();
  });
});
