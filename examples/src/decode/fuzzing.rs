//! The fuzz entry point for the capture path (pcap/pcapng parsing, TCP reassembly, framing,
//! session tracking), shared by the `bgp_decode_capture` fuzz target and its corpus replay test.

use std::collections::HashMap;
use std::net::SocketAddrV4;

use super::synth::{Conversation, pcap};
use super::{Event, Options, decode_bytes};

/// Builds a capture from a fuzz input that scripts TCP segments: each segment is
/// `[control, len, payload…]` where control bit 0 picks the direction, bits 1–3 shift the
/// sequence number backwards (retransmission/overlap) and bit 4 delays the segment
/// (reordering). The bytes before the first script byte are sent as is.
pub fn scripted_capture(script: &[u8]) -> Vec<u8> {
    let mut conv = Conversation::new(
        SocketAddrV4::new([192, 0, 2, 1].into(), 40000),
        SocketAddrV4::new([192, 0, 2, 2].into(), 179),
    );
    let mut delayed: Option<(bool, u32, Vec<u8>)> = None;
    let mut next = [conv.next_seq(true), conv.next_seq(false)];
    let mut i = 0;
    while i + 2 <= script.len() {
        let control = script[i];
        let len = (script[i + 1] as usize).min(script.len() - i - 2);
        let payload = &script[i + 2..i + 2 + len];
        i += 2 + len;
        let from_client = control & 1 == 0;
        let d = usize::from(!from_client);
        let back = ((control >> 1) & 7) as u32;
        let seq = next[d].wrapping_sub(back.min(len as u32));
        next[d] = seq.wrapping_add(len as u32).max(next[d]);
        if control & 0x10 != 0 && delayed.is_none() {
            delayed = Some((from_client, seq, payload.to_vec()));
            continue;
        }
        conv.raw_segment(from_client, seq, payload);
        if let Some((c, s, p)) = delayed.take() {
            conv.raw_segment(c, s, &p);
        }
    }
    if let Some((c, s, p)) = delayed {
        conv.raw_segment(c, s, &p);
    }
    pcap(conv.frames())
}

/// Decodes `data` and checks the invariants every input must keep: no panic, every message's
/// length is its byte count, offsets grow within each connection direction, and re-encoding a
/// decoded message decodes to the same message. The first byte selects how the rest is used:
/// odd, as a file (pcap, pcapng or raw messages); even, as a [`scripted_capture`].
/// Returns the number of events.
pub fn check_capture(data: &[u8]) -> usize {
    let Some((&mode, rest)) = data.split_first() else {
        return 0;
    };
    let input = if mode & 1 == 1 {
        rest.to_vec()
    } else {
        scripted_capture(rest)
    };
    let opts = Options {
        as2: mode & 2 != 0,
        extended_message: mode & 4 != 0,
    };
    let events = decode_bytes("fuzz", &input, &opts);
    let mut last: HashMap<(Option<String>, Option<String>), u64> = HashMap::new();
    for ev in &events {
        if let Event::Message {
            at,
            raw,
            ctx,
            decoded,
        } = ev
        {
            assert_eq!(decoded.length, raw.len(), "{at}");
            let key = (at.session.clone(), at.direction.map(|d| d.to_string()));
            if let Some(prev) = last.insert(key, at.offset) {
                // A SYN with a new ISN starts a new connection on the same ports at offset 0.
                assert!(
                    at.offset > prev || at.offset == 0,
                    "{at}: offsets must grow"
                );
            }
            if let Ok(bytes) = decoded.message.to_bytes(&ctx.mirrored())
                && decoded.errors.is_empty()
                && let Ok(again) = bgp_proto::Message::decode(&bytes, ctx)
            {
                assert_eq!(again.message, decoded.message, "{at}: round trip");
            }
        }
    }
    events.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_reordering_and_retransmission_still_decode() {
        let ka = [vec![0xffu8; 16], vec![0, 19, 4]].concat();
        let two = [ka.clone(), ka.clone()].concat();
        // Segment 1 (delayed, so captured second): the first 28 bytes; segment 2: the rest;
        // segment 3 retransmits the last 4 bytes of segment 2.
        let mut script = vec![0x10, 28];
        script.extend_from_slice(&two[..28]);
        script.extend([0x00, 10]);
        script.extend_from_slice(&two[28..]);
        script.extend([0x08, 4]);
        script.extend_from_slice(&two[34..]);
        let evs = decode_bytes("s", &scripted_capture(&script), &Options::default());
        let msgs = evs
            .iter()
            .filter(|e| matches!(e, Event::Message { .. }))
            .count();
        assert_eq!(msgs, 2, "{evs:?}");
        assert!(evs.iter().all(|e| !e.is_failure()), "{evs:?}");
        // Mode 1: the bytes are a raw dump.
        assert_eq!(check_capture(&[[1u8].as_slice(), &ka].concat()), 1);
    }
}
