//! The `bgp-decode` tool's engine: BGP messages out of packet captures (pcap, pcapng) and raw
//! message dumps, with the session context each message needs.
//!
//! The pipeline mirrors the layers: [`capture`] reads frames, [`packet`] finds TCP segments,
//! [`reassembly`] restores each direction's byte stream, [`framing`] cuts it into messages
//! (resynchronising after damage), and [`session`] tracks each connection's OPENs so
//! UPDATEs decode with the negotiated 4-octet AS, ADD-PATH and extended-message settings.
//! Everything is bounded: hostile captures cannot make it buffer more than a few hundred KiB per
//! connection, nor track more than [`session::MAX_SESSIONS`] connections.
//!
//! Output goes to a caller's [`Event`] sink; [`output`] turns events into JSON lines and
//! summaries.

pub mod capture;
pub mod framing;
pub mod fuzzing;
pub mod output;
pub mod packet;
pub mod reassembly;
pub mod session;
pub mod synth;

use std::fmt;
use std::io::Read;
use std::net::SocketAddr;
use std::path::Path;

use bgp_proto::{DecodeError, Decoded, SessionContext};

/// How to decode.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Raw dumps, and sessions whose OPENs were not captured, use 2-octet AS numbers.
    pub as2: bool,
    /// Raw dumps, and sessions whose OPENs were not captured, allow 65535-octet messages.
    pub extended_message: bool,
}

impl Options {
    /// The context used when no OPEN pair says otherwise.
    pub fn default_context(&self) -> SessionContext {
        SessionContext {
            four_octet_as: !self.as2,
            extended_message: self.extended_message,
            ..Default::default()
        }
    }
}

/// Which way a message went within its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the session's first-named endpoint (the connecting side when known).
    Forward,
    /// Towards it.
    Reverse,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Forward => "forward",
            Direction::Reverse => "reverse",
        })
    }
}

/// Where something was found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    /// The input file as named on the command line.
    pub file: String,
    /// `client:port->server:port` for captures (the connecting side first when known).
    pub session: Option<String>,
    /// Direction within the session.
    pub direction: Option<Direction>,
    /// The sender, for captures.
    pub src: Option<SocketAddr>,
    /// 1-based capture frame that completed the message (captures only).
    pub frame: Option<u64>,
    /// Capture time of that frame, seconds since the epoch.
    pub timestamp: Option<f64>,
    /// Byte offset of the message: in the direction's TCP stream for captures (0 = first byte
    /// after the SYN, or the first byte captured), in the file for raw dumps and capture-file
    /// errors.
    pub offset: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(s) = &self.session {
            write!(f, " session {s}")?;
            if let Some(src) = &self.src {
                write!(f, " (from {src})")?;
            }
        }
        if let Some(n) = self.frame {
            write!(f, " frame {n}")?;
        }
        write!(f, " offset {}", self.offset)
    }
}

/// A problem that made a message (or part of a capture) undecodable.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// The codec rejected the message (session reset per RFC 4271/7606).
    Malformed(DecodeError),
    /// The stream ended, or lost bytes, inside a message.
    Incomplete {
        /// Bytes received.
        have: usize,
        /// Bytes the header announced, if the header was complete.
        need: Option<usize>,
        /// Why no more bytes came.
        reason: &'static str,
    },
    /// Bytes of a TCP stream that were never captured.
    Gap {
        /// Missing bytes.
        len: u64,
    },
    /// The capture file itself is damaged.
    Capture(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed(e) => write!(f, "malformed message: {e}"),
            Problem::Incomplete { have, need, reason } => match need {
                Some(n) => write!(f, "incomplete message: {have} of {n} bytes ({reason})"),
                None => write!(f, "incomplete message header: {have} bytes ({reason})"),
            },
            Problem::Gap { len } => write!(f, "{len} bytes of the TCP stream were not captured"),
            Problem::Capture(s) => write!(f, "capture file: {s}"),
        }
    }
}

