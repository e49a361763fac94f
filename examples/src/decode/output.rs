//! JSON lines for events and per-file summaries.

use std::collections::BTreeMap;

use bgp_proto::{DecodeError, Message};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Event, Location, Problem};

fn location(at: &Location, o: &mut Map<String, Value>) {
    o.insert("file".into(), json!(at.file));
    if let Some(s) = &at.session {
        o.insert("session".into(), json!(s));
    }
    if let Some(d) = at.direction {
        o.insert("direction".into(), json!(d.to_string()));
    }
    if let Some(s) = at.src {
        o.insert("src".into(), json!(s.to_string()));
    }
    if let Some(n) = at.frame {
        o.insert("frame".into(), json!(n));
    }
    if let Some(t) = at.timestamp {
        o.insert("timestamp".into(), json!(t));
    }
    o.insert("offset".into(), json!(at.offset));
}

/// The message type as the RFCs name it.
pub fn type_name(m: &Message) -> &'static str {
    match m {
        Message::Open(_) => "OPEN",
        Message::Update(_) => "UPDATE",
        Message::Notification(_) => "NOTIFICATION",
        Message::Keepalive => "KEEPALIVE",
        Message::RouteRefresh(_) => "ROUTE-REFRESH",
    }
}

/// A codec error as JSON: text, offset in the message, attribute and RFC 7606 action.
pub fn decode_error_json(e: &DecodeError) -> Value {
    let mut o = Map::new();
    o.insert("error".into(), json!(e.kind.to_string()));
    o.insert("message_offset".into(), json!(e.offset));
    if let Some(t) = e.attr_type {
        o.insert("attribute".into(), json!(t));
    }
    o.insert("action".into(), json!(e.action.to_string()));
    if let Some((code, subcode, _)) = e.notification() {
        o.insert("notification".into(), json!([code, subcode]));
    }
    Value::Object(o)
}

/// One JSON object for `ev`; `hex` adds the raw message bytes.
pub fn event_json(ev: &Event, hex: bool) -> Value {
    let mut o = Map::new();
    match ev {
        Event::Message {
            at, raw, decoded, ..
        } => {
            location(at, &mut o);
            o.insert("type".into(), json!(type_name(&decoded.message)));
            o.insert("length".into(), json!(decoded.length));
            // The variant's contents (every decoded field) without the enum wrapper.
            let body = match serde_json::to_value(&decoded.message) {
                Ok(Value::Object(m)) if m.len() == 1 => m.into_iter().next().map(|(_, v)| v),
                Ok(_) => None,
                Err(e) => Some(json!({ "serialize_error": e.to_string() })),
            };
            if let Some(b) = body {
                o.insert("message".into(), b);
            }
            if let Message::Update(u) = &decoded.message
                && let Some(f) = u.end_of_rib()
            {
                o.insert("end_of_rib".into(), json!(f.to_string()));
            }
            if !decoded.errors.is_empty() {
                o.insert(
                    "rfc7606".into(),
                    Value::Array(decoded.errors.iter().map(decode_error_json).collect()),
                );
            }
            if hex {
                o.insert("hex".into(), json!(to_hex(raw)));
            }
        }
        Event::Error { at, problem } => {
            location(at, &mut o);
            o.insert("type".into(), json!("error"));
            o.insert("error".into(), json!(problem.to_string()));
            if let Problem::Malformed(e) = problem {
                o.insert("detail".into(), decode_error_json(e));
            }
        }
        Event::Unfinished {
            at,
            have,
            need,
            reason,
        } => {
            location(at, &mut o);
            o.insert("type".into(), json!("unfinished"));
            o.insert("have".into(), json!(have));
            if let Some(n) = need {
                o.insert("need".into(), json!(n));
            }
            o.insert("reason".into(), json!(reason));
        }
        Event::Skipped { at, len } => {
            location(at, &mut o);
            o.insert("type".into(), json!("skipped"));
            o.insert("bytes".into(), json!(len));
        }
    }
    Value::Object(o)
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Counts over a file (or several).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Input name, or "total".
    pub file: String,
    /// Messages per type name.
    pub messages: BTreeMap<String, u64>,
    /// Routes announced (IPv4 NLRI plus MP_REACH_NLRI).
    pub announced: u64,
    /// Routes withdrawn (withdrawn routes plus MP_UNREACH_NLRI).
    pub withdrawn: u64,
    /// End-of-RIB markers.
    pub end_of_rib: u64,
    /// Distinct sessions seen (captures).
    pub sessions: u64,
    /// Failures: undecodable messages, stream gaps, capture damage, and messages with
    /// RFC 7606 errors.
    pub errors: u64,
    /// Bytes skipped while looking for a message header.
    pub skipped_bytes: u64,
    /// Messages cut off by the end of a capture or connection.
    pub unfinished: u64,
    #[serde(skip)]
    seen_sessions: std::collections::BTreeSet<String>,
}

impl Summary {
    /// An empty summary named `file`.
    pub fn new(file: &str) -> Self {
        Summary {
            file: file.to_string(),
            ..Default::default()
        }
    }

    /// Counts `ev`.
    pub fn add(&mut self, ev: &Event) {
        if let Some(s) = &ev.location().session
            && !self.seen_sessions.contains(s)
        {
            self.seen_sessions.insert(s.clone());
            self.sessions += 1;
        }
        if ev.is_failure() {
            self.errors += 1;
        }
        match ev {
            Event::Message { decoded, .. } => {
                *self
                    .messages
                    .entry(type_name(&decoded.message).to_string())
                    .or_default() += 1;
                if let Message::Update(u) = &decoded.message {
                    self.announced += u.announced_len() as u64;
                    self.withdrawn += u.withdrawn_len() as u64;
                    self.end_of_rib += u64::from(u.end_of_rib().is_some());
                }
            }
            Event::Skipped { len, .. } => self.skipped_bytes += len,
            Event::Unfinished { .. } => self.unfinished += 1,
            Event::Error { .. } => {}
        }
    }

    /// Adds another summary's counts (sessions are summed, not deduplicated).
    pub fn merge(&mut self, o: &Summary) {
        for (k, v) in &o.messages {
            *self.messages.entry(k.clone()).or_default() += v;
        }
        self.announced += o.announced;
        self.withdrawn += o.withdrawn;
        self.end_of_rib += o.end_of_rib;
        self.sessions += o.sessions;
        self.errors += o.errors;
        self.skipped_bytes += o.skipped_bytes;
        self.unfinished += o.unfinished;
    }

    /// The count for a message type name ("UPDATE", …).
    pub fn count(&self, type_name: &str) -> u64 {
        self.messages.get(type_name).copied().unwrap_or(0)
    }
}
