//! Applying configurations to running FRR daemons, as frr-k8s's reloader does: debounced,
//! identical configurations skipped, validated with `vtysh -C` before `frr-reload.py --reload`,
//! the last good configuration kept when conversion or reload fails, and a status equivalent to
//! `FRRNodeState` (passwords redacted).
//!
//! [`Reloader`] is sans-IO: the caller feeds conversion results and the time, asks when to wake
//! up ([`Reloader::poll_timeout`]) and calls [`Reloader::handle_timeout`]. The processes run
//! behind the [`FrrBackend`] trait, so the state machine is tested without FRR.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::convert::ConversionError;
use crate::model::Config;
use crate::render::render;
use crate::vtysh::{ValidationError, validate_with};

/// frr-k8s waits this long after the first change before reloading, to batch changes.
pub const DEBOUNCE: Duration = Duration::from_secs(3);
/// frr-k8s retries a failed reload after this long.
pub const FAILURE_RETRY: Duration = Duration::from_secs(5);
/// The result text of a successful conversion or reload.
pub const SUCCESS: &str = "success";
/// What replaces passwords in status and logs.
pub const REDACTED: &str = "<retracted>";

/// Why FRR did not take a configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReloadError {
    #[error("validation failed: {0}")]
    Invalid(#[from] ValidationError),
    #[error("reload failed: {0}")]
    Reload(String),
}

/// The processes the reloader runs.
pub trait FrrBackend {
    /// Checks the configuration without applying it.
    fn validate(&mut self, config_text: &str) -> Result<(), ValidationError>;
    /// Applies the configuration to the running daemons.
    fn reload(&mut self, config_text: &str) -> Result<(), ReloadError>;
    /// The daemons' running configuration, when it can be read.
    fn running_config(&mut self) -> Option<String>;
}

/// The real backend: `vtysh -C` and `frr-reload.py --reload` against daemons whose vty sockets
/// are in `vty_socket_dir`.
#[derive(Debug, Clone)]
pub struct FrrReloadPy {
    /// Where the daemons' vty sockets are (`--vty_socket` of the daemons).
    pub vty_socket_dir: PathBuf,
    /// A private directory: holds `frr.conf` (the file applied) and an empty `vtysh.conf`.
    pub conf_dir: PathBuf,
    /// `/usr/lib/frr/frr-reload.py`.
    pub frr_reload: PathBuf,
    /// Directory of vtysh (`/usr/bin`).
    pub bindir: PathBuf,
}

impl FrrReloadPy {
    /// The standard Debian paths; `conf_dir` is created if missing.
    pub fn new(
        vty_socket_dir: impl Into<PathBuf>,
        conf_dir: impl Into<PathBuf>,
    ) -> std::io::Result<Self> {
        let conf_dir = conf_dir.into();
        std::fs::create_dir_all(&conf_dir)?;
        let vtysh_conf = conf_dir.join("vtysh.conf");
        if !vtysh_conf.exists() {
            std::fs::write(&vtysh_conf, "")?;
        }
        let vtysh = crate::vtysh::vtysh_path();
        Ok(FrrReloadPy {
            vty_socket_dir: vty_socket_dir.into(),
            conf_dir,
            frr_reload: PathBuf::from("/usr/lib/frr/frr-reload.py"),
            bindir: vtysh
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("/usr/bin")),
        })
    }

    fn vtysh(&self) -> PathBuf {
        self.bindir.join("vtysh")
    }
}

impl FrrBackend for FrrReloadPy {
    fn validate(&mut self, config_text: &str) -> Result<(), ValidationError> {
        validate_with(&self.vtysh(), config_text)
    }

