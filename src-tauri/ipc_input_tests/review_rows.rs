//! The review and land commands' rows of the IPC input table (SPEC K1-K7): bad ids, paths that
//! would leave the worktree, and arguments of the wrong type are refused before any git runs.

use serde_json::json;

use super::*;

/// Paths a review call must refuse before touching git or the disk.
fn bad_paths() -> Vec<(&'static str, &'static str)> {
    vec![
        ("traversal ../../etc/passwd", "../../etc/passwd"),
        ("absolute /etc/passwd", "/etc/passwd"),
        ("a .. component in the middle", "src/../../x"),
        ("empty", ""),
        ("NUL", "src/a\0b"),
    ]
}

/// Cases for a path argument `key` of a known session.
fn path_cases(args: impl Fn(Value) -> Value, key: &'static str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (what, path) in bad_paths() {
        cases.push(case(format!("{key}: {what}"), args(json!(path)), Expect::Code("invalid_input")));
    }
    for (what, value) in not_strings() {
        cases.push(case(format!("{key}: {what}"), args(value), Expect::Refused(key)));
    }
    cases
}

fn scope_cases(args: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    for (what, value) in [
        ("unknown scope", json!("all")),
        ("wrong case", json!("Branch")),
        ("a number", json!(1)),
        ("null", Value::Null),
    ] {
        cases.push(case(format!("scope: {what}"), with(args.clone(), "scope", value), Expect::Refused("scope")));
    }
    cases.push(case("scope: missing", without(args.clone(), "scope"), Expect::Refused("scope")));
    cases
}

fn bool_cases(args: &Value, key: &'static str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (what, value) in [("a string", json!("yes")), ("a number", json!(1)), ("null", Value::Null)] {
        cases.push(case(format!("{key}: {what}"), with(args.clone(), key, value), Expect::Refused(key)));
    }
    cases.push(case(format!("{key}: missing"), without(args.clone(), key), Expect::Refused(key)));
    cases
}

pub(super) fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let session_only = |s: Value| json!({"session": s});
    for cmd in [
        "review_state",
        "review_send_comments",
        "review_mark_reviewed",
        "land_check",
        "ask_resolve_conflicts",
        "reclaim_session",
    ] {
        rows.push(row(cmd, session_cases(session_only, "session")));
    }

    let summary = |s: Value| json!({"session": s, "scope": "branch"});
    let mut cases = session_cases(summary, "session");
    cases.extend(scope_cases(&summary(json!(KNOWN))));
    rows.push(row("review_summary", cases));

    let file = |s: Value| json!({"session": s, "scope": "branch", "path": "src/a.rs", "offset": 0, "limit": 100});
    let mut cases = session_cases(file, "session");
    cases.extend(scope_cases(&file(json!(KNOWN))));
    cases.extend(path_cases(|p| with(file(json!(KNOWN)), "path", p), "path"));
    cases.extend(number_cases(&file(json!(KNOWN)), "offset", u32::MAX.into()));
    cases.extend(number_cases(&file(json!(KNOWN)), "limit", u32::MAX.into()));
    rows.push(row("review_file", cases));

    let context =
        |s: Value| json!({"session": s, "scope": "branch", "path": "src/a.rs", "from": 1, "to": 20, "oldFrom": 1});
    let mut cases = session_cases(context, "session");
    cases.extend(scope_cases(&context(json!(KNOWN))));
    cases.extend(path_cases(|p| with(context(json!(KNOWN)), "path", p), "path"));
    for key in ["from", "to", "oldFrom"] {
        cases.extend(number_cases(&context(json!(KNOWN)), key, u32::MAX.into()));
    }
    for (what, from, to, old_from) in
        [("line 0", 0, 20, 1), ("old line 0", 1, 20, 0), ("inverted range", 20, 1, 20), ("over 500 lines", 1, 900, 1)]
    {
        let args = json!({"session": KNOWN, "scope": "branch", "path": "src/a.rs", "from": from, "to": to, "oldFrom": old_from});
        cases.push(case(format!("range: {what}"), args, Expect::Code("invalid_input")));
    }
    rows.push(row("review_context", cases));

    let viewed = |s: Value| json!({"session": s, "path": "src/a.rs", "viewed": true});
    let mut cases = session_cases(viewed, "session");
    cases.extend(path_cases(|p| with(viewed(json!(KNOWN)), "path", p), "path"));
    cases.extend(bool_cases(&viewed(json!(KNOWN)), "viewed"));
    rows.push(row("review_set_viewed", cases));

    let comment = |path: Value| json!({"path": path, "line": 1, "endLine": 1, "side": "new", "body": "why?"});
    let add = |s: Value| json!({"session": s, "comment": comment(json!("src/a.rs"))});
    let mut cases = session_cases(add, "session");
    for (what, path) in bad_paths() {
        let args = json!({"session": KNOWN, "comment": comment(json!(path))});
        cases.push(case(format!("comment path: {what}"), args, Expect::Code("invalid_input")));
    }
    let huge = json!({"session": KNOWN, "comment": with(comment(json!("a.rs")), "body", json!("b".repeat(TEN_MB)))});
    cases.push(case("comment body: 10 MB", huge, Expect::Code("invalid_input")));
    let inverted = json!({"session": KNOWN, "comment": with(comment(json!("a.rs")), "endLine", json!(0))});
    cases.push(case("comment: endLine before line", inverted, Expect::Code("invalid_input")));
    for (what, value) in
        [("a string", json!("src/a.rs:1")), ("null", Value::Null), ("missing side", json!({"path": "a"}))]
    {
        let args = json!({"session": KNOWN, "comment": value});
        cases.push(case(format!("comment: {what}"), args, Expect::Refused("comment")));
    }
    rows.push(row("review_add_comment", cases));

    let delete = |s: Value| json!({"session": s, "id": "c1"});
    let mut cases = session_cases(delete, "session");
    for (what, id) in [("traversal ../x", "../x"), ("empty", ""), ("10 KB", &*"c".repeat(10 * 1024))] {
        let args = json!({"session": KNOWN, "id": id});
        cases.push(case(format!("id: {what}"), args, Expect::Code("invalid_input")));
    }
    rows.push(row("review_delete_comment", cases));

    let land = |s: Value| json!({"session": s, "pr": false, "commitUncommitted": false});
    let mut cases = session_cases(land, "session");
    for (what, value) in [("unknown method", json!("octopus")), ("a number", json!(1))] {
        let args = with(land(json!(KNOWN)), "method", value);
        cases.push(case(format!("method: {what}"), args, Expect::Refused("method")));
    }
    cases.extend(bool_cases(&land(json!(KNOWN)), "pr"));
    cases.extend(bool_cases(&land(json!(KNOWN)), "commitUncommitted"));
    rows.push(row("land_session", cases));

    // Read from the refresher's cache: an unknown session simply has no measure yet.
    let mut cases = Vec::new();
    for (what, id) in bad_ids() {
        cases.push(case(format!("session: {what}"), json!({"session": id}), Expect::Code("invalid_input")));
    }
    cases.push(case("session: unknown api-404 has no measure", json!({"session": UNKNOWN}), Expect::Ok));
    for (what, value) in not_strings() {
        cases.push(case(format!("session: {what}"), json!({"session": value}), Expect::Refused("session")));
    }
    rows.push(row("disk_usage", cases));
    rows
}
