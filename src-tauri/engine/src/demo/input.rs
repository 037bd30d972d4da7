//! Reading what the user sends: one line at a time, bounded, lossily decoded, never panicking.
//! A bracketed paste (what tmux's `paste-buffer -p` sends once the agent turned the mode on, as
//! real agents do) is one message however many lines it has: Grove's review comments arrive so.

use std::io::{self, BufRead};

/// Terminal mode 2004 on: the terminal wraps pasted text in [`PASTE_START`] / [`PASTE_END`].
const BRACKETED_PASTE_ON: &str = "\x1b[?2004h";
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Most bytes of one line that are kept: Grove's longest message, at most 4 bytes a character in
/// UTF-8. The rest of a longer line is read and dropped, so a huge paste costs no more memory.
pub(crate) const MAX_LINE_BYTES: usize = crate::ops::MAX_MESSAGE_CHARS * 4;

/// The next line without its line ending, or `None` at end of input. Bytes that are not UTF-8
/// become U+FFFD; control characters are dropped (tabs become spaces) so echoing a line can never
/// send escape sequences to the terminal.
#[cfg(test)]
fn read_line(input: &mut impl BufRead) -> io::Result<Option<String>> {
    Ok(read_raw_line(input)?.map(|raw| decode(&raw)))
}

/// The next message: one line, or all the lines of a bracketed paste (joined by `\n`, with what
/// follows the paste on its last line, usually nothing before the Enter). Bounded like a line.
pub(crate) fn read_message(input: &mut impl BufRead) -> io::Result<Option<String>> {
    let Some(first) = read_raw_line(input)? else { return Ok(None) };
    let Some(start) = find(&first, PASTE_START) else { return Ok(Some(decode(&first))) };
    let mut lines = vec![[&first[..start], &first[start + PASTE_START.len()..]].concat()];
    let mut total = lines[0].len();
    while find(lines.last().expect("one line at least"), PASTE_END).is_none() {
        // A paste cut off by the end of input is still what the user sent.
        let Some(next) = read_raw_line(input)? else { break };
        total += next.len();
        if total <= MAX_LINE_BYTES {
            lines.push(next);
        } else if let Some(end) = find(&next, PASTE_END) {
            // Over the bound: drop the middle, but still find the paste's end.
            lines.push(next[end..].to_vec());
        }
    }
    let text = lines
        .iter()
        .map(|line| match find(line, PASTE_END) {
            Some(end) => decode(&[&line[..end], &line[end + PASTE_END.len()..]].concat()),
            None => decode(line),
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Some(text))
}

/// Prepares the agent's terminal the way real agents do: bracketed paste on, so a pasted
/// multi-line message stays one message, and control characters echoed as they are (`ECHOCTL`
/// off), so the paste markers the terminal sends are not echoed as visible `^[[200~`.
/// Does nothing when standard input is not a terminal.
pub fn prepare_terminal(out: &mut impl io::Write) -> io::Result<()> {
    use std::io::IsTerminal;
    if !io::stdin().is_terminal() {
        return Ok(());
    }
    #[cfg(unix)]
    // SAFETY: tcgetattr/tcsetattr on fd 0 with a zeroed termios they fill in; no pointers kept.
    unsafe {
        let mut mode: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut mode) == 0 {
            mode.c_lflag &= !libc::ECHOCTL;
            libc::tcsetattr(0, libc::TCSANOW, &mode);
        }
    }
    out.write_all(BRACKETED_PASTE_ON.as_bytes())?;
    out.flush()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The next line's bytes without its line ending (`\n`, and a `\r` before it), bounded.
fn read_raw_line(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut kept = Vec::new();
    let mut read_any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            // End of input; a last line without a newline still counts.
            return Ok(read_any.then_some(kept));
        }
        read_any = true;
        let newline = buf.iter().position(|b| *b == b'\n');
        let line_part = &buf[..newline.unwrap_or(buf.len())];
        let room = MAX_LINE_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&line_part[..line_part.len().min(room)]);
        let used = newline.map_or(buf.len(), |i| i + 1);
        input.consume(used);
        if newline.is_some() {
            if kept.last() == Some(&b'\r') {
                kept.pop();
            }
            return Ok(Some(kept));
        }
    }
}

fn decode(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn lines(bytes: &[u8]) -> Vec<String> {
        // A tiny buffer forces lines to span many fill_buf calls, the case that is easy to get wrong.
        let mut input = BufReader::with_capacity(3, Cursor::new(bytes.to_vec()));
        std::iter::from_fn(|| read_line(&mut input).expect("in-memory reads do not fail")).collect()
    }

    #[test]
    fn splits_lines_and_strips_endings() {
        assert_eq!(lines(b"one\r\ntwo\n\nlast"), ["one", "two", "", "last"], "CRLF, empty and unterminated lines");
        assert!(lines(b"").is_empty(), "empty input has no lines");
    }

    #[test]
    fn decodes_invalid_utf8_and_drops_control_characters() {
        assert_eq!(lines(b"caf\xc3\xa9 \xff!\n"), ["café \u{fffd}!"]);
        assert_eq!(lines(b"a\x1b[31mb\tc\x07\n"), ["a[31mb c"], "escape and bell removed, tab becomes a space");
    }

    fn messages(bytes: &[u8]) -> Vec<String> {
        let mut input = BufReader::with_capacity(3, Cursor::new(bytes.to_vec()));
        std::iter::from_fn(|| read_message(&mut input).expect("in-memory reads do not fail")).collect()
    }

    #[test]
    fn a_bracketed_paste_of_many_lines_is_one_message() {
        let got = messages(b"\x1b[200~src/a.rs:3\r\n> let x = 1;\nUse a constant.\x1b[201~\nnext\n");
        assert_eq!(got, ["src/a.rs:3\n> let x = 1;\nUse a constant.", "next"], "review comments arrive whole");
        assert_eq!(messages(b"plain line\n"), ["plain line"], "typed lines are messages as before");
        assert_eq!(messages(b"\x1b[200~cut off"), ["cut off"], "a paste cut by the end of input is kept");
    }

    #[test]
    fn a_huge_bracketed_paste_is_bounded_and_the_next_message_survives() {
        let mut bytes = b"\x1b[200~".to_vec();
        for _ in 0..(MAX_LINE_BYTES / 100) * 3 {
            bytes.extend_from_slice(&[b'y'; 99]);
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(b"\x1b[201~\nnext\n");
        let got = messages(&bytes);
        assert_eq!(got.len(), 2, "the paste must not swallow the next message");
        assert!(got[0].len() <= MAX_LINE_BYTES + MAX_LINE_BYTES / 99, "kept {} bytes", got[0].len());
        assert_eq!(got[1], "next");
    }

    #[test]
    fn a_huge_line_is_cut_and_the_next_line_survives() {
        let mut bytes = vec![b'x'; MAX_LINE_BYTES * 3];
        bytes.extend_from_slice(b"\nnext\n");
        let got = lines(&bytes);
        assert_eq!(got.len(), 2, "the huge line must not swallow the next one");
        assert_eq!(got[0].len(), MAX_LINE_BYTES, "only the first MAX_LINE_BYTES bytes are kept");
        assert_eq!(got[1], "next");
    }
}
