//! Loading manifests: single- and multi-document YAML, JSON (one value, a stream of values or an
//! array), and `List` objects, dispatched on `apiVersion`/`kind`.
//!
//! Every document is first read into a JSON value (bounded by the YAML/JSON parsers' depth and
//! size budgets), then deserialized into its typed object while tracking the field path, so an
//! error names the file, the document, the object and the field. Loading is all-or-nothing: a
//! source with any bad document yields only errors.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::frrk8s::{self, BGPSessionState, FRRConfiguration, FRRNodeState};
use crate::ovnk::{self, Node, RouteAdvertisements};
use crate::validate::FieldError;

/// Largest manifest source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// A typed object of the stack.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    FRRConfiguration(FRRConfiguration),
    FRRNodeState(FRRNodeState),
    BGPSessionState(BGPSessionState),
    RouteAdvertisements(RouteAdvertisements),
    Node(Node),
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::FRRConfiguration(_) => FRRConfiguration::KIND,
            Object::FRRNodeState(_) => FRRNodeState::KIND,
            Object::BGPSessionState(_) => BGPSessionState::KIND,
            Object::RouteAdvertisements(_) => RouteAdvertisements::KIND,
            Object::Node(_) => Node::KIND,
        }
    }

    pub fn metadata(&self) -> &crate::ObjectMeta {
        match self {
            Object::FRRConfiguration(o) => &o.metadata,
            Object::FRRNodeState(o) => &o.metadata,
            Object::BGPSessionState(o) => &o.metadata,
            Object::RouteAdvertisements(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
        }
    }

    /// Serializes the object back to JSON (upstream field names, unset fields omitted).
    pub fn to_json_value(&self) -> Value {
        let r = match self {
            Object::FRRConfiguration(o) => serde_json::to_value(o),
            Object::FRRNodeState(o) => serde_json::to_value(o),
            Object::BGPSessionState(o) => serde_json::to_value(o),
            Object::RouteAdvertisements(o) => serde_json::to_value(o),
            Object::Node(o) => serde_json::to_value(o),
        };
        // Serializing these types cannot fail: all map keys are strings.
        r.unwrap_or(Value::Null)
    }
}

/// One loaded object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// File name or other label given to the loader.
    pub source: String,
    /// 0-based index of the document among the source's non-empty documents.
    pub index: usize,
    /// 1-based line where the document starts, when known.
    pub line: Option<u64>,
    /// Index within `items` when the document is a `List`.
    pub item: Option<usize>,
    pub object: Object,
}

impl Document {
    /// Attaches this document's location to a field error from validation.
    pub fn locate(&self, e: FieldError) -> LoadError {
        let prefix = self.item.map(|i| format!("items[{i}]"));
        let path = match (prefix, e.path.is_empty()) {
            (Some(p), true) => p,
            (Some(p), false) => format!("{p}.{}", e.path),
            (None, _) => e.path,
        };
        LoadError {
            source: self.source.clone(),
            document: Some(self.index),
            line: self.line,
            kind: Some(self.object.kind().to_string()),
            object: Some(self.object.metadata().display_name()),
            path,
            message: e.message,
        }
    }

    /// Runs single-object validation and locates every error.
    pub fn validate(&self) -> Vec<LoadError> {
        let errs = match &self.object {
            Object::FRRConfiguration(o) => crate::validate::validate_frr_configuration(o),
            Object::RouteAdvertisements(o) => crate::validate::validate_route_advertisements(o),
            Object::FRRNodeState(_) | Object::BGPSessionState(_) | Object::Node(_) => Vec::new(),
        };
        errs.into_iter().map(|e| self.locate(e)).collect()
    }
}

