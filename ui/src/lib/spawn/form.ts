// The spawn sheet's rules (UI §1.9, SPEC F1): what it checks before submitting, the branch it
// previews, and the request it sends. The backend checks everything again; these checks exist so
// the common mistakes show inline before the sheet closes.

import type { SpawnInput, SpawnProject } from "../../ipc/bindings";
import { MESSAGE_LIMIT, messageLength } from "../detail/composer";

export interface SpawnForm {
  project: string;
  agent: string | null;
  prompt: string;
  issue: string;
  branch: string;
}

export type SpawnField = "project" | "prompt" | "issue" | "branch";

export interface SpawnProblem {
  field: SpawnField;
  message: string;
}

/** Mirrors the engine's issue_slug: the branch part of an issue id or URL. */
const ISSUE_SLUG_CHARS = 60;

export function issueSlug(issue: string): string {
  const last = issue.trim().replace(/\/+$/, "").split("/").pop() ?? "";
  const slug = [...last]
    .map((c) => (/[A-Za-z0-9._-]/.test(c) ? c : "-"))
    .slice(0, ISSUE_SLUG_CHARS)
    .join("");
  return slug.replace(/^[-.]+|[-.]+$/g, "");
}

/** The branch the backend will choose when the field is left empty (F1's order). */
export function branchPreview(project: SpawnProject | undefined, issue: string): string {
  const slug = issue.trim() ? issueSlug(issue) : "";
  if (slug) return `issue/${slug}`;
  return `session/${project?.sessionPrefix ?? "session"}-N`;
}

/** `#123`, `123`, a tracker key like `ENG-42`, or an http(s) URL. */
export function isIssueRef(issue: string): boolean {
  const t = issue.trim();
  return /^#?\d+$/.test(t) || /^[A-Za-z][A-Za-z0-9]*-\d+$/.test(t) || /^https?:\/\/\S+$/.test(t);
}

/**
 * The common ways a branch name is refused by `git check-ref-format --branch`; the backend asks
 * git itself, so a rarer case still fails there, with the step named.
 */
export function branchProblem(branch: string): string | null {
  const b = branch.trim();
  if (b === "") return null;
  if (/\s/.test(b)) return "a branch name cannot contain spaces";
  if (/[~^:?*[\\\x00-\x1f\x7f]/.test(b)) return "a branch name cannot contain ~ ^ : ? * [ or \\";
  if (b.startsWith("-")) return "a branch name cannot start with -";
  if (b.includes("..") || b.includes("@{") || b.includes("//")) return "a branch name cannot contain .., @{ or //";
  if (b.endsWith("/") || b.endsWith(".") || b.endsWith(".lock")) return "a branch name cannot end with /, . or .lock";
  if (b.split("/").some((part) => part.startsWith("."))) return "no part of a branch name can start with .";
  if (b === "@") return "@ alone is not a branch name";
  return null;
}

/** Everything wrong with the form, in field order; empty when it can be submitted. */
export function spawnProblems(form: SpawnForm, projects: readonly SpawnProject[]): SpawnProblem[] {
  const problems: SpawnProblem[] = [];
  if (!form.project) problems.push({ field: "project", message: "Choose a project" });
  else if (!projects.some((p) => p.id === form.project)) {
    problems.push({ field: "project", message: `Project ${form.project} is not in the config` });
  }
  const length = messageLength(form.prompt);
  if (length > MESSAGE_LIMIT) {
    problems.push({
      field: "prompt",
      message: `The task is ${length.toLocaleString("en-US")} characters; the limit is ${MESSAGE_LIMIT.toLocaleString("en-US")}`,
    });
  }
  if (form.issue.trim() && !isIssueRef(form.issue)) {
    problems.push({ field: "issue", message: "An issue is #123, ENG-42 or a URL" });
  }
  const branch = branchProblem(form.branch);
  if (branch) problems.push({ field: "branch", message: branch });
  return problems;
}

const present = (s: string): string | null => (s.trim() === "" ? null : s.trim());

/** The request; absent fields are null, as the backend expects. The prompt keeps its exact text. */
export function spawnInput(form: SpawnForm): SpawnInput {
  return {
    project: form.project,
    agent: form.agent,
    branch: present(form.branch),
    prompt: form.prompt.trim() === "" ? null : form.prompt,
    issue: present(form.issue),
  };
}

/** The project the sheet opens on: the scope's when it exists, else the first. */
export function initialProject(projects: readonly SpawnProject[], preferred: string | null): SpawnProject | undefined {
  return projects.find((p) => p.id === preferred) ?? projects[0];
}
