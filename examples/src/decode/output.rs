//! JSON lines for events and per-file summaries.

use std::collections::BTreeMap;

use bgp_proto::{DecodeError, Message};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Event, Problem};

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

/// One output line, fields in reading order (where, what, then the details).
#[derive(Serialize, Default)]
struct Line<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    src: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<f64>,
    offset: u64,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_of_rib: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rfc7606: Option<Vec<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    have: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    need: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hex: Option<String>,
}

fn line<'a>(ev: &'a Event, hex: bool) -> Line<'a> {
    let at = ev.location();
    let mut l = Line {
        file: &at.file,
        session: at.session.as_deref(),
        direction: at.direction.map(|d| d.to_string()),
        src: at.src.map(|s| s.to_string()),
        frame: at.frame,
        timestamp: at.timestamp,
        offset: at.offset,
        ..Default::default()
    };
    match ev {
        Event::Message { raw, decoded, .. } => {
            l.kind = type_name(&decoded.message);
            l.length = Some(decoded.length);
            // The variant's contents (every decoded field) without the enum wrapper.
            l.message = match serde_json::to_value(&decoded.message) {
                Ok(Value::Object(m)) if m.len() == 1 => m.into_iter().next().map(|(_, v)| v),
                Ok(_) => None,
                Err(e) => Some(json!({ "serialize_error": e.to_string() })),
            };
            if let Message::Update(u) = &decoded.message {
                l.end_of_rib = u.end_of_rib().map(|f| f.to_string());
            }
            if !decoded.errors.is_empty() {
                l.rfc7606 = Some(decoded.errors.iter().map(decode_error_json).collect());
            }
            if hex {
                l.hex = Some(to_hex(raw));
            }
        }
        Event::Error { problem, .. } => {
            l.kind = "error";
            l.error = Some(problem.to_string());
            if let Problem::Malformed(e) = problem {
                l.detail = Some(decode_error_json(e));
            }
        }
        Event::Unfinished {
            have, need, reason, ..
        } => {
            l.kind = "unfinished";
            l.have = Some(*have);
            l.need = *need;
            l.reason = Some(reason);
        }
        Event::Skipped { len, .. } => {
            l.kind = "skipped";
            l.bytes = Some(*len);
        }
    }
    l
}

/// One JSON line for `ev`; `hex` adds the raw message bytes.
pub fn event_line(ev: &Event, hex: bool) -> String {
    serde_json::to_string(&line(ev, hex)).unwrap_or_else(|e| {
        json!({ "file": ev.location().file, "type": "error", "error": e.to_string() }).to_string()
    })
}

/// The same as a JSON value.
pub fn event_json(ev: &Event, hex: bool) -> Value {
    serde_json::to_value(line(ev, hex)).unwrap_or(Value::Null)
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
