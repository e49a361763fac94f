//! Splits one direction's byte stream into BGP messages by their headers (RFC 4271 §4.1), and
//! resynchronises on the next plausible header after garbage, corruption or lost bytes.

use bgp_proto::wire::header::{HEADER_LEN, Header, MARKER, MessageType};
use bgp_proto::{DecodeError, MessageError};

/// What [`Framer::next_frame`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A whole message (header included) at stream offset `offset`.
    Message {
        /// Stream offset of the marker.
        offset: u64,
        /// The message bytes.
        bytes: Vec<u8>,
    },
    /// The header at `offset` is invalid; the framer now scans for the next header.
    BadHeader {
        /// Stream offset of the bad header.
        offset: u64,
        /// The codec's verdict.
        error: DecodeError,
    },
    /// Bytes at `offset` that belong to no message were skipped while resynchronising.
    Skipped {
        /// Stream offset of the first skipped byte.
        offset: u64,
        /// Bytes skipped.
        len: u64,
    },
}

/// A message in progress when a stream ended or lost bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partial {
    /// Stream offset of the message's first byte.
    pub offset: u64,
    /// Bytes received.
    pub have: usize,
    /// Bytes the header announced, when the header was complete.
    pub need: Option<usize>,
}

/// Message framing for one direction; holds at most one incomplete message.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// Looking for a header rather than expecting one at `buf[0]`.
    syncing: bool,
}

/// Whether `b` (at least a header long) starts with a header a sender could have written.
fn plausible(b: &[u8], max_len: usize) -> bool {
    let len = u16::from_be_bytes([b[16], b[17]]) as usize;
    b[..16] == MARKER
        && (HEADER_LEN..=max_len).contains(&len)
        && MessageType::from_u8(b[18]).is_some()
}

impl Framer {
    /// A framer for a stream whose first byte starts a message (`synced`), or which must first
    /// look for a header (a capture that began mid-stream).
    pub fn new(synced: bool) -> Self {
        Framer {
            syncing: !synced,
            ..Default::default()
        }
    }

    /// Stream offset of the next byte expected.
    pub fn end_offset(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// Bytes held.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Appends bytes that follow what was pushed before.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// `len` bytes at the end of the stream were lost: returns the message they cut, if one
    /// was in progress, and resynchronises after them.
    pub fn gap(&mut self, len: u64) -> Option<Partial> {
        let partial = self.partial();
        self.base = self.end_offset() + len;
        self.buf.clear();
        self.syncing = true;
        partial
    }

    /// The end of the stream: the message left incomplete, if any.
    pub fn finish(&mut self) -> Option<Partial> {
        let p = self.partial();
        self.base = self.end_offset();
        self.buf.clear();
        p
    }

    fn partial(&self) -> Option<Partial> {
        if self.syncing || self.buf.is_empty() {
            return None;
        }
        let need = (self.buf.len() >= HEADER_LEN)
            .then(|| u16::from_be_bytes([self.buf[16], self.buf[17]]) as usize);
        Some(Partial {
            offset: self.base,
            have: self.buf.len(),
            need,
        })
    }

    fn consume(&mut self, n: usize) -> Vec<u8> {
        let rest = self.buf.split_off(n);
        self.base += n as u64;
        std::mem::replace(&mut self.buf, rest)
    }

    /// The next frame; `None` when more bytes are needed. `max_len` is the session's maximum
    /// message size (4096, or 65535 with extended messages).
    pub fn next_frame(&mut self, max_len: usize) -> Option<Frame> {
        if self.syncing {
            return self.resync(max_len);
        }
        if self.buf.len() < HEADER_LEN {
            return None;
        }
        match Header::parse(&self.buf, max_len) {
            Ok(h) => {
                let len = h.length as usize;
                if self.buf.len() < len {
                    return None;
                }
                let offset = self.base;
                Some(Frame::Message {
                    offset,
                    bytes: self.consume(len),
                })
            }
            Err(MessageError::Incomplete { .. }) => None,
            Err(MessageError::Malformed(error)) => {
                let offset = self.base;
                // Skip one byte so the scan does not find this header again.
                self.consume(1);
                self.syncing = true;
                Some(Frame::BadHeader { offset, error })
            }
        }
    }

    /// Scans for the next plausible header; reports the bytes skipped before it.
    fn resync(&mut self, max_len: usize) -> Option<Frame> {
        let mut p = 0;
        while p + HEADER_LEN <= self.buf.len() {
            if plausible(&self.buf[p..], max_len) {
                self.syncing = false;
                if p == 0 {
                    return self.next_frame(max_len);
                }
                let offset = self.base;
                self.consume(p);
                return Some(Frame::Skipped {
                    offset,
                    len: p as u64,
                });
            }
            p += 1;
        }
        // Keep a possible partial header at the end; drop the rest.
        let drop = self.buf.len().saturating_sub(HEADER_LEN - 1);
        if drop == 0 {
            return None;
        }
        let offset = self.base;
        self.consume(drop);
        Some(Frame::Skipped {
            offset,
            len: drop as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keepalive() -> Vec<u8> {
        let mut v = MARKER.to_vec();
        v.extend_from_slice(&[0, 19, 4]);
        v
    }

    fn frames(f: &mut Framer) -> Vec<Frame> {
        std::iter::from_fn(|| f.next_frame(4096)).collect()
    }

    #[test]
    fn splits_byte_by_byte() {
        let mut f = Framer::new(true);
        let all = [keepalive(), keepalive()].concat();
        let mut got = Vec::new();
        for b in &all {
            f.push(&[*b]);
            got.extend(frames(&mut f));
        }
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[1], Frame::Message { offset: 19, bytes } if bytes == &keepalive()));
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn resyncs_after_garbage_and_bad_headers() {
        let mut f = Framer::new(false);
        let mut bad = keepalive();
        bad[3] = 0;
        let all = [b"junk".to_vec(), keepalive(), bad, keepalive()].concat();
        f.push(&all);
        let got = frames(&mut f);
        assert_eq!(got[0], Frame::Skipped { offset: 0, len: 4 });
        assert!(matches!(got[1], Frame::Message { offset: 4, .. }));
        assert!(matches!(got[2], Frame::BadHeader { offset: 23, .. }));
        assert_eq!(
            got[3],
            Frame::Skipped {
                offset: 24,
                len: 18
            }
        );
        assert!(matches!(got[4], Frame::Message { offset: 42, .. }));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn a_gap_reports_the_cut_message() {
        let mut f = Framer::new(true);
        f.push(&keepalive()[..10]);
        assert!(frames(&mut f).is_empty());
        let p = f.gap(5).unwrap();
        assert_eq!((p.offset, p.have, p.need), (0, 10, None));
        f.push(&keepalive()[15..]);
        f.push(&keepalive());
        let got = frames(&mut f);
        assert!(
            matches!(got.last(), Some(Frame::Message { offset: 19, .. })),
            "{got:?}"
        );
    }
}
