//! BGP sessions inside a capture: each TCP connection to or from port 179, its two directions,
//! and the OPENs that set the context for decoding the rest (RFC 6793, RFC 7911, RFC 8654).

use std::collections::HashMap;
use std::io::Read;
use std::net::SocketAddr;

use bgp_proto::{Message, MessageError, Open, SessionContext};

use super::framing::{Frame, Framer, Partial};
use super::packet::{TcpSegment, tcp_flags};
use super::reassembly::{Chunk, Reassembler};
use super::{Direction, Event, Location, Options, Problem};

/// The BGP port.
pub const BGP_PORT: u16 = 179;
/// Connections tracked at once; beyond this the least recently active one is closed. With the
/// reassembly and framing bounds this caps memory near 256 MiB on the most hostile capture.
pub const MAX_SESSIONS: usize = 1024;

/// One direction of a connection.
#[derive(Debug, Default)]
struct Half {
    reasm: Reassembler,
    framer: Option<Framer>,
    /// The OPEN this direction's sender sent.
    open: Option<Open>,
}

#[derive(Debug)]
struct Session {
    /// `client:port->server:port`.
    name: String,
    /// Sender of the forward direction.
    forward_src: SocketAddr,
    /// Receiver of the forward direction.
    forward_dst: SocketAddr,
    halves: [Half; 2],
    last_frame: u64,
}

impl Session {
    fn new(seg: &TcpSegment<'_>) -> Session {
        let syn_only = seg.flags & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN;
        let syn_ack =
            seg.flags & (tcp_flags::SYN | tcp_flags::ACK) == tcp_flags::SYN | tcp_flags::ACK;
        let src_is_client = if syn_only {
            true
        } else if syn_ack {
            false
        } else if seg.dst.port() == BGP_PORT && seg.src.port() != BGP_PORT {
            true
        } else {
            !(seg.src.port() == BGP_PORT && seg.dst.port() != BGP_PORT)
        };
        let (c, s) = if src_is_client {
            (seg.src, seg.dst)
        } else {
            (seg.dst, seg.src)
        };
        Session {
            name: format!("{c}->{s}"),
            forward_src: c,
            forward_dst: s,
            halves: Default::default(),
            last_frame: 0,
        }
    }
}

/// Tracks the BGP sessions of one capture and turns their segments into [`Event`]s.
pub struct Tracker<'s> {
    file: String,
    opts: Options,
    sessions: HashMap<(SocketAddr, SocketAddr), Session>,
    sink: &'s mut dyn FnMut(Event),
}

/// Where the current frame is in the capture.
#[derive(Clone, Copy, Debug)]
pub struct FrameInfo {
    /// 1-based frame number.
    pub number: u64,
    /// Capture time.
    pub timestamp: Option<f64>,
}

fn key(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b { (a, b) } else { (b, a) }
}

impl<'s> Tracker<'s> {
    /// A tracker for capture `file` delivering events to `sink`.
    pub fn new(file: &str, opts: &Options, sink: &'s mut dyn FnMut(Event)) -> Self {
        Tracker {
            file: file.to_string(),
            opts: opts.clone(),
            sessions: HashMap::new(),
            sink,
        }
    }

    /// Number of connections seen and still tracked.
    pub fn sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Reports a problem that is not inside any session (capture-file damage).
    pub fn file_error(&mut self, offset: u64, frame: Option<u64>, what: String) {
        (self.sink)(Event::Error {
            at: Location {
                file: self.file.clone(),
                frame,
                offset,
                ..Default::default()
            },
            problem: Problem::Capture(what),
        });
    }

    /// Feeds one TCP segment; segments not to or from port 179 are ignored.
    pub fn segment(&mut self, seg: &TcpSegment<'_>, frame: FrameInfo) {
        if seg.src.port() != BGP_PORT && seg.dst.port() != BGP_PORT {
            return;
        }
        let k = key(seg.src, seg.dst);
        if !self.sessions.contains_key(&k) && self.sessions.len() >= MAX_SESSIONS {
            let oldest = self
                .sessions
                .iter()
                .min_by_key(|(_, s)| s.last_frame)
                .map(|(k, _)| *k);
            if let Some(old) = oldest.and_then(|o| self.sessions.remove(&o)) {
                self.close(old, frame, "connection evicted: too many sessions");
            }
        }
        let mut s = self
            .sessions
            .remove(&k)
            .unwrap_or_else(|| Session::new(seg));
        s.last_frame = frame.number;
        let d = if seg.src == s.forward_src { 0 } else { 1 };
        let mut payload_seq = seg.seq;
        if seg.flags & tcp_flags::SYN != 0 {
            if !s.halves[d].reasm.syn(seg.seq) {
                // A new connection on the same addresses and ports.
                self.close(s, frame, "connection replaced by a new one");
                s = Session::new(seg);
                s.last_frame = frame.number;
                let _ = s.halves[d].reasm.syn(seg.seq);
            }
            payload_seq = seg.seq.wrapping_add(1);
        }
        let mut chunks = Vec::new();
        s.halves[d]
            .reasm
            .segment(payload_seq, seg.payload, &mut chunks);
        if seg.flags & tcp_flags::SYN != 0 {
            s.halves[d].reasm.syn_data(seg.payload.len());
        }
        self.deliver(&mut s, d, chunks, frame);
        self.sessions.insert(k, s);
    }

    /// The end of the capture: flushes every session.
    pub fn finish(&mut self, last: FrameInfo) {
        let mut all: Vec<_> = self.sessions.drain().map(|(_, s)| s).collect();
        all.sort_by_key(|s| s.last_frame);
        for s in all {
            self.close(s, last, "capture ends");
        }
    }

