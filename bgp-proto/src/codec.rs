//! tokio-util `Decoder`/`Encoder` over a [`SessionContext`] (feature `tokio`).
//!
//! The codec frames messages and hands over [`Decoded`] values (message plus RFC 7606 errors);
//! update [`BgpCodec::ctx`] once the OPENs are exchanged.

use bytes::{Buf, BytesMut};
use tokio_util::codec::{Decoder, Encoder};

use crate::wire::context::SessionContext;
use crate::wire::error::{DecodeError, EncodeError, MessageError};
use crate::wire::message::{Decoded, Message};

/// Errors of the framed transport.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// Transport failure.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// Malformed message: send its NOTIFICATION and close.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A message that cannot be encoded (too long).
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// BGP framing codec.
#[derive(Clone, Debug, Default)]
pub struct BgpCodec {
    /// The negotiated session parameters used for both directions.
    pub ctx: SessionContext,
}

impl BgpCodec {
    /// A codec with `ctx`.
    pub fn new(ctx: SessionContext) -> Self {
        BgpCodec { ctx }
    }
}

impl Decoder for BgpCodec {
    type Item = Decoded;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Decoded>, CodecError> {
        match Message::decode(src, &self.ctx) {
            Ok(d) => {
                src.advance(d.length);
                Ok(Some(d))
            }
            Err(MessageError::Incomplete { needed }) => {
                src.reserve(needed.saturating_sub(src.len()));
                Ok(None)
            }
            Err(MessageError::Malformed(e)) => Err(e.into()),
        }
    }
}

impl Encoder<Message> for BgpCodec {
    type Error = CodecError;

    fn encode(&mut self, item: Message, dst: &mut BytesMut) -> Result<(), CodecError> {
        let mut v = Vec::new();
        item.encode(&self.ctx, &mut v)?;
        dst.extend_from_slice(&v);
        Ok(())
    }
}

impl Encoder<&Message> for BgpCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &Message, dst: &mut BytesMut) -> Result<(), CodecError> {
        let mut v = Vec::new();
        item.encode(&self.ctx, &mut v)?;
        dst.extend_from_slice(&v);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_byte_by_byte() {
        let mut c = BgpCodec::new(SessionContext::four_octet());
        let mut out = BytesMut::new();
        c.encode(Message::Keepalive, &mut out).unwrap();
        c.encode(&Message::Keepalive, &mut out).unwrap();
        let all = out.to_vec();
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for b in all {
            buf.extend_from_slice(&[b]);
            if let Some(d) = c.decode(&mut buf).unwrap() {
                got.push(d.message);
            }
        }
        assert_eq!(got, vec![Message::Keepalive, Message::Keepalive]);
        assert!(buf.is_empty());
        let mut bad = BytesMut::from(&[0u8; 19][..]);
        assert!(matches!(c.decode(&mut bad), Err(CodecError::Decode(_))));
    }
}
