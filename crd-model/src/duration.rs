//! Kubernetes durations (`metav1.Duration`): Go `time.ParseDuration` text such as `"180s"`,
//! `"1m30s"`, `"100ms"`, printed back the way Go's `Duration.String` does (`"3m0s"`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A non-negative duration written as Go duration text.
///
/// Negative durations, which Go accepts, are refused: no field of these APIs gives them a meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub std::time::Duration);

/// Why a duration text did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {text:?}: {reason}")]
pub struct DurationError {
    pub text: String,
    pub reason: &'static str,
}

/// Go's limit: durations are int64 nanoseconds.
const MAX_NANOS: u128 = i64::MAX as u128;

impl Duration {
    pub const fn from_secs(secs: u64) -> Self {
        Duration(std::time::Duration::from_secs(secs))
    }

    pub const fn from_millis(ms: u64) -> Self {
        Duration(std::time::Duration::from_millis(ms))
    }

    pub const fn as_std(self) -> std::time::Duration {
        self.0
    }

    /// Whole seconds, truncated as Go's `Duration.Seconds()` cast to an integer does.
    pub const fn as_secs(self) -> u64 {
        self.0.as_secs()
    }

    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let err = |reason| DurationError {
            text: text.to_string(),
            reason,
        };
        let mut s = text;
        if let Some(rest) = s.strip_prefix('+') {
            s = rest;
        } else if let Some(rest) = s.strip_prefix('-') {
            if rest == "0" {
                return Ok(Duration::default());
            }
            return Err(err("negative durations are not allowed"));
        }
        if s == "0" {
            return Ok(Duration::default());
        }
        if s.is_empty() {
            return Err(err("empty duration"));
        }
        let mut total: u128 = 0;
        while !s.is_empty() {
            // integer part
            let int_len = s.bytes().take_while(u8::is_ascii_digit).count();
            let (int_digits, rest) = s.split_at(int_len);
            s = rest;
            let mut frac_digits = "";
            if let Some(rest) = s.strip_prefix('.') {
                let frac_len = rest.bytes().take_while(u8::is_ascii_digit).count();
                frac_digits = &rest[..frac_len];
                s = &rest[frac_len..];
            }
            if int_digits.is_empty() && frac_digits.is_empty() {
                return Err(err("expected a number"));
            }
            let unit_len = s
                .char_indices()
                .find(|(_, c)| c.is_ascii_digit() || *c == '.')
                .map_or(s.len(), |(i, _)| i);
            let (unit, rest) = s.split_at(unit_len);
            s = rest;
            let unit_nanos: u128 = match unit {
                "ns" => 1,
                "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
                "ms" => 1_000_000,
                "s" => 1_000_000_000,
                "m" => 60_000_000_000,
                "h" => 3_600_000_000_000,
                "" => return Err(err("missing unit")),
                _ => return Err(err("unknown unit")),
            };
            let mut int: u128 = 0;
            for b in int_digits.bytes() {
                int = int * 10 + u128::from(b - b'0');
                if int > MAX_NANOS {
                    return Err(err("overflow"));
                }
            }
            let mut part = int
                .checked_mul(unit_nanos)
                .filter(|v| *v <= MAX_NANOS)
                .ok_or_else(|| err("overflow"))?;
            // fraction: Go keeps as many digits as fit and truncates
            let mut scale: u128 = 1;
            let mut frac: u128 = 0;
            for b in frac_digits.bytes() {
                if scale > MAX_NANOS / 10 {
                    break;
                }
                frac = frac * 10 + u128::from(b - b'0');
                scale *= 10;
            }
            part += frac * unit_nanos / scale;
            total += part;
            if total > MAX_NANOS {
                return Err(err("overflow"));
            }
        }
        let nanos = u64::try_from(total).map_err(|_| err("overflow"))?;
        Ok(Duration(std::time::Duration::from_nanos(nanos)))
    }
}

impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Duration(d)
    }
}

impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> Self {
        d.0
    }
}

