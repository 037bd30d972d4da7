//! `gh` output (SPEC H4, H3): the batched PR answer (`parse_batch`), `Gh::graphql` and the
//! failure classification behind it (rate limits above all), review comments, run-log excerpts,
//! and the repository and check addresses Grove reads from git and GitHub.
//!
//! GitHub's answers change shape, `gh` prints what it likes on failure, and logs are anyone's
//! bytes: a bad answer is a typed error that says which alias or PR, a rate limit is always
//! recognised as one (the loop must back off, not hammer), and nothing read is misattributed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use grove_engine::scm::{
    ActionsRun, FoundPr, Gh, GhError, GqlVar, LOG_EXCERPT_BYTES, RepoSlug, log_excerpt, parse_batch, review_comments,
};
use grove_engine::session::{CiState, PrState};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

use super::support::{bounded, bounded_async, byte_mutation, cases, corpus, hostile_bytes, json_mutation, scratch};

/// Longest message a `GhError` quotes from gh: 300 characters and the `…` of a cut.
const MESSAGE_CHARS: usize = 301;

/// The seeds of the `gh` corpus whose names start with `prefix`.
fn seeds(prefix: &str) -> Vec<Vec<u8>> {
    let found: Vec<Vec<u8>> =
        corpus("gh").into_iter().filter(|(name, _)| name.starts_with(prefix)).map(|(_, bytes)| bytes).collect();
    assert!(!found.is_empty(), "no gh seeds named {prefix}*");
    found
}

fn json_seeds(prefix: &str) -> Vec<Value> {
    seeds(prefix).iter().map(|b| serde_json::from_slice(b).expect("gh JSON seeds parse")).collect()
}

/// The checked-in fake `gh`, which answers what a case wrote into `FUZZ_GH_DIR`.
fn fake_gh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/fuzz/fake-gh")
}

/// Runs `call` against a `gh` that prints `stdout` and `stderr` and exits with `code`.
fn with_gh<T: Send + 'static, F: Future<Output = T>>(
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    code: u8,
    call: impl FnOnce(Gh) -> F + Send + 'static,
) -> T {
    bounded_async("a gh call", move || async move {
        let dir = scratch();
        std::fs::write(dir.path().join("stdout"), &stdout).expect("write stdout");
        std::fs::write(dir.path().join("stderr"), &stderr).expect("write stderr");
        std::fs::write(dir.path().join("code"), code.to_string()).expect("write code");
        let gh =
            Gh::new().with_program(fake_gh()).with_env("FUZZ_GH_DIR", dir.path()).with_timeout(Duration::from_secs(20));
        let out = call(gh).await;
        drop(dir);
        out
    })
}

fn graphql(stdout: Vec<u8>, stderr: Vec<u8>, code: u8) -> Result<Value, GhError> {
    with_gh(stdout, stderr, code, |gh| async move {
        gh.graphql("query { viewer { login } }", &[("o", GqlVar::Str("x"))]).await
    })
}

/// Every message an error carries is bounded (it ends up in the problems panel).
fn assert_bounded(error: &GhError) {
    let text = match error {
        GhError::RateLimited { message } | GhError::Failed { message } => message,
        GhError::NotAuthenticated { detail } => detail,
        _ => return,
    };
    assert!(text.chars().count() <= MESSAGE_CHARS, "a gh message of {} chars was kept whole", text.chars().count());
}

/// Whether lower-cased stderr says "rate limit" in any of the forms gh prints.
fn says_rate_limit(stderr: &[u8]) -> bool {
    let text = String::from_utf8_lossy(stderr).to_lowercase();
    ["rate limit", "http 429", "rate_limited"].iter().any(|m| text.contains(m))
}

/// The remote URLs of the seed list, valid and not.
fn remote_urls() -> Vec<String> {
    let text = String::from_utf8(seeds("remote-urls").remove(0)).expect("the URL list is UTF-8");
    text.lines().map(str::to_owned).collect()
}

