//! Synthetic captures: TCP conversations over Ethernet/IPv4 written as a classic pcap, with
//! correct lengths and checksums. Tests use them to hand our encoder's bytes to tshark and to
//! build damaged captures; the fuzz corpus is seeded with them.

use std::net::SocketAddrV4;

use super::packet::tcp_flags;

/// Largest TCP payload per frame.
pub const MSS: usize = 1400;

/// One TCP connection, both directions, starting with the three-way handshake.
#[derive(Clone, Debug)]
pub struct Conversation {
    client: SocketAddrV4,
    server: SocketAddrV4,
    /// Next sequence number of each direction (client, server).
    next: [u32; 2],
    frames: Vec<Vec<u8>>,
}

fn checksum(chunks: &[&[u8]]) -> u16 {
    let mut sum = 0u32;
    for c in chunks {
        let mut it = c.chunks_exact(2);
        for w in &mut it {
            sum += u16::from_be_bytes([w[0], w[1]]) as u32;
        }
        if let [b] = it.remainder() {
            sum += (*b as u32) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

impl Conversation {
    /// A connection from `client` to `server`, with SYN, SYN-ACK and ACK already captured.
    pub fn new(client: SocketAddrV4, server: SocketAddrV4) -> Self {
        let mut c = Conversation {
            client,
            server,
            next: [0x1000_0000, 0x7000_0000],
            frames: Vec::new(),
        };
        c.segment(true, tcp_flags::SYN, &[]);
        c.next[0] = c.next[0].wrapping_add(1);
        c.segment(false, tcp_flags::SYN | tcp_flags::ACK, &[]);
        c.next[1] = c.next[1].wrapping_add(1);
        c.segment(true, tcp_flags::ACK, &[]);
        c
    }

    /// Sends `payload` from the client (or the server), in segments of at most [`MSS`] bytes.
    pub fn send(&mut self, from_client: bool, payload: &[u8]) {
        for chunk in payload.chunks(MSS) {
            self.segment(from_client, tcp_flags::ACK | 0x08, chunk);
            let d = usize::from(!from_client);
            self.next[d] = self.next[d].wrapping_add(chunk.len() as u32);
        }
    }

    /// Appends a raw segment with explicit sequence number (for retransmission and reordering
    /// tests); does not advance the stream.
    pub fn raw_segment(&mut self, from_client: bool, seq: u32, payload: &[u8]) {
        let frame = self.frame(from_client, seq, tcp_flags::ACK | 0x08, payload);
        self.frames.push(frame);
    }

    /// Next sequence number of a direction.
    pub fn next_seq(&self, from_client: bool) -> u32 {
        self.next[usize::from(!from_client)]
    }

    /// The Ethernet frames so far.
    pub fn frames(&self) -> &[Vec<u8>] {
        &self.frames
    }

    fn segment(&mut self, from_client: bool, flags: u8, payload: &[u8]) {
        let seq = self.next_seq(from_client);
        let frame = self.frame(from_client, seq, flags, payload);
        self.frames.push(frame);
    }

    fn frame(&self, from_client: bool, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let (src, dst) = if from_client {
            (self.client, self.server)
        } else {
            (self.server, self.client)
        };
        let ack = if flags & tcp_flags::ACK != 0 {
            self.next_seq(!from_client)
        } else {
            0
        };
        let mut tcp = Vec::with_capacity(20 + payload.len());
        tcp.extend_from_slice(&src.port().to_be_bytes());
        tcp.extend_from_slice(&dst.port().to_be_bytes());
        tcp.extend_from_slice(&seq.to_be_bytes());
        tcp.extend_from_slice(&ack.to_be_bytes());
        tcp.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        tcp.extend_from_slice(payload);
        let tcp_len = (tcp.len() as u16).to_be_bytes();
        let pseudo = [
            &src.ip().octets()[..],
            &dst.ip().octets()[..],
            &[0, 6],
            &tcp_len[..],
        ]
        .concat();
        let c = checksum(&[&pseudo, &tcp]);
        tcp[16..18].copy_from_slice(&c.to_be_bytes());

        let total = (20 + tcp.len()) as u16;
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&total.to_be_bytes());
        ip.extend_from_slice(&[0, 0, 0x40, 0, 64, 6, 0, 0]);
        ip.extend_from_slice(&src.ip().octets());
        ip.extend_from_slice(&dst.ip().octets());
        let c = checksum(&[&ip]);
        ip[10..12].copy_from_slice(&c.to_be_bytes());

        let mac = |a: &SocketAddrV4| {
            let o = a.ip().octets();
            [0x02, 0, o[0], o[1], o[2], o[3]]
        };
        let mut f = Vec::with_capacity(14 + ip.len() + tcp.len());
        f.extend_from_slice(&mac(&dst));
        f.extend_from_slice(&mac(&src));
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&ip);
        f.extend_from_slice(&tcp);
        f
    }
}

/// A classic little-endian microsecond pcap of Ethernet `frames`, one millisecond apart.
pub fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        let t = 1_700_000_000_000u64 + i as u64;
        out.extend_from_slice(&((t / 1000) as u32).to_le_bytes());
        out.extend_from_slice(&(((t % 1000) * 1000) as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::packet::{linktype, tcp_segment};

    #[test]
    fn frames_parse_back_with_valid_checksums() {
        let mut c = Conversation::new(
            "192.0.2.1:40000".parse().unwrap(),
            "192.0.2.2:179".parse().unwrap(),
        );
        c.send(true, &[7u8; 3000]);
        assert_eq!(c.frames().len(), 3 + 3);
        let s = tcp_segment(linktype::ETHERNET, &c.frames()[4]).unwrap();
        assert_eq!(s.payload.len(), MSS);
        assert_eq!(s.seq, 0x1000_0001 + MSS as u32);
        let f = &c.frames()[3];
        // A correct checksum sums (with itself) to zero.
        assert_eq!(checksum(&[&f[14..34]]), 0);
        let p = pcap(c.frames());
        assert_eq!(
            p.len(),
            24 + c.frames().iter().map(|f| 16 + f.len()).sum::<usize>()
        );
    }
}
