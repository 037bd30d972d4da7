//! What every fuzz module shares: the case count (bounded, or `PROPTEST_CASES`), the seed corpus,
//! byte-level and JSON-level mutations of it, inputs no real sample looks like (invalid UTF-8,
//! NUL bytes, huge lines, deep nesting), and a deadline that turns a hang into a failed case.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// The environment variable proptest itself reads; read here too, because an explicit case count
/// in a config would otherwise override it.
const CASES_ENV: &str = "PROPTEST_CASES";

/// How long one parser call may take before the case fails as a hang. Generous: a debug build on
/// a loaded two-core machine is slow, and a real hang never returns at all.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `default` cases, or `PROPTEST_CASES` when it is set (for long runs by hand). Every other
/// setting is proptest's default, including its own environment overrides.
pub fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var(CASES_ENV).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

/// Runs `f` on its own thread and waits at most [`DEADLINE`]: a parser that loops forever fails
/// the case (naming `what`) instead of hanging the whole suite. A panic in `f` is re-raised here,
/// so proptest sees it as the failure it is.
pub fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{what} did not return within {DEADLINE:?}: it hangs"),
    }
}

/// [`bounded`] for a future: runs it to completion on a fresh single-threaded runtime (with a
/// blocking pool, which the probes use for file reads).
pub fn bounded_async<F>(what: &str, make: impl FnOnce() -> F + Send + 'static) -> F::Output
where
    F: std::future::Future,
    F::Output: Send + 'static,
{
    bounded(what, move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        runtime.block_on(make())
    })
}

/// The seed corpus folder of one parser.
pub fn corpus_dir(parser: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus").join(parser)
}

/// Every seed sample of `parser` (file name, bytes), sorted by name. Fails if there are none: a
/// fuzz test without seeds would quietly test only random noise.
pub fn corpus(parser: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(parser);
    let mut samples: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus {}: {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.is_file())
        .map(|path| {
            let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (name, bytes)
        })
        .collect();
    samples.sort();
    assert!(!samples.is_empty(), "the corpus {} has no samples", dir.display());
    samples
}

/// One seed sample of `parser`, chosen by the strategy.
pub fn seed(parser: &str) -> impl Strategy<Value = (String, Vec<u8>)> + use<> {
    proptest::sample::select(corpus(parser))
}

/// One edit of a byte string. Positions are [`Index`]es, scaled to the length when applied, so
/// the same edit applies to a sample of any size.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    /// Cut the input here, as a writer killed mid-write leaves it.
    Truncate(Index),
    /// XOR one byte with a non-zero mask: a flipped bit, a wrong character.
    Flip(Index, u8),
    /// Insert bytes that mean something to a parser (quotes, brackets, NUL, invalid UTF-8).
    Insert(Index, Vec<u8>),
    /// Remove a run of bytes.
    Delete(Index, Index),
    /// Repeat a run of bytes right after itself (a duplicated key, line or entry).
    Duplicate(Index, Index),
}

/// Bytes that change what a JSON, TOML or JSONL parser sees.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"=",
    b"\n",
    b"\r\n",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"#",
    b"'''",
    "é🌲".as_bytes(),
    b"  ",
    b"\t",
];

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let token = proptest::sample::select(TOKENS).prop_map(<[u8]>::to_vec);
    let inserted = prop_oneof![3 => token, 1 => vec(any::<u8>(), 1..8)];
    prop_oneof![
        any::<Index>().prop_map(ByteEdit::Truncate),
        (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| ByteEdit::Flip(at, mask)),
        (any::<Index>(), inserted).prop_map(|(at, bytes)| ByteEdit::Insert(at, bytes)),
        (any::<Index>(), any::<Index>()).prop_map(|(at, len)| ByteEdit::Delete(at, len)),
        (any::<Index>(), any::<Index>()).prop_map(|(at, len)| ByteEdit::Duplicate(at, len)),
    ]
}