    fn close(&mut self, mut s: Session, frame: FrameInfo, reason: &'static str) {
        for d in 0..2 {
            let mut chunks = Vec::new();
            s.halves[d].reasm.finish(&mut chunks);
            self.deliver(&mut s, d, chunks, frame);
            if let Some(p) = s.halves[d].framer.as_mut().and_then(Framer::finish) {
                let at = self.location(&s, d, frame, p.offset);
                (self.sink)(Event::Unfinished {
                    at,
                    have: p.have,
                    need: p.need,
                    reason,
                });
            }
        }
    }

    fn location(&self, s: &Session, d: usize, frame: FrameInfo, offset: u64) -> Location {
        let direction = if d == 0 {
            Direction::Forward
        } else {
            Direction::Reverse
        };
        let src = if d == 0 { s.forward_src } else { s.forward_dst };
        Location {
            file: self.file.clone(),
            session: Some(s.name.clone()),
            direction: Some(direction),
            src: Some(src),
            frame: Some(frame.number),
            timestamp: frame.timestamp,
            offset,
        }
    }

    /// The context for messages of direction `d`: the receiver is "local".
    fn context(&self, s: &Session, d: usize) -> SessionContext {
        match (&s.halves[1 - d].open, &s.halves[d].open) {
            (Some(local), Some(remote)) => SessionContext::negotiate(local, remote),
            _ => self.opts.default_context(),
        }
    }

    fn deliver(&mut self, s: &mut Session, d: usize, chunks: Vec<Chunk>, frame: FrameInfo) {
        for c in chunks {
            let saw_syn = s.halves[d].reasm.saw_syn();
            let framer = s.halves[d]
                .framer
                .get_or_insert_with(|| Framer::new(saw_syn));
            match c {
                Chunk::Data { bytes, .. } => {
                    framer.push(&bytes);
                    self.frames(s, d, frame);
                }
                Chunk::Gap { offset, len } => {
                    let partial = framer.gap(len);
                    if let Some(p) = partial {
                        let at = self.location(s, d, frame, p.offset);
                        (self.sink)(incomplete(at, p, "bytes after it were not captured"));
                    }
                    let at = self.location(s, d, frame, offset);
                    (self.sink)(Event::Error {
                        at,
                        problem: Problem::Gap { len },
                    });
                }
            }
        }
    }

    fn frames(&mut self, s: &mut Session, d: usize, frame: FrameInfo) {
        loop {
            let ctx = self.context(s, d);
            let Some(framer) = s.halves[d].framer.as_mut() else {
                return;
            };
            let Some(f) = framer.next_frame(ctx.max_message_len()) else {
                return;
            };
            let ev = match f {
                Frame::Message { offset, bytes } => {
                    let at = self.location(s, d, frame, offset);
                    let ev = message_event(at, bytes, ctx);
                    if let Event::Message { decoded, .. } = &ev
                        && let Message::Open(o) = &decoded.message
                    {
                        s.halves[d].open = Some(o.clone());
                    }
                    ev
                }
                Frame::BadHeader { offset, error } => Event::Error {
                    at: self.location(s, d, frame, offset),
                    problem: Problem::Malformed(error),
                },
                Frame::Skipped { offset, len } => Event::Skipped {
                    at: self.location(s, d, frame, offset),
                    len,
                },
            };
            (self.sink)(ev);
        }
    }
}

fn incomplete(at: Location, p: Partial, reason: &'static str) -> Event {
    Event::Error {
        at,
        problem: Problem::Incomplete {
            have: p.have,
            need: p.need,
            reason,
        },
    }
}

/// Decodes one framed message with `ctx`.
pub fn message_event(at: Location, raw: Vec<u8>, ctx: SessionContext) -> Event {
    match Message::decode(&raw, &ctx) {
        Ok(decoded) => Event::Message {
            at,
            raw,
            ctx,
            decoded,
        },
        Err(MessageError::Malformed(e)) => Event::Error {
            at,
            problem: Problem::Malformed(e),
        },
        Err(MessageError::Incomplete { needed }) => Event::Error {
            at,
            problem: Problem::Incomplete {
                have: raw.len(),
                need: Some(needed),
                reason: "header length disagrees with the message",
            },
        },
    }
}

/// Decodes a raw dump of concatenated messages (no session: every message uses the options'
/// context); offsets are file offsets.
pub fn decode_raw<R: Read>(name: &str, mut input: R, opts: &Options, sink: &mut dyn FnMut(Event)) {
    let ctx = opts.default_context();
    let mut framer = Framer::new(true);
    let mut buf = vec![0u8; 1 << 16];
    let at = |offset| Location {
        file: name.to_string(),
        offset,
        ..Default::default()
    };
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                sink(Event::Error {
                    at: at(framer.end_offset()),
                    problem: Problem::Capture(format!("read error: {e}")),
                });
                return;
            }
        };
        framer.push(&buf[..n]);
        while let Some(f) = framer.next_frame(ctx.max_message_len()) {
            sink(match f {
                Frame::Message { offset, bytes } => message_event(at(offset), bytes, ctx.clone()),
                Frame::BadHeader { offset, error } => Event::Error {
                    at: at(offset),
                    problem: Problem::Malformed(error),
                },
                Frame::Skipped { offset, len } => Event::Skipped {
                    at: at(offset),
                    len,
                },
            });
        }
    }
    if let Some(p) = framer.finish() {
        sink(incomplete(at(p.offset), p, "file ends"));
    }
}