    fn reload(&mut self, config_text: &str) -> Result<(), ReloadError> {
        // The file is written as <confdir>/frr.conf so frr-reload.py does not `write` the
        // running config anywhere else.
        let file = self.conf_dir.join("frr.conf");
        std::fs::write(&file, config_text)
            .map_err(|e| ReloadError::Reload(format!("writing {}: {e}", file.display())))?;
        let out = Command::new(&self.frr_reload)
            .arg("--reload")
            .arg("--stdout")
            .arg("--bindir")
            .arg(&self.bindir)
            .arg("--confdir")
            .arg(&self.conf_dir)
            .arg("--rundir")
            .arg(&self.conf_dir)
            .arg("--vty_socket")
            .arg(&self.vty_socket_dir)
            .arg(&file)
            .output()
            .map_err(|e| {
                ReloadError::Reload(format!("running {}: {e}", self.frr_reload.display()))
            })?;
        if out.status.success() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        let last: Vec<&str> = text
            .lines()
            .chain(err.lines())
            .filter(|l| !l.trim().is_empty())
            .collect();
        let tail = last[last.len().saturating_sub(5)..].join("\n");
        Err(ReloadError::Reload(format!(
            "frr-reload.py exited with {}: {}",
            out.status,
            redact_passwords(&tail)
        )))
    }

