//! Packet capture with tshark on an interface of a lab namespace.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::netns::Netns;
use super::proc::Proc;
use super::wait_for;

/// A running tshark writing a pcap file into the lab directory; stopped (file flushed) by
/// [`Capture::stop`] or when the lab is dropped.
#[derive(Debug)]
pub struct Capture {
    proc: Proc,
    path: PathBuf,
}

impl Capture {
    /// Starts capturing on `iface` in `netns` with a capture (BPF) filter such as
    /// `"tcp port 179 or udp port 3784"` (empty: everything). Returns once tshark reports
    /// `Capturing on`.
    pub fn start(netns: &Netns, iface: &str, filter: &str) -> Capture {
        let path = netns.lab_dir().join(format!(
            "{}-{iface}-{}.pcap",
            netns.short_name(),
            netns.lab.next_id()
        ));
        let p = path.display().to_string();
        let mut args = vec!["tshark", "-q", "-n", "-i", iface, "-F", "pcap", "-w", &p];
        if !filter.is_empty() {
            args.extend(["-f", filter]);
        }
        let proc = netns.spawn("tshark", &args);
        let ok = wait_for(Duration::from_secs(10), || {
            proc.log().contains("Capturing on").then_some(())
        });
        if ok.is_none() {
            panic!(
                "lab: tshark on {}/{iface} did not start capturing within 10 s:\n{}",
                netns.short_name(),
                proc.log_tail(30)
            );
        }
        Capture { proc, path }
    }

    /// Where the pcap is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stops tshark (SIGTERM: it flushes and closes the file) and returns the pcap's path.
    pub fn stop(&self) -> PathBuf {
        self.proc.kill();
        self.path.clone()
    }
}
