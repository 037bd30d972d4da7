//! The table of bad calls, one row per command of build.rs's `COMMANDS`.

use serde_json::json;

use super::*;

/// The table: every command of build.rs's `COMMANDS`, with its bad calls.
pub(super) fn rows() -> Vec<Row> {
    let huge_message = "m".repeat(TEN_MB);
    let over_message = "m".repeat(MESSAGE_LIMIT + 1);
    let mut rows = vec![
        row("app_info", no_arg_cases()),
        row("tool_status", no_arg_cases()),
        row("spawn_options", no_arg_cases()),
        row("cancel_quit", no_arg_cases()),
        row("last_stop", no_arg_cases()),
        row("decline_last_stop", no_arg_cases()),
        Row {
            cmd: "quit_app",
            cases: Vec::new(),
            not_invoked: Some(
                "takes no input to refuse, and any call runs the quit path, whose watchdog exits the \
                 test process; lifecycle tests cover it",
            ),
        },
    ];

    let restore = json!({"onProgress": CHANNEL});
    let mut cases = channel_cases(&restore, "onProgress");
    cases.push(case("nothing recorded: an empty report", restore.clone(), Expect::Ok));
    rows.push(row("restore_last_stop", cases));

    rows.push(row("feed_subscribe", channel_cases(&json!({"onEvent": CHANNEL}), "onEvent")));

    let sub = json!({"subscription": 999_999});
    let mut cases = vec![
        case("unknown subscription 999999", sub.clone(), Expect::Code("not_found")),
        case("unknown subscription 0", json!({"subscription": 0}), Expect::Code("not_found")),
        case("unknown subscription u64::MAX", json!({"subscription": u64::MAX}), Expect::Code("not_found")),
    ];
    cases.extend(number_cases(&sub, "subscription", u64::MAX.into()));
    rows.push(row("feed_resync", cases));

    let mut cases = vec![
        case("unknown subscription: a documented no-op", sub.clone(), Expect::Ok),
        case("unknown subscription u64::MAX: a no-op", json!({"subscription": u64::MAX}), Expect::Ok),
    ];
    cases.extend(number_cases(&sub, "subscription", u64::MAX.into()));
    rows.push(row("feed_unsubscribe", cases));

    // spawn_session: the request is a structured input with `deny_unknown_fields`.
    let spawn = |request: Value| json!({"request": request, "onProgress": CHANNEL});
    let mut cases = Vec::new();
    for (what, id) in bad_ids() {
        cases.push(case(format!("project: {what}"), spawn(json!({"project": id})), Expect::Code("invalid_input")));
    }
    let unknown_project =
        case("project: unknown api-404", spawn(json!({"project": UNKNOWN, "prompt": "x"})), Expect::Code("not_found"));
    cases.push(unknown_project);
    for (what, value) in not_strings() {
        cases.push(case(format!("project: {what}"), spawn(json!({"project": value})), Expect::Refused("request")));
    }
    // The unknown project keeps these from spawning anything were the field not refused.
    for (what, request) in [
        ("an unknown extra field", json!({"project": UNKNOWN, "prompt": "x", "bogus": 1})),
        ("a snake_case field name", json!({"project": UNKNOWN, "default_branch": "main"})),
        ("project missing", json!({"prompt": "x"})),
        ("agent: a number", json!({"project": UNKNOWN, "agent": 7})),
        ("prompt: an object", json!({"project": UNKNOWN, "prompt": {"text": "x"}})),
        ("a string", json!(UNKNOWN)),
        ("an array of a number", json!([7])),
        ("an array with an extra element", json!([UNKNOWN, null, null, "x", null, "extra"])),
        ("null", Value::Null),
    ] {
        cases.push(case(format!("request: {what}"), spawn(request), Expect::Refused("request")));
    }
    // serde reads a struct from a positional array too: `["api-404"]` is `{"project": "api-404"}`,
    // an unknown project, refused at validation like the object form.
    cases.push(case("request: positional array", spawn(json!([UNKNOWN])), Expect::Code("not_found")));
    cases.push(case("request: missing", json!({"onProgress": CHANNEL}), Expect::Refused("request")));
    cases.push(case("payload: an array", json!([{"project": UNKNOWN}]), Expect::Refused("request")));
    cases.extend(channel_cases(&spawn(json!({"project": UNKNOWN})), "onProgress"));
    // Project `api` is in the config: these pass the id checks and must stop at validation.
    for (what, request) in [
        ("unknown agent", json!({"project": "api", "agent": "nope"})),
        ("10 MB agent name", json!({"project": "api", "agent": "a".repeat(TEN_MB)})),
        ("prompt of 10,001 characters", json!({"project": "api", "prompt": over_message})),
        ("prompt of 10 MB", json!({"project": "api", "prompt": huge_message})),
        ("branch ../x", json!({"project": "api", "branch": "../x"})),
        ("branch -x", json!({"project": "api", "branch": "-x"})),
        ("branch with a space", json!({"project": "api", "branch": "a b"})),
        ("branch with a newline", json!({"project": "api", "branch": "a\nb"})),
    ] {
        cases.push(case(format!("project api, {what}"), spawn(request), Expect::Code("invalid_input")));
    }
    let nul_branch = case(
        "project api, branch with NUL",
        spawn(json!({"project": "api", "branch": "a\0b"})),
        Expect::Code("invalid_input"),
    );
    cases.push(nul_branch);
    let huge_issue = case(
        "project api, issue of 10 MB",
        spawn(json!({"project": "api", "issue": "1".repeat(TEN_MB)})),
        Expect::Code("invalid_input"),
    );
    cases.push(huge_issue);
    rows.push(row("spawn_session", cases));

    let send = |session: Value| json!({"session": session, "message": "hi"});
    let mut cases = session_cases(send, "session");
    for (what, session) in [("unknown api-404", UNKNOWN), ("known api-1", KNOWN), ("traversal", "../../etc")] {
        for (size, message) in [("10,001 characters", &over_message), ("10 MB", &huge_message)] {
            let args = json!({"session": session, "message": message});
            cases.push(case(format!("{what}, message of {size}"), args, Expect::Code("invalid_input")));
        }
    }
    for (what, value) in not_strings() {
        let args = json!({"session": KNOWN, "message": value});
        cases.push(case(format!("message: {what}"), args, Expect::Refused("message")));
    }
    cases.push(case("message: missing", json!({"session": KNOWN}), Expect::Refused("message")));
    // `force` is optional; of the wrong type it is refused before anything runs (a valid forced
    // send to api-1 would restore it).
    for (what, value) in [("a string", json!("yes")), ("a number", json!(1)), ("an object", json!({}))] {
        let args = json!({"session": KNOWN, "message": "hi", "force": value});
        cases.push(case(format!("force: {what}"), args, Expect::Refused("force")));
    }
    rows.push(row("send_message", cases));

    // send_keys (SPEC F2a): named keys only, 1 to MAX_KEYS of them, and never to an ended session
    // (api-1 is stopped: keys never restore it, so even a good call is refused).
    let keys = |session: Value| json!({"session": session, "keys": ["1"]});
    let mut cases = session_cases(keys, "session");
    cases.push(case(
        "known api-1 is stopped: keys never restore it",
        keys(json!(KNOWN)),
        Expect::Code("invalid_input"),
    ));
    for (what, list) in [
        ("empty list", json!([])),
        ("33 keys", json!(vec!["Down"; 33])),
        ("an unknown name", json!(["Enter", "F1"])),
        ("a tmux chord", json!(["C-c"])),
        ("a word", json!(["yes"])),
        ("a command after a key", json!(["Enter; kill-server"])),
        ("an empty name", json!([""])),
        ("traversal as a name", json!(["../../etc"])),
        ("a 10 MB name", json!(["k".repeat(TEN_MB)])),
    ] {
        for (who, session) in [("known api-1", KNOWN), ("unknown api-404", UNKNOWN)] {
            let args = json!({"session": session, "keys": list});
            cases.push(case(format!("{who}, keys: {what}"), args, Expect::Code("invalid_input")));
        }
    }
    for (what, value) in [
        ("a string", json!("1")),
        ("a number", json!(1)),
        ("a list of numbers", json!([1, 2])),
        ("a list with null", json!(["1", null])),
        ("an object", json!({"key": "1"})),
        ("null", Value::Null),
    ] {
        let args = json!({"session": KNOWN, "keys": value});
        cases.push(case(format!("keys: {what}"), args, Expect::Refused("keys")));
    }
    cases.push(case("keys: missing", json!({"session": KNOWN}), Expect::Refused("keys")));
    rows.push(row("send_keys", cases));

    let kill = |session: Value| json!({"session": session, "discard": false});
    let mut cases = session_cases(kill, "session");
    for (what, value) in [("a string", json!("yes")), ("a number", json!(1)), ("null", Value::Null)] {
        let args = json!({"session": KNOWN, "discard": value});
        cases.push(case(format!("discard: {what}"), args, Expect::Refused("discard")));
    }
    cases.push(case("discard: missing", json!({"session": KNOWN}), Expect::Refused("discard")));
    rows.push(row("kill_session", cases));

    rows.push(row("restore_session", session_cases(|s| json!({"session": s}), "session")));
    rows.push(row("stop_session", session_cases(|s| json!({"session": s}), "session")));

    let open = |session: Value| json!({"session": session, "target": "file_manager"});
    let mut cases = session_cases(open, "session");
    cases.push(case(
        "known api-1 whose worktree does not exist",
        json!({"session": KNOWN, "target": "editor"}),
        Expect::Code("not_found"),
    ));
    for (what, value) in [
        ("unknown target", json!("terminal")),
        ("wrong case", json!("Editor")),
        ("a path", json!("/usr/bin/xterm")),
        ("a number", json!(0)),
        // `{"editor": null}` is serde's map form of `"editor"`; an unknown variant is refused.
        ("an object of an unknown variant", json!({"terminal": null})),
        ("null", Value::Null),
    ] {
        let args = json!({"session": KNOWN, "target": value});
        cases.push(case(format!("target: {what}"), args, Expect::Refused("target")));
    }
    cases.push(case("target: missing", json!({"session": KNOWN}), Expect::Refused("target")));
    rows.push(row("open_worktree", cases));

    let mut cases = session_cases(|s| json!({"session": s}), "session");
    cases.push(case("known api-1 without a pull request", json!({"session": KNOWN}), Expect::Code("not_found")));
    rows.push(row("open_pr", cases));

    rows.push(row("attach_command", session_cases(|s| json!({"session": s}), "session")));

    // set_focus takes `<project>/<session>` or null; the key is not looked up (it only steers
    // notifications), so a well-formed key of an unknown session is a no-op.
    let mut cases = vec![
        case("a well-formed key of an unknown session: a no-op", json!({"session": "api/api-404"}), Expect::Ok),
        case("separator a/b is a well-formed key: a no-op", json!({"session": "a/b"}), Expect::Ok),
        case("null: no session focused", json!({"session": null}), Expect::Ok),
        case("missing: no session focused", json!({}), Expect::Ok),
    ];
    for (what, key) in [
        ("traversal ../../etc", "../../etc".to_owned()),
        ("traversal in the session part", "api/../x".to_owned()),
        ("three parts", "api/api-1/x".to_owned()),
        ("dot-dot", "..".to_owned()),
        ("empty", String::new()),
        ("no separator", UNKNOWN.to_owned()),
        ("10 KB key", format!("api/{}", "a".repeat(10 * 1024))),
        ("NUL in the key", "api/api\0-1".to_owned()),
        ("newline in the key", "api/api-1\n".to_owned()),
    ] {
        cases.push(case(format!("session: {what}"), json!({"session": key}), Expect::Code("invalid_input")));
    }
    for (what, value) in not_strings().into_iter().filter(|(_, v)| !v.is_null()) {
        cases.push(case(format!("session: {what}"), json!({"session": value}), Expect::Refused("session")));
    }
    rows.push(row("set_focus", cases));

    let term_open = |session: Value| json!({"session": session, "cols": 80, "rows": 24, "onOutput": CHANNEL, "onStatus": "__CHANNEL__:2"});
    let mut cases = session_cases(term_open, "session");
    let valid = term_open(json!(KNOWN));
    for (cols, rows) in [(0, 0), (1, 1), (5000, 5000), (1001, 24), (80, 501), (80, 0), (u16::MAX, u16::MAX)] {
        for session in [KNOWN, UNKNOWN] {
            let args = with(with(term_open(json!(session)), "cols", json!(cols)), "rows", json!(rows));
            cases.push(case(format!("{session}, size {cols}x{rows}"), args, Expect::Code("invalid_input")));
        }
    }
    cases.extend(number_cases(&valid, "cols", u16::MAX.into()));
    cases.extend(number_cases(&valid, "rows", u16::MAX.into()));
    cases.extend(channel_cases(&valid, "onOutput"));
    cases.extend(channel_cases(&valid, "onStatus"));
    rows.push(row("terminal_open", cases));

    let input = json!({"viewer": 999, "data": "x"});
    let mut cases = vec![
        case("unknown viewer 999", input.clone(), Expect::Code("not_found")),
        case("unknown viewer 0", json!({"viewer": 0, "data": "x"}), Expect::Code("not_found")),
        case("unknown viewer u32::MAX", json!({"viewer": u32::MAX, "data": "x"}), Expect::Code("not_found")),
        case("empty input to an unknown viewer", json!({"viewer": 999, "data": ""}), Expect::Code("not_found")),
        case(
            "64 KiB + 1 bytes",
            json!({"viewer": 999, "data": "x".repeat(INPUT_LIMIT + 1)}),
            Expect::Code("invalid_input"),
        ),
        case(
            "64 KiB + 1 bytes of 2-byte characters",
            json!({"viewer": 999, "data": "é".repeat(INPUT_LIMIT / 2 + 1)}),
            Expect::Code("invalid_input"),
        ),
        case("10 MB", json!({"viewer": 999, "data": "x".repeat(TEN_MB)}), Expect::Code("invalid_input")),
    ];
    cases.extend(number_cases(&input, "viewer", u32::MAX.into()));
    for (what, value) in not_strings() {
        cases.push(case(format!("data: {what}"), with(input.clone(), "data", value), Expect::Refused("data")));
    }
    cases.push(case("data: missing", without(input.clone(), "data"), Expect::Refused("data")));
    rows.push(row("terminal_input", cases));

    let resize = json!({"viewer": 999, "cols": 80, "rows": 24});
    let mut cases = vec![case("unknown viewer 999", resize.clone(), Expect::Code("not_found"))];
    for (cols, rows) in [(0, 0), (1, 1), (5000, 5000), (1001, 24), (80, 501), (u16::MAX, u16::MAX)] {
        let args = json!({"viewer": 999, "cols": cols, "rows": rows});
        cases.push(case(format!("size {cols}x{rows}"), args, Expect::Code("invalid_input")));
    }
    cases.extend(number_cases(&resize, "viewer", u32::MAX.into()));
    cases.extend(number_cases(&resize, "cols", u16::MAX.into()));
    cases.extend(number_cases(&resize, "rows", u16::MAX.into()));
    rows.push(row("terminal_resize", cases));

    let ack = json!({"viewer": 999, "bytes": 1024});
    let mut cases = vec![
        case("unknown viewer 999", ack.clone(), Expect::Code("not_found")),
        case("unknown viewer, u32::MAX bytes", json!({"viewer": 999, "bytes": u32::MAX}), Expect::Code("not_found")),
    ];
    cases.extend(number_cases(&ack, "viewer", u32::MAX.into()));
    cases.extend(number_cases(&ack, "bytes", u32::MAX.into()));
    rows.push(row("terminal_ack", cases));

    let close = json!({"viewer": 999});
    let mut cases = vec![
        case("unknown viewer 999: a documented no-op", close.clone(), Expect::Ok),
        case("unknown viewer 0: a no-op", json!({"viewer": 0}), Expect::Ok),
        case("unknown viewer u32::MAX: a no-op", json!({"viewer": u32::MAX}), Expect::Ok),
    ];
    cases.extend(number_cases(&close, "viewer", u32::MAX.into()));
    rows.push(row("terminal_close", cases));

    let mut cases = Vec::new();
    for (what, url) in [
        ("file:///etc/passwd", "file:///etc/passwd".to_owned()),
        ("javascript:alert(1)", "javascript:alert(1)".to_owned()),
        ("a custom scheme", "vscode://file/etc/passwd".to_owned()),
        ("no scheme", "example.com".to_owned()),
        ("upper-case scheme", "HTTPS://example.com".to_owned()),
        ("empty", String::new()),
        ("a space", "https://x y".to_owned()),
        ("a leading space", " https://example.com".to_owned()),
        ("a 3 KB URL", format!("https://example.com/{}", "a".repeat(3 * 1024))),
        ("a 10 MB URL", format!("https://example.com/{}", "a".repeat(TEN_MB))),
        ("a control character (BEL)", "https://example.com/\u{7}".to_owned()),
        ("a NUL", "https://example.com/\0".to_owned()),
        ("a newline", "https://example.com/\nrm -rf ~".to_owned()),
        ("DEL", "https://example.com/\u{7f}".to_owned()),
    ] {
        cases.push(case(format!("url: {what}"), json!({"url": url}), Expect::Code("invalid_input")));
    }
    for (what, value) in not_strings() {
        cases.push(case(format!("url: {what}"), json!({"url": value}), Expect::Refused("url")));
    }
    cases.push(case("url: missing", json!({}), Expect::Refused("url")));
    rows.push(row("open_link", cases));
    rows.extend(super::review_rows::rows());
    rows
}
