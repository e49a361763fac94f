//! FRR's regular-expression dialect for AS paths and communities (bgp_regex.c).
//!
//! FRR compiles POSIX extended expressions after replacing each `_` by
//! `(^|[,{}() ]|$)`: a delimiter between ASNs, or the start/end of the string. Matching is a
//! search (unanchored unless `^`/`$` are used).

use regex::Regex;

/// Translate FRR's `_` and compile. Errors are human-readable.
pub fn compile_frr_regex(re: &str) -> Result<Regex, String> {
    let mut out = String::with_capacity(re.len() + 16);
    for c in re.chars() {
        if c == '_' {
            out.push_str("(?:^|[,{}() ]|$)");
        } else {
            out.push(c);
        }
    }
    regex::RegexBuilder::new(&out)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| {
            format!(
                "can't compile regexp `{re}`: {}",
                e.to_string().lines().last().unwrap_or("")
            )
        })
}

/// FRR accepts only these characters in AS-path access lists (bgp_filter.c).
pub fn validate_as_path_regex(re: &str) -> Result<(), String> {
    const VALID: &str = "1234567890_^|[,{}() ]$*+.?-\\";
    if re.chars().all(|c| VALID.contains(c)) {
        Ok(())
    } else {
        Err(format!("invalid character in as-path access-list `{re}`"))
    }
}
