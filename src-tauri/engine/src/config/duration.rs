//! Durations written the way people say them: `30m`, `10s`, `1h30m`, `500ms`, `2d`.
//! Parsed into [`std::time::Duration`]; range checks per field live in validation.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Units accepted after a number, longest suffix first so `ms` is not read as `m` + garbage.
const UNITS: &[(&str, u64)] = &[("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)];

/// Regular expression for editors (JSON schema): one or more `<digits><unit>` parts.
const DURATION_PATTERN: &str = "^([0-9]+(ms|s|m|h|d))+$";

/// A duration read from config text. Displays in the same form it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(Duration);

impl HumanDuration {
    /// Wraps a duration (whole milliseconds are kept when displayed).
    pub const fn new(duration: Duration) -> Self {
        Self(duration)
    }

    /// The duration itself.
    pub const fn get(self) -> Duration {
        self.0
    }
}

impl From<HumanDuration> for Duration {
    fn from(d: HumanDuration) -> Self {
        d.0
    }
}

/// Why a duration string was rejected; the message says what a valid one looks like.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid duration {text:?}: {reason}; write a number and a unit (ms, s, m, h, d), e.g. \"30s\", \"10m\", \"1h30m\""
)]
pub struct DurationError {
    text: String,
    reason: &'static str,
}

impl FromStr for HumanDuration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason| DurationError { text: text.to_owned(), reason };
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        let mut rest = text;
        let mut total_ms: u64 = 0;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(fail("expected a number"));
            }
            let number: u64 = rest[..digits].parse().map_err(|_| fail("the number is too large"))?;
            rest = &rest[digits..];
            let (unit, scale) = UNITS
                .iter()
                .find(|(unit, _)| rest.starts_with(unit))
                .ok_or_else(|| fail(if rest.is_empty() { "the number has no unit" } else { "unknown unit" }))?;
            rest = &rest[unit.len()..];
            total_ms = number
                .checked_mul(*scale)
                .and_then(|ms| total_ms.checked_add(ms))
                .ok_or_else(|| fail("the number is too large"))?;
        }
        Ok(Self(Duration::from_millis(total_ms)))
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ms = u64::try_from(self.0.as_millis()).unwrap_or(u64::MAX);
        if ms == 0 {
            return f.write_str("0s");
        }
        // Largest unit first, so 90 minutes prints as "1h30m".
        for (unit, scale) in UNITS.iter().rev() {
            if ms >= *scale {
                write!(f, "{}{unit}", ms / scale)?;
                ms %= scale;
            }
        }
        Ok(())
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for HumanDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": DURATION_PATTERN,
            "description": "A duration: a number and a unit (ms, s, m, h, d), e.g. \"30s\", \"10m\", \"1h30m\".",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Duration, DurationError> {
        text.parse::<HumanDuration>().map(HumanDuration::get)
    }

    #[test]
    fn parses_each_unit_and_compounds() {
        let cases = [
            ("500ms", Duration::from_millis(500)),
            ("10s", Duration::from_secs(10)),
            ("30m", Duration::from_secs(1800)),
            ("2h", Duration::from_secs(7200)),
            ("1d", Duration::from_secs(86_400)),
            ("1h30m", Duration::from_secs(5400)),
            ("1m500ms", Duration::from_millis(60_500)),
            ("0s", Duration::ZERO),
        ];
        for (text, want) in cases {
            assert_eq!(parse(text), Ok(want), "{text:?} should parse");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration_and_says_why() {
        let cases = [
            ("", "empty"),
            ("30", "no unit"),
            ("10x", "unknown unit"),
            ("m", "expected a number"),
            ("-5s", "expected a number"),
            ("1.5h", "unknown unit"),
            ("10 s", "unknown unit"),
            ("99999999999999999999s", "too large"),
            ("999999999999999d", "too large"),
        ];
        for (text, why) in cases {
            let err = parse(text).expect_err(&format!("{text:?} must be rejected"));
            assert!(err.to_string().contains(why), "{text:?}: error {err} should say {why:?}");
        }
    }

    #[test]
    fn displays_as_written() {
        for text in ["30m", "10s", "1h30m", "500ms", "2d", "0s"] {
            assert_eq!(text.parse::<HumanDuration>().unwrap().to_string(), text, "round trip of {text:?}");
        }
    }
}