/// A loading or validation error with its location. Fields not known at the point of failure
/// (the kind of a document that is not YAML, say) are `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub source: String,
    /// 0-based index among the source's non-empty documents.
    pub document: Option<usize>,
    /// 1-based line where the document starts.
    pub line: Option<u64>,
    pub kind: Option<String>,
    /// `namespace/name` or `name`.
    pub object: Option<String>,
    /// Field path such as `spec.bgp.routers[0].neighbors[1].holdTime`; empty for the whole
    /// document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    /// `file:line: document N, Kind ns/name: field.path: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if let Some(d) = self.document {
            write!(f, ": document {d}")?;
        }
        match (&self.kind, &self.object) {
            (Some(k), Some(o)) if !o.is_empty() => write!(f, ", {k} {o}")?,
            (Some(k), _) => write!(f, ", {k}")?,
            (None, Some(o)) if !o.is_empty() => write!(f, ", {o}")?,
            _ => {}
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// All errors of one load; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

/// Reads a file and loads it with its path as the source name.
pub fn load_file(path: impl AsRef<Path>) -> Result<Vec<Document>, LoadErrors> {
    let path = path.as_ref();
    let source = path.display().to_string();
    let whole = |message: String| {
        LoadErrors(vec![LoadError {
            source: source.clone(),
            document: None,
            line: None,
            kind: None,
            object: None,
            path: String::new(),
            message,
        }])
    };
    let meta = std::fs::metadata(path).map_err(|e| whole(format!("cannot read: {e}")))?;
    if meta.len() > MAX_SOURCE_BYTES as u64 {
        return Err(whole(format!(
            "file is {} bytes, more than the {MAX_SOURCE_BYTES} accepted",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| whole(format!("cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| whole(format!("not UTF-8: {e}")))?;
    load_str(&source, &text)
}

/// Loads every object in `text`. JSON is recognised by a leading `{` or `[`; anything else is
/// YAML (possibly several `---`-separated documents). Empty documents are skipped.
pub fn load_str(source: &str, text: &str) -> Result<Vec<Document>, LoadErrors> {
    let err_whole = |document: Option<usize>, message: String| LoadError {
        source: source.to_string(),
        document,
        line: None,
        kind: None,
        object: None,
        path: String::new(),
        message,
    };
    if text.len() > MAX_SOURCE_BYTES {
        return Err(LoadErrors(vec![err_whole(
            None,
            format!(
                "source is {} bytes, more than the {MAX_SOURCE_BYTES} accepted",
                text.len()
            ),
        )]));
    }
    let values = parse_values(text).map_err(|m| LoadErrors(vec![err_whole(None, m)]))?;

    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for (index, (value, line)) in values.into_iter().enumerate() {
        if value.is_null() {
            continue;
        }
        match decode_document(source, index, line, value) {
            Ok(mut d) => docs.append(&mut d),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(docs)
    } else {
        Err(LoadErrors(errors))
    }
}

/// The invariants every loaded document keeps, checked by the fuzz target and its corpus replay:
/// validation runs to completion, and the object serialized to JSON and to YAML loads back
/// unchanged. Returns a description of the first violation.
pub fn check_round_trip(docs: &[Document]) -> Result<(), String> {
    for d in docs {
        let _ = d.validate();
        if let Object::FRRConfiguration(c) = &d.object {
            let _ = crate::validate::frr_configuration_warnings(c);
        }
        let value = d.object.to_json_value();
        let json = serde_json::to_string(&value).map_err(|e| format!("JSON serialization: {e}"))?;
        let yaml =
            serde_saphyr::to_string(&value).map_err(|e| format!("YAML serialization: {e}"))?;
        for (form, text) in [("JSON", json), ("YAML", yaml)] {
            let again = load_str("round-trip", &text)
                .map_err(|e| format!("{form} output does not load: {e}\n{text}"))?;
            match again.as_slice() {
                [one] if one.object == d.object => {}
                _ => return Err(format!("{form} round trip changed the object:\n{text}")),
            }
        }
    }
    Ok(())
}

/// Loads `text` and validates every object, reporting load and validation errors together.
pub fn load_and_validate_str(source: &str, text: &str) -> Result<Vec<Document>, LoadErrors> {
    let docs = load_str(source, text)?;
    let errors: Vec<LoadError> = docs.iter().flat_map(Document::validate).collect();
    if errors.is_empty() {
        Ok(docs)
    } else {
        Err(LoadErrors(errors))
    }
}

/// Parsed documents with the 1-based line each starts on, when known.
fn parse_values(text: &str) -> Result<Vec<(Value, Option<u64>)>, String> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let skipped = &text[..text.len() - trimmed.len()];
        let base_line = skipped.matches('\n').count() as u64 + 1;
        let mut out = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(trimmed).into_iter::<Value>();
        let mut i = 0usize;
        loop {
            let start = stream.byte_offset();
            let Some(v) = stream.next() else { break };
            // the value starts after any whitespace following the previous one
            let rest = &trimmed[start..];
            let ws = rest.len() - rest.trim_start().len();
            let line = base_line + trimmed[..start + ws].matches('\n').count() as u64;
            match v {
                Ok(Value::Array(items)) if i == 0 => {
                    // a top-level JSON array is a list of documents
                    out.extend(items.into_iter().map(|v| (v, None)));
                }
                Ok(v) => out.push((v, Some(line))),
                Err(e) => return Err(format!("invalid JSON (value {i}): {e}")),
            }
            i += 1;
        }
        return Ok(out);
    }
    serde_saphyr::from_multiple::<serde_saphyr::Spanned<Value>>(text)
        .map(|docs| {
            docs.into_iter()
                .map(|d| (d.value, Some(d.referenced.line())))
                .collect()
        })
        .map_err(|e| format!("invalid YAML: {e}"))
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn object_name(v: &Value) -> Option<String> {
    let meta = v.get("metadata")?;
    let name = str_field(meta, "name")
        .map(str::to_string)
        .or_else(|| str_field(meta, "generateName").map(|g| format!("{g}*")))?;
    Some(match str_field(meta, "namespace") {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name,
    })
}

fn decode_document(
    source: &str,
    index: usize,
    line: Option<u64>,
    value: Value,
) -> Result<Vec<Document>, Vec<LoadError>> {
    let base = LoadError {
        source: source.to_string(),
        document: Some(index),
        line,
        kind: None,
        object: None,
        path: String::new(),
        message: String::new(),
    };
    if !value.is_object() {
        return Err(vec![LoadError {
            message: format!(
                "expected a Kubernetes object (a mapping), found {}",
                type_name(&value)
            ),
            ..base
        }]);
    }
    let kind = str_field(&value, "kind").unwrap_or("").to_string();
    let api_version = str_field(&value, "apiVersion").unwrap_or("").to_string();

    if kind == "List" || (kind.ends_with("List") && is_known_list(&api_version, &kind)) {
        let Some(Value::Array(items)) = value.get("items").cloned() else {
            return Err(vec![LoadError {
                kind: Some(kind),
                path: "items".into(),
                message: "a List needs an `items` array".into(),
                ..base
            }]);
        };
        let mut docs = Vec::new();
        let mut errors = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            match decode_object(&base, item, &format!("items[{i}]")) {
                Ok(object) => docs.push(Document {
                    source: source.to_string(),
                    index,
                    line,
                    item: Some(i),
                    object,
                }),
                Err(e) => errors.push(*e),
            }
        }
        return if errors.is_empty() {
            Ok(docs)
        } else {
            Err(errors)
        };
    }
    decode_object(&base, value, "")
        .map(|object| {
            vec![Document {
                source: source.to_string(),
                index,
                line,
                item: None,
                object,
            }]
        })
        .map_err(|e| vec![*e])
}

fn is_known_list(api_version: &str, kind: &str) -> bool {
    matches!(
        (api_version, kind),
        (frrk8s::API_VERSION, "FRRConfigurationList")
            | (frrk8s::API_VERSION, "FRRNodeStateList")
            | (frrk8s::API_VERSION, "BGPSessionStateList")
            | (ovnk::API_VERSION, "RouteAdvertisementsList")
            | ("v1", "NodeList")
    )
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn decode_object(base: &LoadError, value: Value, prefix: &str) -> Result<Object, Box<LoadError>> {
    let join = |p: &str| match (prefix.is_empty(), p.is_empty()) {
        (true, _) => p.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}.{p}"),
    };
    let kind = str_field(&value, "kind").map(str::to_string);
    let api_version = str_field(&value, "apiVersion").map(str::to_string);
    let located = |path: String, message: String| {
        Box::new(LoadError {
            kind: kind.clone(),
            object: object_name(&value),
            path,
            message,
            ..base.clone()
        })
    };
    if !value.is_object() {
        return Err(located(
            join(""),
            format!(
                "expected a Kubernetes object (a mapping), found {}",
                type_name(&value)
            ),
        ));
    }
    let (Some(av), Some(k)) = (api_version.as_deref(), kind.as_deref()) else {
        let missing = if api_version.is_none() {
            "apiVersion"
        } else {
            "kind"
        };
        return Err(located(
            join(missing),
            "required string field is missing".into(),
        ));
    };
    let obj = match (av, k) {
        (frrk8s::API_VERSION, FRRConfiguration::KIND) => {
            typed(&value).map(Object::FRRConfiguration)
        }
        (frrk8s::API_VERSION, FRRNodeState::KIND) => typed(&value).map(Object::FRRNodeState),
        (frrk8s::API_VERSION, BGPSessionState::KIND) => typed(&value).map(Object::BGPSessionState),
        (ovnk::API_VERSION, RouteAdvertisements::KIND) => {
            typed(&value).map(Object::RouteAdvertisements)
        }
        ("v1", Node::KIND) => typed(&value).map(Object::Node),
        _ => {
            return Err(located(
                join(""),
                format!(
                    "unsupported apiVersion/kind {av}/{k} (expected {}/FRRConfiguration, \
                     FRRNodeState or BGPSessionState, {}/RouteAdvertisements, or v1/Node)",
                    frrk8s::API_VERSION,
                    ovnk::API_VERSION
                ),
            ));
        }
    };
    obj.map_err(|(path, message)| located(join(&path), message))
}

/// Deserializes with path tracking; the error is (path, message).
fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        (path, e.into_inner().to_string())
    })
}
