//! Token and cost totals of a Claude transcript, kept incrementally: each call reads only what
//! was appended since the last one, so the expensive agent info (SPEC D9) costs a full read once
//! per transcript, not once per pass (AO re-streamed 100 MB files every time, ao-domain §2.4).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

/// Totals of a transcript so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Usage {
    /// Input (fresh, cache-written and cache-read) plus output tokens, when any entry had usage.
    pub tokens: Option<u64>,
    /// Sum of `costUSD`, which older Claude versions wrote on each entry; newer ones do not.
    pub cost_usd: Option<f64>,
}

/// Where reading stopped in one transcript and what was counted before that point.
#[derive(Debug, Clone, Default)]
struct Ledger {
    /// Byte offset just past the last complete line counted.
    offset: u64,
    counted: Usage,
    /// The message being counted: one API response is written as several lines sharing a
    /// `message.id` and repeating its usage, so only the last line of each id counts.
    open: Option<(String, Usage)>,
}

impl Ledger {
    fn total(&self) -> Usage {
        match &self.open {
            Some((_, open)) => add(self.counted, *open),
            None => self.counted,
        }
    }

    fn count_line(&mut self, entry: &Value) {
        if entry["type"] != "assistant" {
            return;
        }
        let message = &entry["message"];
        let usage = &message["usage"];
        let tokens = usage.is_object().then(|| {
            ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens"]
                .iter()
                .filter_map(|k| usage[*k].as_u64())
                // A transcript's numbers are outside input: absurd ones must not overflow.
                .fold(0u64, u64::saturating_add)
        });
        let this = Usage { tokens, cost_usd: entry["costUSD"].as_f64() };
        let id = message["id"].as_str().unwrap_or_default().to_owned();
        match &mut self.open {
            Some((open_id, open)) if !id.is_empty() && *open_id == id => *open = this,
            _ => {
                if let Some((_, done)) = self.open.take() {
                    self.counted = add(self.counted, done);
                }
                self.open = Some((id, this));
            }
        }
    }
}

fn add(a: Usage, b: Usage) -> Usage {
    let sum_u = |x: Option<u64>, y: Option<u64>| {
        if x.is_none() && y.is_none() { None } else { Some(x.unwrap_or(0).saturating_add(y.unwrap_or(0))) }
    };
    let sum_f = |x: Option<f64>, y: Option<f64>| {
        if x.is_none() && y.is_none() { None } else { Some(x.unwrap_or(0.0) + y.unwrap_or(0.0)) }
    };
    Usage { tokens: sum_u(a.tokens, b.tokens), cost_usd: sum_f(a.cost_usd, b.cost_usd) }
}

/// Incremental usage totals per transcript path.
#[derive(Debug, Default)]
pub struct UsageLedger {
    // A std mutex, held only to take a ledger out and put it back; the file is read unlocked.
    ledgers: Mutex<HashMap<PathBuf, Ledger>>,
}

impl UsageLedger {
    /// The totals of `path`, reading only what was appended since the last call (blocking). A
    /// file that shrank was replaced, and is counted again from the start.
    pub fn totals(&self, path: &Path) -> io::Result<Usage> {
        let mut ledger = self.ledgers.lock().unwrap_or_else(|e| e.into_inner()).remove(path).unwrap_or_default();
        let mut file = File::open(path)?;
        if file.metadata()?.len() < ledger.offset {
            ledger = Ledger::default();
        }
        file.seek(SeekFrom::Start(ledger.offset))?;
        let mut reader = BufReader::new(file);
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line)?;
            // A line without its newline is still being written: count it next time, whole.
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            ledger.offset += n as u64;
            if let Ok(entry) = serde_json::from_slice::<Value>(&line) {
                ledger.count_line(&entry);
            }
        }
        let total = ledger.total();
        self.ledgers.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_path_buf(), ledger);
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn assistant(id: &str, input: u64, output: u64) -> String {
        format!(
            r#"{{"type":"assistant","message":{{"id":"{id}","role":"assistant","usage":{{"input_tokens":{input},"cache_read_input_tokens":1,"output_tokens":{output}}}}}}}"#
        )
    }

    #[test]
    fn counts_each_message_once_and_only_new_lines_on_later_calls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        let mut f = File::create(&path).unwrap();
        // msg_1 is written as two lines repeating its usage; it must count once.
        writeln!(f, "{}\n{}\n{}", assistant("msg_1", 10, 5), assistant("msg_1", 10, 5), assistant("msg_2", 100, 50))
            .unwrap();
        let ledger = UsageLedger::default();
        assert_eq!(ledger.totals(&path).unwrap().tokens, Some(16 + 151), "msg_1 once plus msg_2");
        write!(f, "{}\n{}", assistant("msg_3", 1000, 0), &assistant("msg_4", 7, 7)[..20]).unwrap();
        assert_eq!(ledger.totals(&path).unwrap().tokens, Some(167 + 1001), "the half-written line must wait");
        assert_eq!(ledger.totals(&path).unwrap().cost_usd, None, "no costUSD in this format version");
    }

    #[test]
    fn no_usage_means_unknown_not_zero() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.jsonl");
        std::fs::write(&path, "{\"type\":\"user\",\"message\":{\"content\":\"hi\"}}\n").unwrap();
        assert_eq!(UsageLedger::default().totals(&path).unwrap(), Usage::default(), "no usage recorded");
    }
}