/// A batched answer for 1 to 4 branches built from real PR answers, then damaged.
fn batch() -> impl Strategy<Value = (Value, usize)> {
    let answers = json_seeds("pr-nodes-");
    vec(select(answers), 1..5).prop_flat_map(|aliases| {
        let count = aliases.len();
        let repository: Map<String, Value> =
            aliases.into_iter().enumerate().map(|(i, answer)| (format!("b{i}"), answer)).collect();
        let data = serde_json::json!({ "repository": repository });
        let damaged = prop_oneof![
            3 => json_mutation(data.clone()).prop_map(|b| serde_json::from_slice::<Value>(&b).ok()),
            1 => byte_mutation(serde_json::to_vec(&data).expect("encodes"))
                .prop_map(|b| serde_json::from_slice(&b).ok()),
            1 => Just(Some(data)),
        ];
        // Sometimes one alias more than the answer holds: a truncated or mismatched answer.
        (damaged.prop_filter_map("still JSON", |d| d), prop_oneof![4 => Just(count), 1 => Just(count + 1)])
    })
}

/// What a found PR must say, given the node it came from.
fn assert_faithful(pr: &FoundPr, node: &Value, alias: usize) {
    let what = format!("alias b{alias}");
    let number = node["number"].as_u64().expect("a found PR had a number");
    assert_eq!(u64::from(pr.number), number.min(u64::from(u32::MAX)), "{what}: wrong number");
    assert_eq!(pr.title, node["title"].as_str().unwrap_or_default(), "{what}: wrong title");
    assert_eq!(pr.url, node["url"].as_str().unwrap_or_default(), "{what}: wrong url");
    let state = match node["state"].as_str() {
        Some("OPEN") => PrState::Open,
        Some("MERGED") => PrState::Merged,
        Some("CLOSED") => PrState::Closed,
        other => panic!("{what}: a PR in state {other:?} was accepted"),
    };
    assert_eq!(pr.state, state, "{what}: wrong state");
    if !pr.failed_checks.is_empty() {
        assert_eq!(pr.ci, CiState::Failing, "{what}: failed checks {:?} but CI {:?}", pr.failed_checks, pr.ci);
    }
}

