//! UPDATE message (RFC 4271 §4.3) — placeholder kept raw until the typed codec lands.
use std::fmt;

use crate::wire::context::SessionContext;
use crate::wire::error::DecodeError;
use crate::wire::header::{self, MessageType};

/// An UPDATE (raw body for now).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Update {
    /// Raw body.
    pub body: Vec<u8>,
}

impl Update {
    /// Parses the body.
    pub fn decode_body(
        body: &[u8],
        _base: usize,
        _ctx: &SessionContext,
    ) -> Result<(Update, Vec<DecodeError>), DecodeError> {
        Ok((
            Update {
                body: body.to_vec(),
            },
            Vec::new(),
        ))
    }
    /// Appends the message.
    pub fn encode(&self, _ctx: &SessionContext, out: &mut Vec<u8>) {
        let s = header::begin(out, MessageType::Update);
        out.extend_from_slice(&self.body);
        header::finish(out, s);
    }
}

impl fmt::Display for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UPDATE ({} bytes)", self.body.len())
    }
}
