//! The batched PR query: one `gh api graphql` call answers for up to [`BATCH_SIZE`] branches of
//! one repository, each under its own alias (`b0`, `b1`, ...). Branch names travel as GraphQL
//! variables (`$b0: String!`), so no user text is ever spliced into the query itself.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::session::{CiState, FailedCheck, Mergeability, PrState, ReviewDecision};

/// Branches per query. 50 PRs with up to 100 checks and 100 threads each stay far below
/// GitHub's node limit (500,000) and cost about one rate-limit point; more aliases per call
/// would only make one slow or failing answer cost more.
pub const BATCH_SIZE: usize = 50;

/// What one alias asks of the newest PR of its branch.
const PR_FIELDS: &str = "fragment GrovePr on PullRequest {
  number url title isDraft state createdAt headRefName additions deletions mergeable reviewDecision
  commits(last: 1) { nodes { commit { statusCheckRollup { state contexts(first: 100) { nodes {
    __typename
    ... on CheckRun { name status conclusion detailsUrl }
    ... on StatusContext { context state targetUrl }
  } } } } } }
  reviewThreads(first: 100) { nodes { isResolved } }
}";

/// A PR as the query found it: everything the record's `pr` part and `pr_info` are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPr {
    /// The PR number.
    pub number: u32,
    /// Its web address.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// Open, merged or closed (never `None`).
    pub state: PrState,
    /// When it was opened, if GitHub said.
    pub created_at: Option<DateTime<Utc>>,
    /// The combined check state of its head commit.
    pub ci: CiState,
    /// The checks that failed.
    pub failed_checks: Vec<FailedCheck>,
    /// The review decision.
    pub review: ReviewDecision,
    /// Whether it merges cleanly.
    pub mergeable: Mergeability,
    /// Review threads not resolved yet.
    pub unresolved_threads: u32,
    /// Lines added.
    pub additions: u32,
    /// Lines removed.
    pub deletions: u32,
}

/// The query text for `count` branches: variables `$owner`, `$name` and `$b0..$b{count-1}`.
pub fn batch_query(count: usize) -> String {
    let mut query = String::from("query GrovePrs($owner: String!, $name: String!");
    for i in 0..count {
        let _ = write!(query, ", $b{i}: String!");
    }
    query.push_str(") {\n  repository(owner: $owner, name: $name) {\n");
    for i in 0..count {
        let _ = writeln!(
            query,
            "    b{i}: pullRequests(headRefName: $b{i}, first: 1, \
             orderBy: {{field: CREATED_AT, direction: DESC}}, states: [OPEN, MERGED, CLOSED]) {{ nodes {{ ...GrovePr }} }}"
        );
    }
    query.push_str("  }\n}\n");
    query.push_str(PR_FIELDS);
    query
}

/// The newest PR of each of `count` branches, in alias order, from the query's `data`.
pub fn parse_batch(data: &Value, count: usize) -> Result<Vec<Option<FoundPr>>, String> {
    let repository = data.get("repository").filter(|r| !r.is_null()).ok_or("the repository was not found")?;
    (0..count)
        .map(|i| {
            let nodes = repository.pointer(&format!("/b{i}/nodes")).and_then(Value::as_array);
            let nodes = nodes.ok_or_else(|| format!("alias b{i} is missing from the answer"))?;
            nodes.first().map(parse_pr).transpose()
        })
        .collect()
}

/// One `PullRequest` node.
fn parse_pr(node: &Value) -> Result<FoundPr, String> {
    let text = |key: &str| node.get(key).and_then(Value::as_str);
    let count = |key: &str| node.get(key).and_then(Value::as_u64).map_or(0, saturate);
    let number = node.get("number").and_then(Value::as_u64).ok_or("a PR without a number")?;
    let state = match text("state") {
        Some("OPEN") => PrState::Open,
        Some("MERGED") => PrState::Merged,
        Some("CLOSED") => PrState::Closed,
        other => return Err(format!("PR #{number} has an unknown state {other:?}")),
    };
    let rollup = node.pointer("/commits/nodes/0/commit/statusCheckRollup").filter(|r| !r.is_null());
    let failed_checks = rollup.map(failed_checks).unwrap_or_default();
    let ci = match rollup.and_then(|r| r.get("state")).and_then(Value::as_str) {
        _ if !failed_checks.is_empty() => CiState::Failing,
        Some("SUCCESS") => CiState::Passing,
        Some("FAILURE" | "ERROR") => CiState::Failing,
        Some(_) => CiState::Pending,
        None => CiState::None,
    };
    let threads = node.pointer("/reviewThreads/nodes").and_then(Value::as_array);
    let unresolved =
        threads.map_or(0, |t| t.iter().filter(|t| t.get("isResolved") == Some(&Value::Bool(false))).count());
    Ok(FoundPr {
        number: saturate(number),
        url: text("url").unwrap_or_default().to_owned(),
        title: text("title").unwrap_or_default().to_owned(),
        draft: node.get("isDraft").and_then(Value::as_bool).unwrap_or(false),
        state,
        created_at: text("createdAt").and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc)),
        ci,
        failed_checks,
        review: match text("reviewDecision") {
            Some("APPROVED") => ReviewDecision::Approved,
            Some("CHANGES_REQUESTED") => ReviewDecision::ChangesRequested,
            Some("REVIEW_REQUIRED") => ReviewDecision::ReviewRequired,
            _ => ReviewDecision::None,
        },
        mergeable: match text("mergeable") {
            Some("MERGEABLE") => Mergeability::Mergeable,
            Some("CONFLICTING") => Mergeability::Conflicting,
            _ => Mergeability::Unknown,
        },
        unresolved_threads: saturate(unresolved as u64),
        additions: count("additions"),
        deletions: count("deletions"),
    })
}

