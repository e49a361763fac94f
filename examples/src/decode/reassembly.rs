//! In-order reassembly of one direction of a TCP connection with bounded memory.
//!
//! Retransmitted and overlapping bytes are delivered once; segments ahead of the next expected
//! byte wait in a bounded buffer until the hole is filled. When that buffer is full (or the
//! capture ends) the hole is declared lost: a [`Chunk::Gap`] tells the consumer how many bytes
//! are missing so it can resynchronise.

use std::collections::BTreeMap;

/// Bytes buffered ahead of a hole before the hole is declared lost.
pub const MAX_OUT_OF_ORDER_BYTES: usize = 64 * 1024;
/// Segments buffered ahead of a hole before the hole is declared lost.
pub const MAX_OUT_OF_ORDER_SEGMENTS: usize = 256;
/// Segments starting further than this from the next expected byte are ignored (stray or
/// forged sequence numbers), as TCP ignores segments outside the receive window.
pub const WINDOW: i64 = 16 << 20;

/// What reassembly hands to the consumer, in stream order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk {
    /// Contiguous bytes starting at stream offset `offset`.
    Data {
        /// Stream offset of the first byte (0 = first byte after the SYN).
        offset: u64,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// `len` bytes starting at stream offset `offset` were never captured.
    Gap {
        /// Stream offset of the first missing byte.
        offset: u64,
        /// Number of missing bytes.
        len: u64,
    },
}

/// One direction of a TCP connection.
#[derive(Debug, Default)]
pub struct Reassembler {
    /// Sequence number of stream offset 0, once known.
    base: Option<u32>,
    /// Whether the stream's beginning was seen (SYN), i.e. offset 0 is a message boundary.
    saw_syn: bool,
    /// Next stream offset expected.
    next: u64,
    /// Segments past a hole, by stream offset.
    pending: BTreeMap<u64, Vec<u8>>,
    pending_bytes: usize,
    /// Payload length of a SYN that carried data, until the next segment shows where it began.
    syn_data: Option<usize>,
    /// Segments ignored as out of window.
    pub ignored_segments: u64,
}

impl Reassembler {
    /// True when the stream's first byte was seen after a SYN, so it starts on a message
    /// boundary.
    pub fn saw_syn(&self) -> bool {
        self.saw_syn
    }

    /// Next stream offset expected.
    pub fn next_offset(&self) -> u64 {
        self.next
    }

    /// Bytes waiting past a hole.
    pub fn pending_bytes(&self) -> usize {
        self.pending_bytes
    }

    /// A SYN with initial sequence number `isn`. Returns false if it starts a new connection
    /// (a different ISN after data was seen); the caller then resets its state.
    pub fn syn(&mut self, isn: u32) -> bool {
        let base = isn.wrapping_add(1);
        match self.base {
            Some(b) if b == base => true,
            Some(_) if self.next > 0 || !self.pending.is_empty() => false,
            _ => {
                *self = Reassembler {
                    base: Some(base),
                    saw_syn: true,
                    ignored_segments: self.ignored_segments,
                    ..Default::default()
                };
                true
            }
        }
    }

    /// The SYN just passed to [`segment`](Self::segment) carried `len` bytes. Some capture
    /// generators put such data at the SYN's own sequence number instead of the one after it;
    /// the next segment tells which, and the stream is realigned if needed.
    pub fn syn_data(&mut self, len: usize) {
        if len > 0 {
            self.syn_data = Some(len);
        }
    }

    /// Stream offset of sequence number `seq`, unwrapped around the next expected offset.
    fn offset_of(&self, seq: u32, base: u32) -> i64 {
        let expected = base.wrapping_add(self.next as u32);
        self.next as i64 + seq.wrapping_sub(expected) as i32 as i64
    }

    /// A segment carrying `payload` at sequence number `seq`; appends what became deliverable.
    pub fn segment(&mut self, seq: u32, payload: &[u8], out: &mut Vec<Chunk>) {
        if payload.is_empty() {
            return;
        }
        let mut base = *self.base.get_or_insert(seq);
        if let Some(len) = self.syn_data.take()
            && self.next == len as u64
            && seq == base.wrapping_add(len as u32).wrapping_sub(1)
        {
            base = base.wrapping_sub(1);
            self.base = Some(base);
        }
        let at = self.offset_of(seq, base);
        let end = at + payload.len() as i64;
        let next = self.next as i64;
        if end <= next {
            return; // retransmission
        }
        if at > next + WINDOW || at < next - WINDOW {
            self.ignored_segments += 1;
            return;
        }
        if at <= next {
            let skip = (next - at) as usize;
            self.deliver(payload[skip..].to_vec(), out);
            self.drain(out);
            return;
        }
        // Ahead of a hole: keep the longest segment per offset.
        let at = at as u64;
        let keep = self
            .pending
            .get(&at)
            .is_none_or(|v| v.len() < payload.len());
        if keep {
            if let Some(old) = self.pending.insert(at, payload.to_vec()) {
                self.pending_bytes -= old.len();
            }
            self.pending_bytes += payload.len();
        }
        if self.pending_bytes > MAX_OUT_OF_ORDER_BYTES
            || self.pending.len() > MAX_OUT_OF_ORDER_SEGMENTS
        {
            self.skip_hole(out);
        }
    }

