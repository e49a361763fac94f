//! Entry points shared by the cargo-fuzz targets (`fuzz/fuzz_targets/bgp_*.rs`) and the test
//! that replays their corpora, so both exercise exactly the same code.
//!
//! The first input byte selects the session context, the rest is the message.

use crate::wire::context::SessionContext;
use crate::wire::family::{Afi, AfiSafi, Safi};
use crate::wire::header::HEADER_LEN;
use crate::wire::message::Message;
use crate::wire::update::{Update, UpdateView};

/// Context from one byte: bit 0 4-octet AS, bit 1 extended messages, bit 2 ADD-PATH receive for
/// IPv4 unicast, bit 3 ADD-PATH receive for the other families this crate parses.
pub fn context_from_byte(b: u8) -> SessionContext {
    let mut c = SessionContext {
        four_octet_as: b & 1 != 0,
        extended_message: b & 2 != 0,
        ..Default::default()
    };
    if b & 4 != 0 {
        c.add_path_receive.push(AfiSafi::IPV4_UNICAST);
    }
    if b & 8 != 0 {
        for f in [
            AfiSafi::IPV6_UNICAST,
            AfiSafi::new(Afi::IPV4, Safi::MULTICAST),
            AfiSafi::new(Afi::IPV6, Safi::MULTICAST),
            AfiSafi::new(Afi::IPV4, Safi::LABELED_UNICAST),
            AfiSafi::new(Afi::IPV6, Safi::LABELED_UNICAST),
            AfiSafi::new(Afi::IPV4, Safi::MPLS_VPN),
            AfiSafi::new(Afi::IPV6, Safi::MPLS_VPN),
            AfiSafi::L2VPN_EVPN,
        ] {
            c.add_path_receive.push(f);
        }
    }
    c
}

fn split(data: &[u8]) -> (SessionContext, &[u8]) {
    match data.split_first() {
        Some((&b, rest)) => (context_from_byte(b), rest),
        None => (SessionContext::default(), &[]),
    }
}

/// Decodes one message of any type; also encodes and displays it when it decodes.
pub fn decode_message(data: &[u8]) {
    let (ctx, msg) = split(data);
    if let Ok(d) = Message::decode(msg, &ctx) {
        let _ = d.message.to_bytes(&ctx);
        let _ = d.message.to_string();
        d.errors.iter().for_each(|e| drop(e.to_string()));
    }
}

/// Decodes the input as an UPDATE body, both as a view (iterating everything) and owned; the
/// two must agree whenever the view accepts the input.
pub fn decode_update(data: &[u8]) -> Result<(), String> {
    let (ctx, body) = split(data);
    let owned = Update::decode_body(body, HEADER_LEN, &ctx);
    if let Ok(v) = UpdateView::from_body(body, HEADER_LEN, &ctx) {
        let n = v.nlri().count() + v.withdrawn().count();
        let attrs: Vec<_> = v.attributes().collect();
        for a in &attrs {
            let _ = a.decode(&ctx);
        }
        if let Some(m) = v.mp_reach() {
            let _ = (
                m.ipv4_prefixes().count(),
                m.ipv6_prefixes().count(),
                m.next_hop(),
            );
        }
        if let Some(m) = v.mp_unreach() {
            let _ = (m.ipv4_prefixes().count(), m.ipv6_prefixes().count());
        }
        let _ = v.end_of_rib();
        let (u, _) = v.to_owned_update(&ctx);
        match &owned {
            Ok((o, _)) if *o != u => {
                return Err(format!("view and owned decode differ: {o:?} vs {u:?}"));
            }
            Ok((o, _)) if o.nlri.len() + o.withdrawn.len() != n => {
                return Err("prefix counts differ".into());
            }
            _ => {}
        }
    }
    Ok(())
}

/// decode → encode → decode must give the same message.
pub fn roundtrip(data: &[u8]) -> Result<(), String> {
    let (ctx, msg) = split(data);
    let Ok(d) = Message::decode(msg, &ctx) else {
        return Ok(());
    };
    let bytes = match d.message.to_bytes(&ctx.mirrored()) {
        Ok(b) => b,
        // Re-encoding may only grow an OPEN (RFC 9072 form) past the limit.
        Err(_) if matches!(d.message, Message::Open(_)) => return Ok(()),
        Err(e) => return Err(format!("encode failed: {e} for {:?}", d.message)),
    };
    match Message::decode(&bytes, &ctx) {
        Ok(again) if again.message == d.message => Ok(()),
        Ok(again) => Err(format!(
            "round trip differs:\n{:?}\n{:?}",
            d.message, again.message
        )),
        Err(e) => Err(format!("re-decode failed: {e} for {:?}", d.message)),
    }
}