/// Applies `edits` to `bytes`, in order.
pub fn apply_edits(mut bytes: Vec<u8>, edits: &[ByteEdit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        // A position in 0..=len, so an edit can also act at the very end.
        let at = |i: &Index| i.index(len + 1);
        // A run starting at `start`: short runs are the interesting ones (a key, a line).
        let run = |start: usize, i: &Index| start + i.index((len - start).min(64) + 1);
        match edit {
            ByteEdit::Truncate(i) => bytes.truncate(at(i)),
            ByteEdit::Flip(i, mask) if len > 0 => bytes[i.index(len)] ^= mask,
            ByteEdit::Flip(..) => {}
            ByteEdit::Insert(i, new) => {
                let at = at(i);
                bytes.splice(at..at, new.iter().copied());
            }
            ByteEdit::Delete(i, n) => {
                let start = at(i);
                let end = run(start, n);
                bytes.drain(start..end);
            }
            ByteEdit::Duplicate(i, n) => {
                let start = at(i);
                let end = run(start, n);
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

/// `bytes` with one to four byte edits.
pub fn byte_mutation(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    vec(byte_edit(), 1..5).prop_map(move |edits| apply_edits(bytes.clone(), &edits))
}

/// Input no sample looks like: random bytes (mostly invalid UTF-8), text with NULs and control
/// characters, deep nesting, and a line longer than any buffer a reader might assume.
pub fn hostile_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => vec(any::<u8>(), 0..512),
        3 => "(\\PC|[\\x00-\\x1f])*".prop_map(String::into_bytes),
        1 => deep_nesting(),
        1 => huge_line(),
    ]
}

/// Up to 20 000 levels of JSON or TOML nesting, closed or not: a recursive parser without a
/// depth limit overflows its stack on this.
pub fn deep_nesting() -> impl Strategy<Value = Vec<u8>> {
    let opens: &[(&str, &str)] =
        &[("[", "]"), ("{\"a\":", "}"), ("a = [", "]"), ("x = {y = ", "}"), ("[{\"k\":[", "]}]")];
    (proptest::sample::select(opens), 1usize..20_000, any::<bool>()).prop_map(|((open, close), depth, closed)| {
        let mut text = open.repeat(depth);
        if closed {
            text.push('1');
            text.push_str(&close.repeat(depth));
        }
        text.into_bytes()
    })
}

/// One line of 64 KiB to 256 KiB without a newline, of one repeated byte or of a JSON string.
pub fn huge_line() -> impl Strategy<Value = Vec<u8>> {
    (64usize * 1024..256 * 1024, prop_oneof![Just(b'x'), Just(b'\0'), Just(b'\xff'), Just(b'"')], any::<bool>())
        .prop_map(|(len, byte, quoted)| {
            let mut line = vec![byte; len];
            if quoted {
                line.splice(0..0, *b"{\"k\": \"");
                line.extend_from_slice(b"\"}");
            }
            line
        })
}

/// A step from the root of a JSON value to one of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    At(usize),
}

/// One structural edit of a JSON document.
#[derive(Debug, Clone)]
pub enum JsonEdit {
    /// Remove a key or array element (a field deleted by hand or by an older writer).
    Delete(Index),
    /// Replace a value with one of another type or range (a string where a number belongs).
    Swap(Index, Value),
    /// Write a key of an object twice, the copy with another value.
    DuplicateKey(Index, Value),
}

/// Values of every JSON type, including the edges of numeric ranges and odd strings.
pub fn odd_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![Just(0i64), Just(-1), Just(i64::MIN), Just(i64::from(u32::MAX) + 1)].prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        Just(Value::from(1.5)),
        "\\PC{0,12}".prop_map(Value::String),
        Just(Value::String("\0".into())),
        Just(Value::String("x".repeat(10_000))),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Map::new())),
        Just(serde_json::json!({"kind": "tmux", "id": "x", "state": "working"})),
    ]
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        any::<Index>().prop_map(JsonEdit::Delete),
        (any::<Index>(), odd_value()).prop_map(|(i, v)| JsonEdit::Swap(i, v)),
        (any::<Index>(), odd_value()).prop_map(|(i, v)| JsonEdit::DuplicateKey(i, v)),
    ]
}

/// The JSON text of `doc` after one to three structural edits.
pub fn json_mutation(doc: Value) -> impl Strategy<Value = Vec<u8>> {
    vec(json_edit(), 1..4).prop_map(move |edits| apply_json_edits(doc.clone(), &edits))
}