    fn running_config(&mut self) -> Option<String> {
        let out = Command::new(self.vtysh())
            .arg("--vty_socket")
            .arg(&self.vty_socket_dir)
            .arg("--config_dir")
            .arg(&self.conf_dir)
            .arg("-c")
            .arg("show running-config")
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// Replaces the secret of every `neighbor X password SECRET` line with [`REDACTED`].
pub fn redact_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() >= 4 && words[0] == "neighbor" && words[2] == "password" {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!(
                "{indent}neighbor {} password {REDACTED}",
                words[1]
            ));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The status frr-k8s publishes in `FRRNodeState.status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStatus {
    /// `success` or the error of the last conversion.
    pub last_conversion_result: String,
    /// `success` or the error of the last reload.
    pub last_reload_result: String,
    /// FRR's running configuration (or the last applied one), passwords redacted.
    pub running_config: String,
}

impl NodeStatus {
    /// As the `FRRNodeState` object of `node`.
    pub fn to_frr_node_state(&self, node: &str) -> crd_model::FRRNodeState {
        crd_model::FRRNodeState {
            metadata: crd_model::ObjectMeta::named(node, ""),
            status: crd_model::FRRNodeStateStatus {
                running_config: self.running_config.clone(),
                last_conversion_result: self.last_conversion_result.clone(),
                last_reload_result: self.last_reload_result.clone(),
            },
            ..Default::default()
        }
    }
}

/// What happened in one [`Reloader::handle_timeout`] call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReloadOutcome {
    /// Nothing was due.
    Idle,
    /// The pending configuration was applied.
    Applied,
    /// `vtysh -C` rejected it; the last good configuration stays (no retry until a new one).
    Rejected(ReloadError),
    /// frr-reload.py failed; retried after the failure interval.
    Failed(ReloadError),
}

/// The reload state machine of one node.
#[derive(Debug)]
pub struct Reloader<B> {
    backend: B,
    debounce: Duration,
    failure_retry: Duration,
    /// Text of the newest accepted configuration (pending or applied).
    latest: Option<String>,
    /// Text FRR runs (the last good configuration).
    applied: Option<String>,
    deadline: Option<Instant>,
    status: NodeStatus,
}

impl<B: FrrBackend> Reloader<B> {
    /// A reloader with frr-k8s's timings (3 s debounce, 5 s retry).
    pub fn new(backend: B) -> Self {
        Self::with_timing(backend, DEBOUNCE, FAILURE_RETRY)
    }

    pub fn with_timing(backend: B, debounce: Duration, failure_retry: Duration) -> Self {
        Reloader {
            backend,
            debounce,
            failure_retry,
            latest: None,
            applied: None,
            deadline: None,
            status: NodeStatus::default(),
        }
    }

    /// Feeds the result of converting the node's FRRConfigurations. A failed conversion is
    /// recorded and leaves FRR on its last good configuration. Returns true when a reload got
    /// scheduled (false for errors and for configurations identical to the newest one).
    pub fn submit(&mut self, now: Instant, conversion: Result<&Config, &ConversionError>) -> bool {
        match conversion {
            Err(e) => {
                self.status.last_conversion_result = e.message.clone();
                false
            }
            Ok(config) => {
                self.status.last_conversion_result = SUCCESS.to_string();
                self.submit_text(now, render(config))
            }
        }
    }

    /// Feeds an already rendered configuration.
    pub fn submit_text(&mut self, now: Instant, text: String) -> bool {
        if self.latest.as_deref() == Some(text.as_str()) {
            return false;
        }
        self.latest = Some(text);
        if self.deadline.is_none() {
            self.deadline = Some(now + self.debounce);
        }
        true
    }

    /// When [`Reloader::handle_timeout`] should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    /// Applies the newest configuration if its time has come.
    pub fn handle_timeout(&mut self, now: Instant) -> ReloadOutcome {
        match self.deadline {
            Some(d) if d <= now => {}
            _ => return ReloadOutcome::Idle,
        }
        self.deadline = None;
        let Some(text) = self.latest.clone() else {
            return ReloadOutcome::Idle;
        };
        if self.applied.as_deref() == Some(text.as_str()) {
            return ReloadOutcome::Idle;
        }
        if let Err(e) = self.backend.validate(&text) {
            let e = ReloadError::Invalid(e);
            self.status.last_reload_result = redact_passwords(&e.to_string());
            return ReloadOutcome::Rejected(e);
        }
        match self.backend.reload(&text) {
            Ok(()) => {
                let running = self
                    .backend
                    .running_config()
                    .unwrap_or_else(|| text.clone());
                self.status.running_config = redact_passwords(&running);
                self.status.last_reload_result = SUCCESS.to_string();
                self.applied = Some(text);
                ReloadOutcome::Applied
            }
            Err(e) => {
                self.status.last_reload_result = redact_passwords(&e.to_string());
                self.deadline = Some(now + self.failure_retry);
                ReloadOutcome::Failed(e)
            }
        }
    }

    /// Re-reads FRR's running configuration into the status (frr-k8s polls it).
    pub fn refresh_running_config(&mut self) {
        if let Some(running) = self.backend.running_config() {
            self.status.running_config = redact_passwords(&running);
        }
    }

    pub fn status(&self) -> &NodeStatus {
        &self.status
    }

    /// The configuration FRR runs (the last one applied successfully), with passwords.
    pub fn applied(&self) -> Option<&str> {
        self.applied.as_deref()
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NeighborConfig, Password, PeerAsn, RouterConfig};

    #[derive(Default, Debug)]
    struct Fake {
        validated: Vec<String>,
        reloaded: Vec<String>,
        reject: bool,
        fail_reloads: usize,
    }

    impl FrrBackend for Fake {
        fn validate(&mut self, t: &str) -> Result<(), ValidationError> {
            self.validated.push(t.to_string());
            if self.reject {
                return Err(ValidationError {
                    line: Some(3),
                    message: "% Unknown command".into(),
                    all: vec![],
                });
            }
            Ok(())
        }
        fn reload(&mut self, t: &str) -> Result<(), ReloadError> {
            if self.fail_reloads > 0 {
                self.fail_reloads -= 1;
                return Err(ReloadError::Reload("bgpd not running".into()));
            }
            self.reloaded.push(t.to_string());
            Ok(())
        }
        fn running_config(&mut self) -> Option<String> {
            self.reloaded.last().cloned()
        }
    }

    fn config(asn: u32, password: &str) -> Config {
        Config {
            hostname: "node1".into(),
            routers: vec![RouterConfig {
                my_asn: asn,
                neighbors: vec![NeighborConfig {
                    asn: PeerAsn::Number(65001),
                    addr: Some("192.168.1.2".parse().unwrap()),
                    password: Password(password.into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn debounces_and_applies_the_latest() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake::default());
        assert!(r.submit(t0, Ok(&config(1, ""))));
        assert_eq!(r.poll_timeout(), Some(t0 + DEBOUNCE));
        // A second change within the window does not move the deadline but replaces the config.
        assert!(r.submit(t0 + Duration::from_secs(1), Ok(&config(2, ""))));
        assert_eq!(r.poll_timeout(), Some(t0 + DEBOUNCE));
        assert_eq!(
            r.handle_timeout(t0 + Duration::from_secs(2)),
            ReloadOutcome::Idle
        );
        assert_eq!(r.handle_timeout(t0 + DEBOUNCE), ReloadOutcome::Applied);
        assert_eq!(r.backend().reloaded.len(), 1);
        assert!(r.backend().reloaded[0].contains("router bgp 2\n"));
        assert_eq!(r.status().last_reload_result, SUCCESS);
        assert_eq!(r.status().last_conversion_result, SUCCESS);
        assert_eq!(r.poll_timeout(), None);
    }

    #[test]
    fn identical_config_is_skipped() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake::default());
        r.submit(t0, Ok(&config(1, "")));
        r.handle_timeout(t0 + DEBOUNCE);
        assert!(!r.submit(t0 + Duration::from_secs(10), Ok(&config(1, ""))));
        assert_eq!(r.poll_timeout(), None);
        assert_eq!(r.backend().reloaded.len(), 1);
    }

    #[test]
    fn conversion_error_keeps_last_good_config() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake::default());
        r.submit(t0, Ok(&config(1, "")));
        r.handle_timeout(t0 + DEBOUNCE);
        let err = ConversionError {
            message: "multiple asns specified for 192.168.1.2".into(),
            config: None,
            transient: false,
        };
        assert!(!r.submit(t0 + Duration::from_secs(9), Err(&err)));
        assert_eq!(
            r.status().last_conversion_result,
            "multiple asns specified for 192.168.1.2"
        );
        assert_eq!(r.status().last_reload_result, SUCCESS);
        assert!(r.applied().unwrap().contains("router bgp 1\n"));
        assert_eq!(r.poll_timeout(), None);
    }

    #[test]
    fn failed_reload_is_retried_and_keeps_last_good() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake::default());
        r.submit(t0, Ok(&config(1, "")));
        r.handle_timeout(t0 + DEBOUNCE);
        r.backend_mut().fail_reloads = 1;
        r.submit(t0 + Duration::from_secs(10), Ok(&config(2, "")));
        let t1 = t0 + Duration::from_secs(13);
        assert!(matches!(r.handle_timeout(t1), ReloadOutcome::Failed(_)));
        assert_eq!(
            r.status().last_reload_result,
            "reload failed: bgpd not running"
        );
        assert!(r.applied().unwrap().contains("router bgp 1\n"));
        assert_eq!(r.poll_timeout(), Some(t1 + FAILURE_RETRY));
        assert_eq!(r.handle_timeout(t1 + FAILURE_RETRY), ReloadOutcome::Applied);
        assert!(r.applied().unwrap().contains("router bgp 2\n"));
    }

    #[test]
    fn invalid_config_is_not_applied() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake {
            reject: true,
            ..Default::default()
        });
        r.submit(t0, Ok(&config(1, "")));
        assert!(matches!(
            r.handle_timeout(t0 + DEBOUNCE),
            ReloadOutcome::Rejected(_)
        ));
        assert!(r.backend().reloaded.is_empty());
        assert_eq!(
            r.status().last_reload_result,
            "validation failed: line 3: % Unknown command"
        );
        assert_eq!(r.applied(), None);
        assert_eq!(r.poll_timeout(), None);
    }

    #[test]
    fn status_redacts_passwords() {
        let t0 = Instant::now();
        let mut r = Reloader::new(Fake::default());
        r.submit(t0, Ok(&config(1, "t0ps3cret")));
        r.handle_timeout(t0 + DEBOUNCE);
        assert!(r.backend().reloaded[0].contains("password t0ps3cret"));
        let s = r.status();
        assert!(!s.running_config.contains("t0ps3cret"));
        assert!(
            s.running_config
                .contains("  neighbor 192.168.1.2 password <retracted>\n"),
            "{}",
            s.running_config
        );
        let state = s.to_frr_node_state("node1");
        assert_eq!(state.metadata.name, "node1");
        assert!(!serde_json::to_string(&state).unwrap().contains("t0ps3cret"));
        assert!(!format!("{:?}", config(1, "t0ps3cret")).contains("t0ps3cret"));
    }

    #[test]
    fn redaction_keeps_other_lines() {
        let t = "a\n neighbor 10.0.0.1 password x y\nneighbor eth0 remote-as 1\n";
        assert_eq!(
            redact_passwords(t),
            "a\n neighbor 10.0.0.1 password <retracted>\nneighbor eth0 remote-as 1\n"
        );
    }
}
