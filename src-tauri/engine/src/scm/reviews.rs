//! The comments of a PR's unresolved review threads, for the `changes_requested` reaction (SPEC
//! H3) to send to the agent. One GraphQL call per PR; resolved threads are left out, since the
//! agent has nothing left to do about them.

use serde_json::Value;

use super::gh::{Gh, GhError, GqlVar};
use super::repo::RepoSlug;

/// Threads and comments per thread read. A PR with more open threads than this has bigger
/// problems than the ones past the hundredth.
const REVIEW_QUERY: &str = "query GroveReviews($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100) { nodes {
        isResolved path line originalLine
        comments(first: 50) { nodes { author { login } body path line originalLine url } }
      } }
    }
  }
}";

/// One comment of an unresolved review thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewComment {
    /// Who wrote it (`ghost` for a deleted account).
    pub author: String,
    /// The file it is on.
    pub path: String,
    /// The line it is on; for a thread on code that changed since, the line it was written on.
    pub line: Option<u32>,
    /// The text.
    pub body: String,
    /// Its web address.
    pub url: Option<String>,
}

/// Every comment of the unresolved review threads of PR `number` in `repo`, thread by thread,
/// oldest first within each.
pub async fn review_comments(gh: &Gh, repo: &RepoSlug, number: u32) -> Result<Vec<ReviewComment>, GhError> {
    let vars = [
        ("owner", GqlVar::Str(&repo.owner)),
        ("name", GqlVar::Str(&repo.name)),
        ("number", GqlVar::Int(i64::from(number))),
    ];
    let data = gh.graphql(REVIEW_QUERY, &vars).await?;
    let threads = data.pointer("/repository/pullRequest/reviewThreads/nodes").and_then(Value::as_array);
    let threads =
        threads.ok_or_else(|| GhError::BadResponse { reason: format!("{repo}#{number}: no review threads") })?;
    Ok(threads.iter().filter(|t| t.get("isResolved") == Some(&Value::Bool(false))).flat_map(thread_comments).collect())
}

/// The comments of one thread; a comment without its own path or line takes the thread's.
fn thread_comments(thread: &Value) -> Vec<ReviewComment> {
    let line_of = |v: &Value| {
        let line = v.get("line").and_then(Value::as_u64).or_else(|| v.get("originalLine").and_then(Value::as_u64));
        line.and_then(|l| u32::try_from(l).ok())
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let comments = thread.pointer("/comments/nodes").and_then(Value::as_array);
    comments
        .into_iter()
        .flatten()
        .map(|c| ReviewComment {
            author: c.pointer("/author/login").and_then(Value::as_str).unwrap_or("ghost").to_owned(),
            path: text(c, "path").or_else(|| text(thread, "path")).unwrap_or_default(),
            line: line_of(c).or_else(|| line_of(thread)),
            body: text(c, "body").unwrap_or_default(),
            url: text(c, "url"),
        })
        .collect()
}