/// What decoding produces, in input order.
#[derive(Clone, Debug)]
pub enum Event {
    /// A decoded message.
    Message {
        /// Where.
        at: Location,
        /// The message bytes.
        raw: Vec<u8>,
        /// The context it was decoded with.
        ctx: SessionContext,
        /// The message and its RFC 7606 non-fatal errors.
        decoded: Decoded,
    },
    /// A message or part of the input that failed.
    Error {
        /// Where.
        at: Location,
        /// What.
        problem: Problem,
    },
    /// A connection's capture ended inside a message (the capture stopped, or the connection
    /// was closed or evicted): not a decoding failure.
    Unfinished {
        /// Where the message starts.
        at: Location,
        /// Bytes captured.
        have: usize,
        /// Bytes the header announced, when the header was complete.
        need: Option<usize>,
        /// Why no more bytes came.
        reason: &'static str,
    },
    /// Bytes skipped while looking for a message header (capture started mid-stream, or
    /// resynchronising after an error reported just before).
    Skipped {
        /// Where the skipped bytes start.
        at: Location,
        /// How many.
        len: u64,
    },
}

impl Event {
    /// Where the event happened.
    pub fn location(&self) -> &Location {
        match self {
            Event::Message { at, .. }
            | Event::Error { at, .. }
            | Event::Skipped { at, .. }
            | Event::Unfinished { at, .. } => at,
        }
    }

    /// True for failures: errors, and messages with RFC 7606 errors.
    pub fn is_failure(&self) -> bool {
        match self {
            Event::Message { decoded, .. } => !decoded.errors.is_empty(),
            Event::Error { .. } => true,
            Event::Skipped { .. } | Event::Unfinished { .. } => false,
        }
    }
}

/// The kind of input, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Classic pcap (any byte order, micro- or nanosecond).
    Pcap,
    /// pcapng.
    PcapNg,
    /// Concatenated BGP messages.
    Raw,
}

impl InputKind {
    /// Detects the kind from the first four bytes.
    pub fn sniff(head: &[u8]) -> InputKind {
        match head {
            [0xd4, 0xc3, 0xb2, 0xa1, ..]
            | [0xa1, 0xb2, 0xc3, 0xd4, ..]
            | [0x4d, 0x3c, 0xb2, 0xa1, ..]
            | [0xa1, 0xb2, 0x3c, 0x4d, ..] => InputKind::Pcap,
            [0x0a, 0x0d, 0x0d, 0x0a, ..] => InputKind::PcapNg,
            _ => InputKind::Raw,
        }
    }
}

/// Decodes `input` (a capture or a raw dump, detected from its first bytes), calling `sink` for
/// every event. `name` labels the events.
pub fn decode_reader<R: Read + Send>(
    name: &str,
    mut input: R,
    opts: &Options,
    sink: &mut dyn FnMut(Event),
) {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match input.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                sink(Event::Error {
                    at: Location {
                        file: name.to_string(),
                        ..Default::default()
                    },
                    problem: Problem::Capture(format!("read error: {e}")),
                });
                return;
            }
        }
    }
    let chained = std::io::Cursor::new(head[..got].to_vec()).chain(input);
    match InputKind::sniff(&head[..got]) {
        InputKind::Pcap | InputKind::PcapNg => capture::decode_capture(name, chained, opts, sink),
        InputKind::Raw => session::decode_raw(name, chained, opts, sink),
    }
}

/// Decodes a file (see [`decode_reader`]).
pub fn decode_path(
    path: &Path,
    opts: &Options,
    sink: &mut dyn FnMut(Event),
) -> std::io::Result<()> {
    let f = std::fs::File::open(path)?;
    decode_reader(
        &path.display().to_string(),
        std::io::BufReader::with_capacity(1 << 16, f),
        opts,
        sink,
    );
    Ok(())
}

/// Decodes bytes held in memory (see [`decode_reader`]); the events in a vector.
pub fn decode_bytes(name: &str, data: &[u8], opts: &Options) -> Vec<Event> {
    let mut v = Vec::new();
    decode_reader(name, data, opts, &mut |e| v.push(e));
    v
}
