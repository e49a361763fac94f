//! bgp-decode: prints every BGP message of packet captures or raw message dumps as JSON lines.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use examples::decode::output::{Summary, event_line};
use examples::decode::{Event, Options, decode_path};

/// Decode BGP messages from packet captures or raw message dumps, one JSON object per message.
///
/// Inputs are recognised by their first bytes:
///   * pcap / pcapng captures (Ethernet, Linux cooked v1/v2, loopback or raw IP; IPv4 and
///     IPv6). Every TCP connection to or from port 179 is reassembled per direction
///     (retransmissions, overlaps and reordering handled), and each session's two OPENs set how
///     its UPDATEs are decoded (4-octet AS, ADD-PATH, extended messages).
///   * anything else is read as concatenated raw BGP messages (marker, length, type, body),
///     e.g. the .bgp files extracted from MRT dumps; use --as2 for 2-octet AS numbers.
///
/// Each output line has: file, session ("client:port->server:port"), direction
/// (forward = from the client), src, frame and timestamp (captures), offset (byte offset in
/// the TCP stream direction, or in the file for raw dumps), type, length and message (every
/// decoded field). Errors are lines with "type":"error" and are also written to stderr.
///
/// Exit status: 0 when everything decoded, 1 when any message or part of a capture failed
/// (decoding goes on with the next message), 2 when a file cannot be opened.
///
/// Examples:
///   bgp-decode session.pcap | jq 'select(.type=="UPDATE") | .message.nlri'
///   bgp-decode --summary a.pcapng dump.bgp
///   bgp-decode --as2 rrc15-1610-as2.bgp
#[derive(Parser, Debug)]
#[command(name = "bgp-decode", version, verbatim_doc_comment)]
struct Args {
    /// Capture (.pcap, .pcapng) or raw message (.bgp) files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Print counts per file (messages per type, routes announced/withdrawn, errors) instead
    /// of one line per message.
    #[arg(long)]
    summary: bool,
    /// Raw dumps (and capture sessions whose OPENs were not captured) use 2-octet AS numbers.
    #[arg(long)]
    as2: bool,
    /// Raw dumps (and capture sessions whose OPENs were not captured) may hold messages up to
    /// 65535 bytes (RFC 8654).
    #[arg(long)]
    extended_message: bool,
    /// Add each message's bytes in hex.
    #[arg(long)]
    hex: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = Options {
        as2: args.as2,
        extended_message: args.extended_message,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut total = Summary::new("total");
    let mut failed = false;
    let mut unreadable = false;
    let mut broken_pipe = false;
    for path in &args.files {
        let mut summary = Summary::new(&path.display().to_string());
        let mut sink = |ev: Event| {
            summary.add(&ev);
            if let Event::Error { at, problem } = &ev {
                eprintln!("bgp-decode: {at}: {problem}");
            }
            if ev.is_failure() {
                failed = true;
            }
            if !args.summary && !broken_pipe {
                let line = event_line(&ev, args.hex);
                if writeln!(out, "{line}").is_err() {
                    broken_pipe = true;
                }
            }
        };
        if let Err(e) = decode_path(path, &opts, &mut sink) {
            eprintln!("bgp-decode: {}: {e}", path.display());
            unreadable = true;
            continue;
        }
        if args.summary {
            let _ = writeln!(
                out,
                "{}",
                serde_json::to_string(&summary).unwrap_or_default()
            );
        }
        total.merge(&summary);
    }
    if args.summary && args.files.len() > 1 {
        let _ = writeln!(out, "{}", serde_json::to_string(&total).unwrap_or_default());
    }
    let _ = out.flush();
    if unreadable {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