/// The failed checks of a status-check rollup: check runs that concluded badly and commit
/// statuses in failure or error.
fn failed_checks(rollup: &Value) -> Vec<FailedCheck> {
    let nodes = rollup.pointer("/contexts/nodes").and_then(Value::as_array);
    let text = |node: &Value, key: &str| node.get(key).and_then(Value::as_str).map(str::to_owned);
    nodes
        .into_iter()
        .flatten()
        .filter_map(|node| match node.get("__typename").and_then(Value::as_str) {
            Some("CheckRun") => {
                let conclusion = node.get("conclusion").and_then(Value::as_str).unwrap_or("");
                let bad =
                    matches!(conclusion, "FAILURE" | "TIMED_OUT" | "CANCELLED" | "ACTION_REQUIRED" | "STARTUP_FAILURE");
                bad.then(|| FailedCheck { name: text(node, "name").unwrap_or_default(), url: text(node, "detailsUrl") })
            }
            Some("StatusContext") => {
                let bad = matches!(node.get("state").and_then(Value::as_str), Some("FAILURE" | "ERROR"));
                bad.then(|| FailedCheck {
                    name: text(node, "context").unwrap_or_default(),
                    url: text(node, "targetUrl"),
                })
            }
            _ => None,
        })
        .collect()
}

/// A count that does not fit the record's `u32` shows as the largest one instead of failing.
fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_declares_one_variable_and_one_alias_per_branch() {
        let query = batch_query(3);
        for i in 0..3 {
            assert!(query.contains(&format!("$b{i}: String!")), "{query}");
            assert!(query.contains(&format!("b{i}: pullRequests(headRefName: $b{i}, first: 1")), "{query}");
        }
        assert!(!query.contains("$b3"), "{query}");
        assert!(query.contains("repository(owner: $owner, name: $name)"));
        assert_eq!(query.matches('{').count(), query.matches('}').count(), "braces must balance: {query}");
    }

    #[test]
    fn a_branch_without_a_pr_is_none_and_a_missing_alias_is_an_error() {
        let data = serde_json::json!({"repository": {"b0": {"nodes": []}}});
        assert_eq!(parse_batch(&data, 1), Ok(vec![None]));
        assert!(parse_batch(&data, 2).is_err(), "b1 is missing");
        assert!(parse_batch(&serde_json::json!({"repository": null}), 1).is_err());
    }

    #[test]
    fn failed_checks_make_ci_failing_even_while_others_run() {
        let node = serde_json::json!({
            "number": 7, "state": "OPEN",
            "commits": {"nodes": [{"commit": {"statusCheckRollup": {"state": "PENDING", "contexts": {"nodes": [
                {"__typename": "CheckRun", "name": "build", "status": "IN_PROGRESS", "conclusion": null},
                {"__typename": "CheckRun", "name": "test", "status": "COMPLETED", "conclusion": "TIMED_OUT",
                 "detailsUrl": "https://github.com/acme/app/actions/runs/1/job/2"},
                {"__typename": "StatusContext", "context": "ci/legacy", "state": "ERROR", "targetUrl": null}
            ]}}}}]}
        });
        let pr = parse_pr(&node).unwrap();
        assert_eq!(pr.ci, CiState::Failing);
        let names: Vec<&str> = pr.failed_checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["test", "ci/legacy"]);
        assert_eq!((pr.review, pr.mergeable, pr.unresolved_threads), (ReviewDecision::None, Mergeability::Unknown, 0));
    }
}
