//! Checking a rendered configuration with FRR's own parser: `vtysh -C` (dry run, no daemons).
//!
//! vtysh is run with a private config dir (holding an empty `vtysh.conf`) and an empty vty socket
//! dir, so it neither reads the host's FRR configuration nor talks to running daemons. FRR 8.4
//! checks syntax only: it exits 2 and prints `line N: % Unknown command[..]: TEXT` per bad line.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where vtysh is looked for when `VTYSH` is not set in the environment.
pub const DEFAULT_VTYSH: &str = "/usr/bin/vtysh";

/// Why FRR rejects a configuration (or could not check it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ValidationError {
    /// 1-based line of the first rejected line, when vtysh names one.
    pub line: Option<usize>,
    /// vtysh's message (or why vtysh could not run).
    pub message: String,
    /// Every `(line, message)` vtysh reported, in order.
    pub all: Vec<(usize, String)>,
}

impl ValidationError {
    fn other(message: impl Into<String>) -> Self {
        ValidationError {
            line: None,
            message: message.into(),
            all: Vec::new(),
        }
    }
}

/// The vtysh binary to use: `$VTYSH` or [`DEFAULT_VTYSH`].
pub fn vtysh_path() -> PathBuf {
    std::env::var_os("VTYSH")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_VTYSH))
}

/// Whether vtysh is installed (tests skip FRR checks otherwise).
pub fn vtysh_available() -> bool {
    vtysh_path().is_file()
}

/// Validates `config_text` with `vtysh -C` in a temporary directory.
pub fn validate_with_vtysh(config_text: &str) -> Result<(), ValidationError> {
    validate_with(&vtysh_path(), config_text)
}

/// Validates with a given vtysh binary.
pub fn validate_with(vtysh: &Path, config_text: &str) -> Result<(), ValidationError> {
    let dir = TempDir::new().map_err(|e| ValidationError::other(format!("temp dir: {e}")))?;
    let conf_dir = dir.path.join("conf");
    let sock_dir = dir.path.join("sock");
    let file = dir.path.join("frr.conf");
    let io = |e: std::io::Error| ValidationError::other(format!("preparing vtysh run: {e}"));
    std::fs::create_dir(&conf_dir).map_err(io)?;
    std::fs::create_dir(&sock_dir).map_err(io)?;
    std::fs::write(conf_dir.join("vtysh.conf"), "").map_err(io)?;
    std::fs::write(&file, config_text).map_err(io)?;
    let out = Command::new(vtysh)
        .arg("-C")
        .arg("--config_dir")
        .arg(&conf_dir)
        .arg("--vty_socket")
        .arg(&sock_dir)
        .arg("-f")
        .arg(&file)
        .output()
        .map_err(|e| ValidationError::other(format!("running {}: {e}", vtysh.display())))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    Err(parse_vtysh_errors(&stderr, &stdout, out.status.code()))
}

/// Turns vtysh's output into a [`ValidationError`].
pub fn parse_vtysh_errors(stderr: &str, stdout: &str, code: Option<i32>) -> ValidationError {
    let mut all = Vec::new();
    for l in stderr.lines().chain(stdout.lines()) {
        let Some(rest) = l.trim().strip_prefix("line ") else {
            continue;
        };
        let Some((num, msg)) = rest.split_once(':') else {
            continue;
        };
        if let Ok(n) = num.trim().parse::<usize>() {
            all.push((n, msg.trim().to_string()));
        }
    }
    match all.first() {
        Some((line, message)) => ValidationError {
            line: Some(*line),
            message: message.clone(),
            all: all.clone(),
        },
        None => {
            let text = format!("{}{}", stderr.trim(), stdout.trim());
            ValidationError::other(format!(
                "vtysh exited with {}{}",
                code.map(|c| c.to_string())
                    .unwrap_or_else(|| "a signal".into()),
                if text.is_empty() {
                    String::new()
                } else {
                    format!(": {text}")
                }
            ))
        }
    }
}

/// A directory removed on drop (std only; no dependency for one helper).
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
}

impl TempDir {
    pub(crate) fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "frr-render-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&path)?;
        Ok(TempDir { path })
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_line_errors() {
        let e = parse_vtysh_errors(
            "line 35: % Unknown command[28]:   nieghbor 192.168.100.2 route-map RM-IN in\nline 40: % Unknown command[3]: foo\n",
            "",
            Some(2),
        );
        assert_eq!(e.line, Some(35));
        assert!(e.message.contains("nieghbor"), "{}", e.message);
        assert_eq!(e.all.len(), 2);
        assert_eq!(e.to_string(), format!("line 35: {}", e.message));
    }

    #[test]
    fn no_line_in_output() {
        let e = parse_vtysh_errors("boom", "", Some(1));
        assert_eq!(e.line, None);
        assert_eq!(e.message, "vtysh exited with 1: boom");
    }

    #[test]
    fn missing_binary_is_an_error_not_a_panic() {
        let e = validate_with(Path::new("/nonexistent/vtysh"), "hostname x\n").unwrap_err();
        assert!(
            e.message.contains("running /nonexistent/vtysh"),
            "{}",
            e.message
        );
    }
}