proptest! {
    #![proptest_config(cases(64))]

    /// A damaged batched answer gives one result per alias, each true to its node, or an error
    /// that says what is wrong.
    #[test]
    fn damaged_batch_answers_parse_faithfully_or_fail_saying_why((data, count) in batch()) {
        let shown = data.to_string();
        let given = data.clone();
        let parsed = bounded("parse_batch", move || parse_batch(&given, count));
        match parsed {
            Ok(found) => {
                prop_assert_eq!(found.len(), count, "one result per alias: {}", shown);
                for (i, pr) in found.iter().enumerate() {
                    let nodes = data.pointer(&format!("/repository/b{i}/nodes")).and_then(Value::as_array);
                    let nodes = nodes.unwrap_or_else(|| panic!("b{i} has no nodes but parsed: {shown}"));
                    match (pr, nodes.first()) {
                        (Some(pr), Some(node)) => assert_faithful(pr, node, i),
                        (None, None) => {}
                        (pr, node) => panic!("b{i}: parsed {pr:?} from first node {node:?}"),
                    }
                }
            }
            Err(reason) => {
                let says = ["repository", "alias b", "PR #", "without a number"].iter().any(|s| reason.contains(s));
                prop_assert!(says, "the error {:?} does not say which alias or PR: {}", reason, shown);
            }
        }
    }

    /// Whatever a successful `gh api graphql` prints, the answer is its `data`, or a typed error.
    #[test]
    fn graphql_answers_are_data_or_typed_errors(
        stdout in prop_oneof![
            select(json_seeds("graphql-")).prop_flat_map(json_mutation),
            select(seeds("graphql-")).prop_flat_map(byte_mutation),
            hostile_bytes(),
        ],
    ) {
        let body = serde_json::from_slice::<Value>(&stdout).ok();
        let answer = graphql(stdout, Vec::new(), 0);
        let errors = body.as_ref().and_then(|b| b.get("errors")).and_then(Value::as_array);
        let has_errors = errors.is_some_and(|e| !e.is_empty());
        let data = body.as_ref().and_then(|b| b.get("data")).filter(|d| !d.is_null());
        match answer {
            Ok(got) => {
                prop_assert!(!has_errors, "an answer with GraphQL errors was taken as data");
                prop_assert_eq!(Some(&got), data, "the answer is not the body's data");
            }
            Err(e) => {
                assert_bounded(&e);
                prop_assert!(has_errors || data.is_none(), "a clean answer with data failed: {e:?}");
                let typed =
                    matches!(e, GhError::BadResponse { .. } | GhError::Failed { .. } | GhError::RateLimited { .. });
                prop_assert!(typed, "{e:?}");
            }
        }
    }

    /// A failed call that mentions a rate limit anywhere on stderr, in any case and among any
    /// other bytes, is a rate limit; no failed call is ever an answer.
    #[test]
    fn failed_calls_mentioning_a_rate_limit_are_rate_limits(
        before in prop_oneof![hostile_bytes(), select(seeds("stderr-"))],
        marker in select(vec!["rate limit", "Rate Limit", "HTTP 429", "RATE_LIMITED", "a secondary RATE LIMIT"]),
        after in vec(any::<u8>(), 0..64),
        stdout in prop_oneof![Just(Vec::new()), hostile_bytes(), select(seeds("graphql-"))],
        code in 1u8..=255,
    ) {
        let stderr = [before, marker.as_bytes().to_vec(), after].concat();
        prop_assert!(says_rate_limit(&stderr));
        let answer = graphql(stdout, stderr, code);
        prop_assert!(matches!(answer, Err(GhError::RateLimited { .. })), "got {:?}", answer);
    }

    /// Any failed call is a typed error with a bounded message, never an answer.
    #[test]
    fn failed_calls_are_typed_errors(
        stderr in prop_oneof![hostile_bytes(), select(seeds("stderr-")).prop_flat_map(byte_mutation)],
        stdout in prop_oneof![
            Just(Vec::new()),
            hostile_bytes(),
            select(seeds("graphql-")).prop_flat_map(byte_mutation),
        ],
        code in 1u8..=255,
    ) {
        // gh's failure body is read leniently (invalid UTF-8 replaced), so the oracle reads it so too.
        let body = serde_json::from_str::<Value>(&String::from_utf8_lossy(&stdout)).ok();
        let rate_limited_body = body.is_some_and(|b| b.to_string().to_lowercase().contains("rate"));
        let says_rate = says_rate_limit(&stderr);
        let answer = graphql(stdout, stderr, code);
        let error = answer.expect_err("a failed gh call must not be an answer");
        assert_bounded(&error);
        if says_rate {
            prop_assert!(matches!(error, GhError::RateLimited { .. }), "rate limit on stderr gave {:?}", error);
        }
        if matches!(error, GhError::RateLimited { .. }) {
            prop_assert!(says_rate || rate_limited_body, "a rate limit out of nowhere: {:?}", error);
        }
    }

    /// Review threads: damaged answers give comments only of unresolved threads, or an error.
    #[test]
    fn damaged_review_threads_give_only_unresolved_comments(
        stdout in select(json_seeds("graphql-review")).prop_flat_map(json_mutation),
    ) {
        let body = serde_json::from_slice::<Value>(&stdout).ok();
        let answer = with_gh(stdout, Vec::new(), 0, |gh| async move {
            review_comments(&gh, &RepoSlug::parse("acme/app").expect("valid"), 45).await
        });
        if let Ok(comments) = answer {
            // Expected: every comment of every unresolved thread, in order, by its author's login
            // (`ghost` when there is none) and with its text, as the answer's JSON says.
            let threads = body
                .as_ref()
                .and_then(|b| b.pointer("/data/repository/pullRequest/reviewThreads/nodes"))
                .and_then(Value::as_array);
            let expected: Vec<(String, String)> = threads
                .into_iter()
                .flatten()
                .filter(|t| t.get("isResolved") == Some(&Value::Bool(false)))
                .flat_map(|t| t.pointer("/comments/nodes").and_then(Value::as_array).cloned().unwrap_or_default())
                .map(|c| {
                    let author = c.pointer("/author/login").and_then(Value::as_str).unwrap_or("ghost").to_owned();
                    (author, c.get("body").and_then(Value::as_str).unwrap_or_default().to_owned())
                })
                .collect();
            let got: Vec<(String, String)> = comments.into_iter().map(|c| (c.author, c.body)).collect();
            prop_assert_eq!(got, expected, "comments of resolved threads, lost or misattributed ones");
        }
    }

    /// Run logs: the excerpt is bounded, carries no escape sequences, and keeps the end.
    #[test]
    fn log_excerpts_are_bounded_clean_and_keep_the_end(
        log in prop_oneof![hostile_bytes(), select(seeds("run-log-")).prop_flat_map(byte_mutation)],
        max in prop_oneof![Just(LOG_EXCERPT_BYTES), 0usize..512],
    ) {
        let text = String::from_utf8_lossy(&log).into_owned();
        let given = text.clone();
        let excerpt = bounded("log_excerpt", move || log_excerpt(&given, max));
        prop_assert!(excerpt.len() <= max + "…\n".len(), "{} bytes for a budget of {}", excerpt.len(), max);
        prop_assert!(!excerpt.contains('\u{1b}'), "an escape sequence survived: {:?}", excerpt);
    }

    /// A plain log that fits the budget comes back whole; one that does not keeps its last line's end.
    #[test]
    fn plain_logs_keep_their_last_lines(lines in vec("[a-zA-Z0-9 .:=()é-]{0,40}", 1..30), max in 8usize..1024) {
        let log = lines.join("\n");
        let excerpt = log_excerpt(&log, max);
        let whole: Vec<&str> = log.lines().collect();
        if whole.iter().map(|l| l.len() + 1).sum::<usize>() <= max {
            prop_assert_eq!(excerpt, whole.join("\n"), "a log within budget was cut");
        } else if let Some(last) = whole.last() {
            let end = excerpt.rsplit('\n').next().unwrap_or_default().trim_start_matches('…');
            prop_assert!(last.ends_with(end), "the excerpt's end {:?} is not the log's end {:?}", end, last);
        }
    }

    /// Remote URLs and `repo` values: a slug is found only on github.com, is made of the
    /// characters GitHub allows, and reads back from its own text.
    #[test]
    fn repository_slugs_are_valid_and_read_back(
        url in prop_oneof![
            select(remote_urls())
                .prop_flat_map(|u| byte_mutation(u.into_bytes()))
                .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
            "\\PC{0,40}",
        ],
    ) {
        for slug in [RepoSlug::from_remote_url(&url), RepoSlug::parse(&url)].into_iter().flatten() {
            let valid = |part: &str| !part.is_empty() && part != "." && part != ".."
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            prop_assert!(valid(&slug.owner) && valid(&slug.name), "{:?} gave {:?}", url, slug);
            let back = RepoSlug::parse(&slug.to_string());
            prop_assert_eq!(back.as_ref(), Some(&slug), "{:?} does not read back", slug);
        }
    }

    /// Check addresses: any text is a run or not, and an Actions address gives its own ids back.
    #[test]
    fn actions_runs_read_back_from_their_address(
        text in "\\PC{0,60}",
        run in any::<u64>(),
        job in proptest::option::of(any::<u64>()),
    ) {
        let _ = ActionsRun::from_url(&text);
        let url = match job {
            Some(job) => format!("https://github.com/acme/app/actions/runs/{run}/job/{job}"),
            None => format!("https://github.com/acme/app/actions/runs/{run}"),
        };
        prop_assert_eq!(ActionsRun::from_url(&url), Some(ActionsRun { run, job }));
    }
}