impl FromStr for Duration {
    type Err = DurationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s)
    }
}

/// Writes `v / 10^prec` with trailing fractional zeros (and a bare point) removed.
fn write_frac(out: &mut String, v: u128, prec: u32) {
    let div = 10u128.pow(prec);
    let int = v / div;
    let frac = v % div;
    out.push_str(&int.to_string());
    if frac != 0 {
        let digits = format!("{:0width$}", frac, width = prec as usize);
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

impl fmt::Display for Duration {
    /// Go's `time.Duration.String`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.as_nanos();
        let mut out = String::new();
        if n == 0 {
            out.push_str("0s");
        } else if n < 1_000 {
            out.push_str(&format!("{n}ns"));
        } else if n < 1_000_000 {
            write_frac(&mut out, n, 3);
            out.push_str("\u{b5}s");
        } else if n < 1_000_000_000 {
            write_frac(&mut out, n, 6);
            out.push_str("ms");
        } else {
            let secs_total = n / 1_000_000_000;
            let sub = n % 1_000_000_000;
            let hours = secs_total / 3600;
            let mins = (secs_total % 3600) / 60;
            let secs = secs_total % 60;
            if hours > 0 {
                out.push_str(&format!("{hours}h"));
            }
            if hours > 0 || mins > 0 {
                out.push_str(&format!("{mins}m"));
            }
            write_frac(&mut out, secs * 1_000_000_000 + sub, 9);
            out.push('s');
        }
        f.write_str(&out)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration string such as \"180s\" or \"1m30s\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(feature = "kube")]
impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> std::time::Duration {
        Duration::parse(s).unwrap().0
    }

    #[test]
    fn parses_go_forms() {
        assert_eq!(p("180s"), std::time::Duration::from_secs(180));
        assert_eq!(p("1m30s"), std::time::Duration::from_secs(90));
        assert_eq!(p("100ms"), std::time::Duration::from_millis(100));
        assert_eq!(p("1h"), std::time::Duration::from_secs(3600));
        assert_eq!(p("1.5s"), std::time::Duration::from_millis(1500));
        assert_eq!(p(".5s"), std::time::Duration::from_millis(500));
        assert_eq!(p("1.s"), std::time::Duration::from_secs(1));
        assert_eq!(p("2h45m"), std::time::Duration::from_secs(9900));
        assert_eq!(p("10us"), std::time::Duration::from_micros(10));
        assert_eq!(p("10µs"), std::time::Duration::from_micros(10));
        assert_eq!(p("7ns"), std::time::Duration::from_nanos(7));
        assert_eq!(p("0"), std::time::Duration::ZERO);
        assert_eq!(p("+5s"), std::time::Duration::from_secs(5));
        assert_eq!(p("-0"), std::time::Duration::ZERO);
        assert_eq!(p("0s"), std::time::Duration::ZERO);
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "s",
            "10",
            "1x",
            "-1s",
            "1.2.3s",
            ".s",
            "1 s",
            "1s ",
            "9999999999999999999h",
            "3000000h",
            "\u{0}",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn prints_like_go() {
        let cases = [
            ("180s", "3m0s"),
            ("1m30s", "1m30s"),
            ("100ms", "100ms"),
            ("1h", "1h0m0s"),
            ("0s", "0s"),
            ("1.5s", "1.5s"),
            ("1500us", "1.5ms"),
            ("1500ns", "1.5µs"),
            ("7ns", "7ns"),
            ("26h3m4.005s", "26h3m4.005s"),
            ("60s", "1m0s"),
        ];
        for (input, want) in cases {
            let d = Duration::parse(input).unwrap();
            assert_eq!(d.to_string(), want, "{input}");
            assert_eq!(Duration::parse(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn serde_string() {
        let d: Duration = serde_json::from_str("\"1m30s\"").unwrap();
        assert_eq!(d.as_secs(), 90);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"1m30s\"");
        assert!(serde_json::from_str::<Duration>("90").is_err());
    }
}
