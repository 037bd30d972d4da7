//! Reading what the user sends: one line at a time, bounded, lossily decoded, never panicking.

use std::io::{self, BufRead};

/// Most bytes of one line that are kept: Grove's longest message, at most 4 bytes a character in
/// UTF-8. The rest of a longer line is read and dropped, so a huge paste costs no more memory.
pub(crate) const MAX_LINE_BYTES: usize = crate::ops::MAX_MESSAGE_CHARS * 4;

/// The next line without its line ending, or `None` at end of input. Bytes that are not UTF-8
/// become U+FFFD; control characters are dropped (tabs become spaces) so echoing a line can never
/// send escape sequences to the terminal.
pub(crate) fn read_line(input: &mut impl BufRead) -> io::Result<Option<String>> {
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
            return Ok(read_any.then(|| decode(&kept)));
        }
        read_any = true;
        let newline = buf.iter().position(|b| *b == b'\n');
        let line_part = &buf[..newline.unwrap_or(buf.len())];
        let room = MAX_LINE_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&line_part[..line_part.len().min(room)]);
        let used = newline.map_or(buf.len(), |i| i + 1);
        input.consume(used);
        if newline.is_some() {
            return Ok(Some(decode(&kept)));
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
