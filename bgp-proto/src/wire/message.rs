//! One BGP message of any type: decode from a byte stream given the session context, encode
//! back.

use std::fmt;

use crate::wire::context::SessionContext;
use crate::wire::error::{DecodeError, EncodeError, MessageError};
use crate::wire::header::{HEADER_LEN, Header, MessageType};
use crate::wire::keepalive;
use crate::wire::notification::Notification;
use crate::wire::open::Open;
use crate::wire::route_refresh::RouteRefresh;
use crate::wire::update::Update;

/// A BGP message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Message {
    /// OPEN.
    Open(Open),
    /// UPDATE.
    Update(Update),
    /// NOTIFICATION.
    Notification(Notification),
    /// KEEPALIVE.
    Keepalive,
    /// ROUTE-REFRESH.
    RouteRefresh(RouteRefresh),
}

/// A decoded message with its length and the non-fatal RFC 7606 errors found in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The message.
    pub message: Message,
    /// Bytes consumed from the input.
    pub length: usize,
    /// Malformations handled by treat-as-withdraw, attribute discard or AFI/SAFI disable
    /// (UPDATE only). The session acts on [`Action::strongest`](crate::wire::error::Action::strongest).
    pub errors: Vec<DecodeError>,
}

impl Message {
    /// Decodes the first message of `buf`.
    ///
    /// Returns [`MessageError::Incomplete`] when `buf` holds only part of it, and
    /// [`MessageError::Malformed`] when the session must be reset.
    pub fn decode(buf: &[u8], ctx: &SessionContext) -> Result<Decoded, MessageError> {
        let header = Header::parse(buf, ctx.max_message_len())?;
        let length = header.length as usize;
        if buf.len() < length {
            return Err(MessageError::Incomplete { needed: length });
        }
        let body = &buf[HEADER_LEN..length];
        let message = match header.message_type {
            MessageType::Open => Message::Open(Open::decode_body(body, HEADER_LEN)?),
            MessageType::Update => {
                // Decoded in place in the value returned, so the update is never moved.
                let mut out = Ok(Decoded {
                    message: Message::Update(Update::default()),
                    length,
                    errors: Vec::new(),
                });
                if let Ok(Decoded {
                    message: Message::Update(u),
                    errors,
                    ..
                }) = &mut out
                    && let Err(e) = u.decode_body_into(body, HEADER_LEN, ctx, errors)
                {
                    out = Err(e.into());
                }
                return out;
            }
            MessageType::Notification => {
                Message::Notification(Notification::decode_body(body, HEADER_LEN)?)
            }
            MessageType::Keepalive => Message::Keepalive,
            MessageType::RouteRefresh => {
                Message::RouteRefresh(RouteRefresh::decode_body(body, HEADER_LEN)?)
            }
        };
        Ok(Decoded {
            message,
            length,
            errors: Vec::new(),
        })
    }

    /// The message type.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::Open(_) => MessageType::Open,
            Message::Update(_) => MessageType::Update,
            Message::Notification(_) => MessageType::Notification,
            Message::Keepalive => MessageType::Keepalive,
            Message::RouteRefresh(_) => MessageType::RouteRefresh,
        }
    }

    /// Appends the message; fails if it exceeds the negotiated maximum size (nothing is
    /// appended then). Use [`Update::split_announce`] and its siblings to split
    /// large route sets.
    pub fn encode(&self, ctx: &SessionContext, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let start = out.len();
        match self {
            Message::Open(o) => o.encode(out),
            Message::Update(u) => u.encode(ctx, out),
            Message::Notification(n) => n.encode(out),
            Message::Keepalive => keepalive::encode(out),
            Message::RouteRefresh(r) => r.encode(out),
        }
        let max = match self {
            Message::Open(_) | Message::Keepalive => crate::wire::header::MAX_MESSAGE_LEN,
            _ => ctx.max_message_len(),
        };
        let length = out.len() - start;
        if length > max {
            out.truncate(start);
            return Err(EncodeError::TooLong { length, max });
        }
        Ok(())
    }

    /// The message as a new vector.
    pub fn to_bytes(&self, ctx: &SessionContext) -> Result<Vec<u8>, EncodeError> {
        let mut v = Vec::new();
        self.encode(ctx, &mut v)?;
        Ok(v)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Open(o) => o.fmt(f),
            Message::Update(u) => u.fmt(f),
            Message::Notification(n) => write!(f, "NOTIFICATION {n}"),
            Message::Keepalive => f.write_str("KEEPALIVE"),
            Message::RouteRefresh(r) => r.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::capability::Capability;
    use crate::wire::family::AfiSafi;
    use std::net::Ipv4Addr;

    #[test]
    fn stream_of_messages_decodes_one_by_one() {
        let ctx = SessionContext::four_octet();
        let msgs = vec![
            Message::Open(Open::new(
                65001,
                180,
                Ipv4Addr::new(192, 0, 2, 1),
                vec![Capability::RouteRefresh],
            )),
            Message::Keepalive,
            Message::RouteRefresh(RouteRefresh::request(AfiSafi::IPV4_UNICAST)),
            Message::Notification(Notification::administrative_shutdown("bye")),
        ];
        let mut buf = Vec::new();
        for m in &msgs {
            m.encode(&ctx, &mut buf).unwrap();
        }
        let mut at = 0;
        let mut out = Vec::new();
        while at < buf.len() {
            assert_eq!(
                Message::decode(&buf[at..at + 10.min(buf.len() - at)], &ctx).unwrap_err(),
                MessageError::Incomplete { needed: 19 }
            );
            let d = Message::decode(&buf[at..], &ctx).unwrap();
            at += d.length;
            out.push(d.message);
        }
        assert_eq!(out, msgs);
        let partial = Message::decode(&buf[..25], &ctx).unwrap_err();
        assert!(matches!(partial, MessageError::Incomplete { needed } if needed > 25));
    }

    #[test]
    fn encode_refuses_oversized_messages() {
        let n = Message::Notification(Notification::new(6, 0, vec![0; 5000]));
        let mut out = vec![1];
        let e = n.encode(&SessionContext::default(), &mut out).unwrap_err();
        assert_eq!(
            e,
            EncodeError::TooLong {
                length: 5021,
                max: 4096
            }
        );
        assert_eq!(out, vec![1]);
        let ext = SessionContext {
            extended_message: true,
            ..Default::default()
        };
        assert!(n.encode(&ext, &mut out).is_ok());
    }
}