proptest! {
    #![proptest_config(cases(16))]

    /// GitHub removes a `.git` suffix from every repository name, so no slug's name ends in one;
    /// otherwise its own text (`acme/app.git`) reads back as another repository (`acme/app`).
    #[test]
    fn slug_names_never_end_in_dot_git(
        owner in "[a-z][a-z0-9-]{0,8}",
        name in "[a-z][a-z0-9._-]{0,8}",
        suffixes in 1usize..4,
    ) {
        let url = format!("https://github.com/{owner}/{name}{}", ".git".repeat(suffixes));
        let repo = format!("{owner}/{name}{}", ".git".repeat(suffixes));
        for slug in [RepoSlug::from_remote_url(&url), RepoSlug::parse(&repo)].into_iter().flatten() {
            prop_assert!(!slug.name.ends_with(".git"), "{:?} gave {:?}", url, slug);
            let back = RepoSlug::parse(&slug.to_string());
            prop_assert_eq!(back.as_ref(), Some(&slug), "{:?} does not read back", slug);
        }
    }
}

/// The undamaged rate-limit answer is a rate limit whether gh exits 0 or 1.
#[test]
fn the_recorded_rate_limit_answer_is_a_rate_limit() {
    for stdout in seeds("graphql-rate-limited") {
        for code in [0, 1] {
            let answer = graphql(stdout.clone(), b"gh: GraphQL error\n".to_vec(), code);
            assert!(matches!(answer, Err(GhError::RateLimited { .. })), "exit {code}: {answer:?}");
        }
    }
}