    /// Declares the current hole lost and delivers what follows it (end of capture, or the
    /// out-of-order buffer is full).
    pub fn skip_hole(&mut self, out: &mut Vec<Chunk>) {
        if let Some((&first, _)) = self.pending.iter().next() {
            if first > self.next {
                out.push(Chunk::Gap {
                    offset: self.next,
                    len: first - self.next,
                });
                self.next = first;
            }
            self.drain(out);
        }
    }

    /// Delivers every pending segment (declaring holes lost); the end of the capture.
    pub fn finish(&mut self, out: &mut Vec<Chunk>) {
        while !self.pending.is_empty() {
            self.skip_hole(out);
        }
    }

    fn deliver(&mut self, bytes: Vec<u8>, out: &mut Vec<Chunk>) {
        let offset = self.next;
        self.next += bytes.len() as u64;
        out.push(Chunk::Data { offset, bytes });
    }

    /// Delivers pending segments that now touch the next expected offset.
    fn drain(&mut self, out: &mut Vec<Chunk>) {
        while let Some(entry) = self.pending.first_entry() {
            let at = *entry.key();
            if at > self.next {
                break;
            }
            let bytes = entry.remove();
            self.pending_bytes -= bytes.len();
            let skip = (self.next - at) as usize;
            if skip < bytes.len() {
                let rest = if skip == 0 {
                    bytes
                } else {
                    bytes[skip..].to_vec()
                };
                self.deliver(rest, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(out: &[Chunk]) -> Vec<u8> {
        out.iter()
            .flat_map(|c| match c {
                Chunk::Data { bytes, .. } => bytes.clone(),
                Chunk::Gap { .. } => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn retransmissions_overlaps_and_reordering() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        assert!(r.syn(u32::MAX - 2)); // sequence numbers wrap
        let base = u32::MAX - 1;
        r.segment(base, b"abcd", &mut out);
        r.segment(base.wrapping_add(8), b"ijkl", &mut out); // ahead
        r.segment(base, b"abcd", &mut out); // retransmission
        r.segment(base.wrapping_add(2), b"cdefgh", &mut out); // overlap fills the hole
        r.segment(base.wrapping_add(10), b"klmn", &mut out); // overlap at the end
        assert_eq!(data(&out), b"abcdefghijklmn");
        assert!(out.iter().all(|c| matches!(c, Chunk::Data { .. })));
        assert_eq!(r.next_offset(), 14);
        assert_eq!(r.pending_bytes(), 0);
    }

    #[test]
    fn syn_data_without_a_sequence_number_for_the_syn() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        assert!(r.syn(1));
        r.segment(2, b"open", &mut out);
        r.syn_data(4);
        r.segment(5, b"next", &mut out); // the SYN's data started at sequence number 1
        assert_eq!(data(&out), b"opennext");
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        assert!(r.syn(1));
        r.segment(2, b"open", &mut out);
        r.syn_data(4);
        r.segment(6, b"next", &mut out); // standard: the SYN took sequence number 1
        assert_eq!(data(&out), b"opennext");
    }

    #[test]
    fn a_lost_segment_becomes_a_gap_at_the_end() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.segment(1000, b"ab", &mut out);
        r.segment(1005, b"fg", &mut out);
        assert_eq!(data(&out), b"ab");
        r.finish(&mut out);
        assert_eq!(out[1], Chunk::Gap { offset: 2, len: 3 });
        assert_eq!(data(&out), b"abfg");
        assert!(!r.saw_syn());
    }

    #[test]
    fn out_of_order_buffer_is_bounded() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.segment(0, b"x", &mut out);
        for i in 0..2000u32 {
            r.segment(10 + i * 1000, &[7u8; 1000], &mut out);
            assert!(r.pending_bytes() <= MAX_OUT_OF_ORDER_BYTES + 1000);
        }
        assert!(out.iter().any(|c| matches!(c, Chunk::Gap { .. })));
        // Far-away sequence numbers are ignored rather than buffered.
        r.segment(0x8000_0000, b"zz", &mut out);
        assert_eq!(r.ignored_segments, 1);
    }
}