/// Applies `edits`; the last duplicate-key edit is rendered into the text, since a parsed value
/// cannot hold a key twice.
pub fn apply_json_edits(mut doc: Value, edits: &[JsonEdit]) -> Vec<u8> {
    let mut duplicate = None;
    for edit in edits {
        let paths = paths_of(&doc);
        match edit {
            JsonEdit::Delete(i) => {
                let mut path = paths[i.index(paths.len())].clone();
                if let Some(last) = path.pop()
                    && let Some(parent) = get_mut(&mut doc, &path)
                {
                    match (parent, last) {
                        (Value::Object(map), Seg::Key(key)) => {
                            map.shift_remove(&key);
                        }
                        (Value::Array(items), Seg::At(n)) if n < items.len() => {
                            items.remove(n);
                        }
                        _ => {}
                    }
                }
            }
            JsonEdit::Swap(i, value) => {
                if let Some(slot) = get_mut(&mut doc, &paths[i.index(paths.len())]) {
                    *slot = value.clone();
                }
            }
            JsonEdit::DuplicateKey(i, value) => {
                let keyed: Vec<&Vec<Seg>> = paths.iter().filter(|p| matches!(p.last(), Some(Seg::Key(_)))).collect();
                if !keyed.is_empty() {
                    duplicate = Some((keyed[i.index(keyed.len())].clone(), value.clone()));
                }
            }
        }
    }
    let mut out = String::new();
    render(&doc, &mut Vec::new(), duplicate.as_ref(), &mut out);
    out.into_bytes()
}

/// Every path in `doc`, root first.
fn paths_of(doc: &Value) -> Vec<Vec<Seg>> {
    fn walk(value: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(Seg::Key(key.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (n, child) in items.iter().enumerate() {
                    path.push(Seg::At(n));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut Vec::new(), &mut out);
    out
}

fn get_mut<'a>(doc: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(doc, |value, seg| match (value, seg) {
        (Value::Object(map), Seg::Key(key)) => map.get_mut(key),
        (Value::Array(items), Seg::At(n)) => items.get_mut(*n),
        _ => None,
    })
}

/// Compact JSON of `value`; the key at `duplicate`'s path is written a second time, right after
/// the first, with the other value.
fn render(value: &Value, path: &mut Vec<Seg>, duplicate: Option<&(Vec<Seg>, Value)>, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            for (n, (key, child)) in map.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                let quoted = serde_json::to_string(key).expect("a string encodes");
                out.push_str(&quoted);
                out.push(':');
                path.push(Seg::Key(key.clone()));
                render(child, path, duplicate, out);
                if let Some((dup_path, dup_value)) = duplicate
                    && dup_path == path
                {
                    out.push(',');
                    out.push_str(&quoted);
                    out.push(':');
                    out.push_str(&dup_value.to_string());
                }
                path.pop();
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, child) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                path.push(Seg::At(n));
                render(child, path, duplicate, out);
                path.pop();
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Any JSON value without floating-point numbers, nested a few levels: what an unknown key of a
/// newer writer may hold.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec(("\\PC{0,8}", inner), 0..4).prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Unknown keys a newer writer could add next to known ones: never one of `known`, so the test
/// does not mistake a collision for data loss.
pub fn unknown_keys(known: &'static [&'static str]) -> impl Strategy<Value = Map<String, Value>> {
    vec(("future[A-Za-z0-9_]{0,8}|ünknøwn\\PC{0,4}", json_value()), 0..3)
        .prop_map(move |entries| entries.into_iter().filter(|(key, _)| !known.contains(&key.as_str())).collect())
}

/// A valid project or session id: `^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`, mostly short.
pub fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[a-z][a-z0-9-]{0,12}", 1 => "[A-Za-z0-9][A-Za-z0-9_-]{0,127}"]
}

/// Text of every kind a user or an agent may write: unicode, quotes, backslashes, newlines.
pub fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "\\PC{0,24}", 1 => "[\"\\\\\n\t{}\\[\\]é🌲 -]{0,12}", 1 => Just(String::new())]
}

/// An instant between 1970 and 9999 with nanoseconds: what chrono writes and reads back as
/// RFC 3339.
pub fn instant() -> impl Strategy<Value = chrono::DateTime<chrono::Utc>> {
    (0i64..253_402_300_799, 0u32..1_000_000_000)
        .prop_map(|(secs, nanos)| chrono::DateTime::from_timestamp(secs, nanos).expect("in chrono's range"))
}

/// A scratch directory for one case. On tmpfs when the machine has one: the store fsyncs every
/// write and quarantine, which costs milliseconds per file on a disk and would eat the suite's
/// time budget without testing anything more.
pub fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let on_tmpfs = shm.is_dir().then(|| tempfile::Builder::new().prefix("grove-fuzz-").tempdir_in(shm).ok());
    on_tmpfs.flatten().unwrap_or_else(|| tempfile::tempdir().expect("a temp dir"))
}

/// The names of files in `dir` (sorted), for messages and quarantine checks.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}
