//! The slice of `meta/v1` the stack needs: object metadata, label selectors and conditions.
//!
//! These are the crate's own types (not k8s-openapi's) so that the public API is the same with and
//! without the `kube` feature; that feature adds conversions to and from the k8s-openapi types.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub(crate) fn is_zero_u32(v: &u32) -> bool {
    *v == 0
}

pub(crate) fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

pub(crate) fn is_false(v: &bool) -> bool {
    !*v
}

pub(crate) fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// Standard object metadata (`metav1.ObjectMeta`), the fields a manifest or a `kubectl get -o yaml`
/// dump carries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    pub generation: i64,
    /// RFC 3339 timestamp, kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// Server-side-apply bookkeeping, kept opaque so dumps of live objects load.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields: Vec<serde_json::Value>,
}

impl ObjectMeta {
    /// Metadata with just a name (and a namespace when non-empty).
    pub fn named(name: impl Into<String>, namespace: impl Into<String>) -> Self {
        ObjectMeta {
            name: name.into(),
            namespace: namespace.into(),
            ..Default::default()
        }
    }

    /// `namespace/name`, or `name` for cluster-scoped objects; falls back to `generateName*`.
    pub fn display_name(&self) -> String {
        let name = if self.name.is_empty() && !self.generate_name.is_empty() {
            format!("{}*", self.generate_name)
        } else {
            self.name.clone()
        };
        if self.namespace.is_empty() {
            name
        } else {
            format!("{}/{}", self.namespace, name)
        }
    }
}

/// `metav1.OwnerReference`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-map-type" = "atomic")))]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metav1.LabelSelector`: all `matchLabels` and all `matchExpressions` must hold.
/// An empty selector selects everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "kube", schemars(extend("x-kubernetes-map-type" = "atomic")))]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    pub key: String,
    #[cfg_attr(feature = "kube", schemars(with = "String"))]
    pub operator: LabelSelectorOperator,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// The set-based operators of a label selector requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
pub enum LabelSelectorOperator {
    #[default]
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl LabelSelectorOperator {
    pub fn as_str(self) -> &'static str {
        match self {
            LabelSelectorOperator::In => "In",
            LabelSelectorOperator::NotIn => "NotIn",
            LabelSelectorOperator::Exists => "Exists",
            LabelSelectorOperator::DoesNotExist => "DoesNotExist",
        }
    }
}

impl LabelSelector {
    /// A selector requiring exactly these labels.
    pub fn from_labels<I, K, V>(labels: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        LabelSelector {
            match_labels: labels
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            match_expressions: Vec::new(),
        }
    }

    /// True when the selector has neither labels nor expressions (it selects everything).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy this selector, with apimachinery's semantics: empty selects all;
    /// `NotIn` and `DoesNotExist` hold when the key is absent. A malformed requirement (`In` with no
    /// values) selects nothing, as apimachinery refuses to build such a selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
}

impl LabelSelectorRequirement {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            LabelSelectorOperator::In => value.is_some_and(|v| self.values.contains(v)),
            LabelSelectorOperator::NotIn => {
                !self.values.is_empty() && value.is_none_or(|v| !self.values.contains(v))
            }
            LabelSelectorOperator::Exists => self.values.is_empty() && value.is_some(),
            LabelSelectorOperator::DoesNotExist => self.values.is_empty() && value.is_none(),
        }
    }
}

/// `metav1.Condition`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    #[serde(rename = "type")]
    #[cfg_attr(feature = "kube", schemars(length(max = 316)))]
    pub type_: String,
    pub status: ConditionStatus,
    #[serde(default, skip_serializing_if = "is_zero_i64")]
    #[cfg_attr(feature = "kube", schemars(range(min = 0)))]
    pub observed_generation: i64,
    /// RFC 3339 timestamp, kept as text.
    #[cfg_attr(feature = "kube", schemars(extend("format" = "date-time")))]
    pub last_transition_time: String,
    #[cfg_attr(feature = "kube", schemars(length(min = 1, max = 1024)))]
    pub reason: String,
    #[cfg_attr(feature = "kube", schemars(length(max = 32_768)))]
    pub message: String,
}

/// `True`, `False` or `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "kube", derive(schemars::JsonSchema))]
pub enum ConditionStatus {
    True,
    False,
    #[default]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn req(key: &str, op: LabelSelectorOperator, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.into(),
            operator: op,
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn empty_selects_everything() {
        let s = LabelSelector::default();
        assert!(s.matches(&labels(&[])));
        assert!(s.matches(&labels(&[("a", "b")])));
    }

    #[test]
    fn match_labels_all_required() {
        let s = LabelSelector::from_labels([("a", "1"), ("b", "2")]);
        assert!(s.matches(&labels(&[("a", "1"), ("b", "2"), ("c", "3")])));
        assert!(!s.matches(&labels(&[("a", "1")])));
        assert!(!s.matches(&labels(&[("a", "1"), ("b", "3")])));
    }

    #[test]
    fn operators() {
        use LabelSelectorOperator::*;
        let l = labels(&[("zone", "a")]);
        let empty = labels(&[]);
        assert!(req("zone", In, &["a", "b"]).matches(&l));
        assert!(!req("zone", In, &["b"]).matches(&l));
        assert!(!req("zone", In, &["a"]).matches(&empty));
        assert!(!req("zone", NotIn, &["a"]).matches(&l));
        assert!(req("zone", NotIn, &["b"]).matches(&l));
        assert!(req("zone", NotIn, &["a"]).matches(&empty), "absent key");
        assert!(req("zone", Exists, &[]).matches(&l));
        assert!(!req("zone", Exists, &[]).matches(&empty));
        assert!(req("zone", DoesNotExist, &[]).matches(&empty));
        assert!(!req("zone", DoesNotExist, &[]).matches(&l));
        // malformed requirements select nothing
        assert!(!req("zone", In, &[]).matches(&l));
        assert!(!req("zone", NotIn, &[]).matches(&empty));
        assert!(!req("zone", Exists, &["a"]).matches(&l));
    }

    #[test]
    fn labels_and_expressions_combine() {
        let s = LabelSelector {
            match_labels: labels(&[("role", "worker")]),
            match_expressions: vec![req("zone", LabelSelectorOperator::NotIn, &["x"])],
        };
        assert!(s.matches(&labels(&[("role", "worker")])));
        assert!(!s.matches(&labels(&[("role", "worker"), ("zone", "x")])));
        assert!(!s.matches(&labels(&[("zone", "y")])));
    }
}
