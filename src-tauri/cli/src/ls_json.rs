//! `grove ls --json` for a large fleet: the sessions are resolved and serialised on several cores,
//! in contiguous chunks, and written in order to a buffered stdout as each chunk is done. The
//! bytes are exactly those of `serde_json::to_writer_pretty` on the whole listing (the tests hold
//! them to it): each session is pretty-printed alone and indented to its depth, which is safe
//! because a JSON string never holds a raw newline.

use std::io::{self, Write};

use grove_engine::manager::SessionView;
use grove_engine::store::StoreWarning;

use super::ls::ListedSession;

/// Below this many sessions one thread is faster than starting others.
const PARALLEL_MIN_SESSIONS: usize = 256;
/// Serialising is CPU work; past this many threads they only contend with the writer.
const MAX_THREADS: usize = 8;

/// Writes `{"sessions": [...], "warnings": [...]}` followed by a newline, pretty-printed.
pub fn write_listing(out: &mut impl Write, sessions: &[&SessionView], warnings: &[StoreWarning]) -> io::Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS);
    out.write_all(b"{\n  \"sessions\": [")?;
    if !sessions.is_empty() {
        if threads < 2 || sessions.len() < PARALLEL_MIN_SESSIONS {
            out.write_all(&chunk(sessions)?)?;
        } else {
            // A few chunks per thread, so the first is written while the others are still serialised.
            let size = sessions.len().div_ceil(threads * 4);
            std::thread::scope(|scope| -> io::Result<()> {
                let mut pending = std::collections::VecDeque::new();
                let mut chunks = sessions.chunks(size).enumerate();
                let mut next = |pending: &mut std::collections::VecDeque<_>| {
                    if let Some((i, part)) = chunks.next() {
                        pending.push_back((i, scope.spawn(move || chunk(part))));
                    }
                };
                for _ in 0..threads {
                    next(&mut pending);
                }
                while let Some((i, handle)) = pending.pop_front() {
                    let bytes = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
                    next(&mut pending);
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(&bytes)?;
                }
                Ok(())
            })?;
        }
        out.write_all(b"\n  ]")?;
    } else {
        out.write_all(b"]")?;
    }
    out.write_all(b",\n  \"warnings\": ")?;
    indented(out, &serde_json::to_vec_pretty(warnings)?, b"  ")?;
    out.write_all(b"\n}\n")
}

/// The sessions of one chunk as array elements at depth 2, separated by commas; each begins with
/// the newline and indent that precede it.
fn chunk(sessions: &[&SessionView]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(sessions.len() * 4096);
    for (i, view) in sessions.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"\n    ");
        indented(&mut out, &serde_json::to_vec_pretty(&ListedSession::new(view))?, b"    ")?;
    }
    Ok(out)
}

/// `json` with `indent` after each of its newlines: a value printed alone, placed deeper.
fn indented(out: &mut impl Write, json: &[u8], indent: &[u8]) -> io::Result<()> {
    let mut lines = json.split(|b| *b == b'\n');
    if let Some(first) = lines.next() {
        out.write_all(first)?;
    }
    for line in lines {
        out.write_all(b"\n")?;
        out.write_all(indent)?;
        out.write_all(line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use grove_engine::session::SessionRecord;
    use serde::Serialize;

    use super::*;

    /// A stored record as the store writes it, with `ID` in place of its id.
    const RECORD: &str = r#"{"version":1,"id":"ID","projectId":"proj0","kind":"worker","agent":"claude-code","runtime":"tmux","branch":"session/ID","worktree":"/repo/worktrees/ID","createdAt":"2025-01-02T03:04:05Z","displayName":"Make listing fast","prompt":"Make listing fast. Ünïcode \"quoted\"\nsecond line","issue":null,"agentSessionId":"5f0c6a52-9d7e-4d7b-a1f2-000000000000","lifecycle":{"session":{"state":"working","reason":"pr_created","startedAt":"2025-01-02T03:04:05Z","lastTransitionAt":"2025-01-02T03:04:05Z","terminatedAt":null},"pr":{"state":"open","reason":"review_pending","number":1000,"url":"https://github.com/acme/proj0/pull/1000"},"runtime":{"state":"alive","reason":"process_running","handle":{"kind":"tmux","id":"ID"}}},"prEnrichment":{"title":"Make listing fast","additions":120,"deletions":30,"ciChecks":[{"name":"test","status":"passed"},{"name":"lint","status":"passed"}]}}"#;

    fn views(count: usize) -> Vec<SessionView> {
        (0..count)
            .map(|i| {
                let record: SessionRecord = serde_json::from_str(&RECORD.replace("ID", &format!("proj0-{i}")))
                    .expect("the fixture is a record");
                SessionView::stored(record)
            })
            .collect()
    }

    /// What the plain serial printer makes of the same listing.
    fn serial(sessions: &[&SessionView], warnings: &[StoreWarning]) -> String {
        #[derive(Serialize)]
        struct Listing<'a> {
            sessions: Vec<ListedSession<'a>>,
            warnings: &'a [StoreWarning],
        }
        let listing = Listing { sessions: sessions.iter().map(|v| ListedSession::new(v)).collect(), warnings };
        serde_json::to_string_pretty(&listing).unwrap() + "\n"
    }

    #[test]
    fn the_parallel_listing_is_byte_for_byte_the_pretty_printed_one() {
        let warning =
            StoreWarning::Unreadable { path: PathBuf::from("/h/projects/p/sessions"), error: "denied".into() };
        for (count, warnings) in
            [(0, vec![]), (1, vec![warning.clone()]), (3, vec![]), (1000, vec![warning.clone(), warning])]
        {
            let owned = views(count);
            let sessions: Vec<&SessionView> = owned.iter().collect();
            let mut out = Vec::new();
            write_listing(&mut out, &sessions, &warnings).unwrap();
            let expected = serial(&sessions, &warnings);
            assert!(
                String::from_utf8(out).unwrap() == expected,
                "{count} sessions, {} warnings: `grove ls --json` must not change with the chunked writer",
                warnings.len()
            );
        }
    }
}
