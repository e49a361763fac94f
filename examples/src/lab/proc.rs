//! Running commands and tracking the processes a lab starts.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::LabInner;

/// Renders a command line for error messages.
pub(crate) fn cmdline(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `cmd` to completion; panics only if it cannot be started.
pub(crate) fn output(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("lab: cannot run `{}`: {e}", cmdline(cmd)))
}

/// Runs `cmd`, panics unless it exits 0; returns stdout.
pub(crate) fn check(cmd: &mut Command) -> String {
    let out = output(cmd);
    if !out.status.success() {
        panic!(
            "lab: `{}` failed ({}):\n{}{}",
            cmdline(cmd),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The last `n` lines of a log file (or a note that it cannot be read).
pub fn log_tail(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let start = lines.len().saturating_sub(n);
            format!(
                "--- last {} lines of {} ---\n{}\n",
                lines.len() - start,
                path.display(),
                lines[start..].join("\n")
            )
        }
        Err(e) => format!("--- {}: {e} ---\n", path.display()),
    }
}

pub(crate) fn is_zombie(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rfind(')')
                .and_then(|i| s[i + 1..].split_whitespace().next().map(|st| st == "Z"))
        })
        .unwrap_or(false)
}

pub(crate) fn exe_of(pid: i32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// A process the lab started and kills at teardown.
pub(crate) struct Tracked {
    pub(crate) name: String,
    pub(crate) pid: i32,
    /// Our child: its PID cannot be recycled before we reap it.
    child: Option<Child>,
    /// For daemons that forked away (FRR `-d`): the executable seen when we learned the PID,
    /// re-checked before any signal so a recycled PID is never hit.
    exe: Option<PathBuf>,
}

impl Tracked {
    pub(crate) fn child(name: &str, child: Child) -> Tracked {
        Tracked {
            name: name.to_string(),
            pid: child.id() as i32,
            child: Some(child),
            exe: None,
        }
    }

    /// A daemon known by PID; `None` if the PID is not running.
    pub(crate) fn daemon(name: &str, pid: i32) -> Option<Tracked> {
        let exe = exe_of(pid)?;
        Some(Tracked {
            name: name.to_string(),
            pid,
            child: None,
            exe: Some(exe),
        })
    }

    pub(crate) fn alive(&mut self) -> bool {
        match &mut self.child {
            Some(c) => matches!(c.try_wait(), Ok(None)),
            None => {
                !is_zombie(self.pid) && exe_of(self.pid).is_some() && exe_of(self.pid) == self.exe
            }
        }
    }

    fn signal(&mut self, sig: libc::c_int) {
        if self.alive() {
            // SAFETY: kill has no memory-safety preconditions; the PID was checked above.
            unsafe { libc::kill(self.pid, sig) };
        }
    }
}

/// SIGTERM to every live process, SIGKILL to those still alive after `grace`, reap children.
pub(crate) fn terminate(mut procs: Vec<Tracked>, grace: Duration) {
    for p in &mut procs {
        p.signal(libc::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while procs.iter_mut().any(|p| p.alive()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    for p in &mut procs {
        if p.alive() {
            eprintln!("lab: {} (pid {}) ignored SIGTERM, killing", p.name, p.pid);
            p.signal(libc::SIGKILL);
        }
        if let Some(c) = &mut p.child {
            let _ = c.wait();
        }
    }
}

impl std::fmt::Debug for Proc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proc")
            .field("pid", &self.pid)
            .field("log", &self.log)
            .finish()
    }
}

/// A background process started with [`Netns::spawn`](super::Netns::spawn); killed when the
/// lab is dropped, or earlier with [`Proc::kill`].
pub struct Proc {
    pub(crate) lab: Arc<LabInner>,
    pub(crate) pid: i32,
    pub(crate) log: PathBuf,
}

impl Proc {
    /// The process id (the program itself: `ip netns exec` execs it).
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// File receiving its stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Its output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Last `n` lines of its output, with a header (for panic messages).
    pub fn log_tail(&self, n: usize) -> String {
        log_tail(&self.log, n)
    }

    /// Whether it is still running.
    pub fn is_running(&self) -> bool {
        self.lab.is_running(self.pid)
    }

    /// Stops it now (SIGTERM, then SIGKILL after 3 s).
    pub fn kill(&self) {
        self.lab.untrack_kill(self.pid)
    }
}
