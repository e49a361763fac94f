//! Kubernetes-native glue (feature `kube`): CRD manifests matching upstream's, conversions between
//! this crate's metadata types and k8s-openapi's, and kube-rs [`ApiResource`]s with
//! [`DynamicObject`] conversions for clients.
//!
//! The object types keep this crate's own `ObjectMeta` (so the public API does not change with
//! the feature); instead of implementing `kube::Resource` on them, which would require storing a
//! k8s-openapi `ObjectMeta`, they convert to and from [`DynamicObject`], which kube's `Api` reads
//! and writes given the [`ApiResource`].

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
use kube::core::{ApiResource, DynamicObject, GroupVersionKind};
use schemars::JsonSchema;
use serde_json::{Value, json};

use crate::frrk8s::{self, FRRConfiguration, FRRConfigurationSpec};
use crate::load::{LoadErrors, Object};
use crate::meta::{
    Condition, ConditionStatus, LabelSelector, LabelSelectorOperator, LabelSelectorRequirement,
    ObjectMeta, OwnerReference,
};
use crate::ovnk::{self, RouteAdvertisements, RouteAdvertisementsSpec, RouteAdvertisementsStatus};

/// Schema of `T` as a structural CRD schema, generated with the settings kube-rs's
/// `CustomResource` derive uses (inlined, no `$schema`, nullable instead of `null` types).
pub fn structural_schema<T: JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::openapi3()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .with_transform(schemars::transform::AddNullable::default())
        .with_transform(kube::core::schema::StructuralSchemaRewriter)
        .with_transform(kube::core::schema::OptionalEnum)
        .with_transform(kube::core::schema::OptionalIntOrString)
        .into_generator();
    let mut v = serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or_default();
    if let Some(m) = v.as_object_mut() {
        m.remove("title");
    }
    upstream_style(&mut v);
    v
}

/// Makes a schemars schema read like controller-gen's: optional fields are omitted rather than
/// nullable (so no `nullable` and no `null` in enums), and unsigned formats are the ones
/// controller-gen writes (`int32` for `uint32`, none for `uint16`).
fn upstream_style(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("nullable");
            if let Some(Value::Array(e)) = m.get_mut("enum") {
                e.retain(|x| !x.is_null());
            }
            match m.get("format").and_then(Value::as_str) {
                Some("uint32") => {
                    m.insert("format".into(), "int32".into());
                }
                Some("uint16" | "uint8" | "uint" | "uint64") => {
                    m.remove("format");
                }
                _ => {}
            }
            for (k, child) in m.iter_mut() {
                // `default`, `enum` and CEL rules are data, not schemas
                if !matches!(k.as_str(), "default" | "enum" | "x-kubernetes-validations") {
                    upstream_style(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(upstream_style),
        _ => {}
    }
}

/// Walks `path` through `properties` (and `items` for the segment `[]`), creating nothing;
/// `None` when the schema has no such node.
fn schema_node<'a>(schema: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    let mut cur = schema;
    for seg in path {
        cur = if *seg == "[]" {
            cur.get_mut("items")?
        } else {
            cur.get_mut("properties")?.get_mut(*seg)?
        };
    }
    Some(cur)
}

fn set(schema: &mut Value, path: &[&str], key: &str, value: Value) {
    if let Some(Value::Object(m)) = schema_node(schema, path) {
        m.insert(key.to_string(), value);
    }
}

/// Route-target CEL rules of upstream's `ImportRouteTarget`/`ExportRouteTarget` string types;
/// they sit on the list items, which a field attribute cannot reach.
fn route_target_rules(import: bool) -> Value {
    let mut rules = vec![
        json!({"rule": "self.split(':').size() == 2", "message": "RT must contain exactly one colon"}),
    ];
    // imports may use `*` as the administrator; the ASN rules then do not apply
    let wild = if import {
        rules.push(json!({
            "rule": "self.split(':')[0] != '*' || uint(self.split(':')[1]) <= 4294967295u",
            "message": "RT with wildcard administrator must have format *:OPQR where OPQR <= 4294967295"
        }));
        "self.split(':')[0] == '*' || "
    } else {
        ""
    };
    rules.push(json!({
        "rule": "!self.split(':')[0].contains('.') || (self.split(':')[0].isIP() && uint(self.split(':')[1]) <= 65535u)",
        "message": "RT with IPv4 administrator must have format A.B.C.D:MN where MN <= 65535"
    }));
    rules.push(json!({
        "rule": format!("{wild}self.split(':')[0].contains('.') || uint(self.split(':')[0]) <= 65535u || uint(self.split(':')[1]) <= 65535u"),
        "message": "RT with 4-byte ASN administrator must have format GHJK:MN where GHJK <= 4294967295 and MN <= 65535"
    }));
    rules.push(json!({
        "rule": format!("{wild}self.split(':')[0].contains('.') || uint(self.split(':')[0]) > 65535u || uint(self.split(':')[1]) <= 4294967295u"),
        "message": "RT with 2-byte ASN administrator must have format EF:OPQR where EF <= 65535 and OPQR <= 4294967295"
    }));
    Value::Array(rules)
}

fn root_schema(description: &str, spec: Value, status: Value) -> Value {
    json!({
        "description": description,
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string", "description": "APIVersion defines the versioned schema of this representation of an object."},
            "kind": {"type": "string", "description": "Kind is a string value representing the REST resource this object represents."},
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status,
        }
    })
}

struct CrdNames<'a> {
    group: &'a str,
    version: &'a str,
    kind: &'a str,
    plural: &'a str,
    singular: &'a str,
    short_names: &'a [&'a str],
    namespaced: bool,
    printer_columns: Vec<apiext::CustomResourceColumnDefinition>,
}

fn build_crd(n: CrdNames<'_>, schema: Value) -> apiext::CustomResourceDefinition {
    let schema: apiext::JSONSchemaProps = serde_json::from_value(schema)
        .unwrap_or_else(|e| unreachable!("generated schema is a JSONSchemaProps: {e}"));
    apiext::CustomResourceDefinition {
        metadata: metav1::ObjectMeta {
            name: Some(format!("{}.{}", n.plural, n.group)),
            ..Default::default()
        },
        spec: apiext::CustomResourceDefinitionSpec {
            group: n.group.to_string(),
            names: apiext::CustomResourceDefinitionNames {
                kind: n.kind.to_string(),
                list_kind: Some(format!("{}List", n.kind)),
                plural: n.plural.to_string(),
                singular: Some(n.singular.to_string()),
                short_names: (!n.short_names.is_empty())
                    .then(|| n.short_names.iter().map(|s| s.to_string()).collect()),
                categories: None,
            },
            scope: if n.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }
            .to_string(),
            versions: vec![apiext::CustomResourceDefinitionVersion {
                name: n.version.to_string(),
                served: true,
                storage: true,
                schema: Some(apiext::CustomResourceValidation {
                    open_api_v3_schema: Some(schema),
                }),
                subresources: Some(apiext::CustomResourceSubresources {
                    status: Some(apiext::CustomResourceSubresourceStatus(json!({}))),
                    scale: None,
                }),
                additional_printer_columns: (!n.printer_columns.is_empty())
                    .then_some(n.printer_columns),
                ..Default::default()
            }],
            ..Default::default()
        },
        status: None,
    }
}

impl FRRConfiguration {
    /// The `frrconfigurations.frrk8s.metallb.io` CRD: namespaced, status subresource, schema
    /// with upstream's required fields, enums, ranges, defaults and CEL rules.
    pub fn crd() -> apiext::CustomResourceDefinition {
        let mut spec = structural_schema::<FRRConfigurationSpec>();
        let evpn = ["bgp", "routers", "[]", "evpn"];
        for (vni, list, import) in [
            ("l2vnis", "importRTs", true),
            ("l2vnis", "exportRTs", false),
            ("l3vni", "importRTs", true),
            ("l3vni", "exportRTs", false),
        ] {
            let mut path: Vec<&str> = evpn.to_vec();
            path.push(vni);
            if vni == "l2vnis" {
                path.push("[]");
            }
            path.extend([list, "[]"]);
            set(
                &mut spec,
                &path,
                "x-kubernetes-validations",
                route_target_rules(import),
            );
        }
        // required upstream, but defaulted here so a missing list is a validation error
        if let Some(Value::Object(l3)) =
            schema_node(&mut spec, &["bgp", "routers", "[]", "evpn", "l3vni"])
        {
            let req = l3.entry("required").or_insert_with(|| json!([]));
            if let Value::Array(r) = req {
                r.push("advertisePrefixes".into());
            }
        }
        let schema = root_schema(
            "FRRConfiguration is a piece of FRR configuration.",
            spec,
            json!({"type": "object", "description": "FRRConfigurationStatus defines the observed state of FRRConfiguration."}),
        );
        build_crd(
            CrdNames {
                group: frrk8s::GROUP,
                version: frrk8s::VERSION,
                kind: Self::KIND,
                plural: "frrconfigurations",
                singular: "frrconfiguration",
                short_names: &[],
                namespaced: true,
                printer_columns: Vec::new(),
            },
            schema,
        )
    }

    /// kube-rs resource description, for `Api::<DynamicObject>::namespaced_with`.
    pub fn api_resource() -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(frrk8s::GROUP, frrk8s::VERSION, Self::KIND),
            "frrconfigurations",
        )
    }
}

impl RouteAdvertisements {
    /// The `routeadvertisements.k8s.ovn.org` CRD: cluster-scoped, short name `ra`, status
    /// subresource and a `Status` printer column, with upstream's validation.
    pub fn crd() -> apiext::CustomResourceDefinition {
        let schema = root_schema(
            "RouteAdvertisements is the Schema for the routeadvertisements API",
            structural_schema::<RouteAdvertisementsSpec>(),
            structural_schema::<RouteAdvertisementsStatus>(),
        );
        build_crd(
            CrdNames {
                group: ovnk::GROUP,
                version: ovnk::VERSION,
                kind: Self::KIND,
                plural: "routeadvertisements",
                singular: "routeadvertisements",
                short_names: &["ra"],
                namespaced: false,
                printer_columns: vec![apiext::CustomResourceColumnDefinition {
                    name: "Status".into(),
                    type_: "string".into(),
                    json_path: ".status.status".into(),
                    ..Default::default()
                }],
            },
            schema,
        )
    }

    /// kube-rs resource description, for `Api::<DynamicObject>::all_with`.
    pub fn api_resource() -> ApiResource {
        ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk(ovnk::GROUP, ovnk::VERSION, Self::KIND),
            "routeadvertisements",
        )
    }
}

impl Object {
    /// The object as a kube-rs [`DynamicObject`].
    pub fn to_dynamic(&self) -> DynamicObject {
        // Every field of our types maps onto the dynamic object's JSON shape.
        serde_json::from_value(self.to_json_value())
            .unwrap_or_else(|e| unreachable!("object JSON is a DynamicObject: {e}"))
    }

    /// Reads a [`DynamicObject`] (say, from a kube-rs watch) with the same checks as
    /// [`crate::load_str`]; `source` names it in errors.
    pub fn from_dynamic(source: &str, obj: &DynamicObject) -> Result<Object, LoadErrors> {
        let text = serde_json::to_string(obj).unwrap_or_default();
        let mut docs = crate::load_str(source, &text)?;
        Ok(docs.remove(0).object)
    }
}

fn time_from(s: &str) -> Option<metav1::Time> {
    s.parse::<k8s_openapi::jiff::Timestamp>()
        .ok()
        .map(metav1::Time)
}

fn time_to(t: &metav1::Time) -> String {
    t.0.to_string()
}

fn map_or_none(
    m: &std::collections::BTreeMap<String, String>,
) -> Option<std::collections::BTreeMap<String, String>> {
    (!m.is_empty()).then(|| m.clone())
}

impl From<&ObjectMeta> for metav1::ObjectMeta {
    /// Timestamps that are not RFC 3339 are dropped.
    fn from(m: &ObjectMeta) -> Self {
        let s = |v: &String| (!v.is_empty()).then(|| v.clone());
        metav1::ObjectMeta {
            name: s(&m.name),
            generate_name: s(&m.generate_name),
            namespace: s(&m.namespace),
            uid: s(&m.uid),
            resource_version: s(&m.resource_version),
            generation: (m.generation != 0).then_some(m.generation),
            creation_timestamp: m.creation_timestamp.as_deref().and_then(time_from),
            deletion_timestamp: m.deletion_timestamp.as_deref().and_then(time_from),
            labels: map_or_none(&m.labels),
            annotations: map_or_none(&m.annotations),
            owner_references: (!m.owner_references.is_empty())
                .then(|| m.owner_references.iter().map(Into::into).collect()),
            finalizers: (!m.finalizers.is_empty()).then(|| m.finalizers.clone()),
            managed_fields: (!m.managed_fields.is_empty()).then(|| {
                m.managed_fields
                    .iter()
                    .filter_map(|v| serde_json::from_value(v.clone()).ok())
                    .collect()
            }),
            ..Default::default()
        }
    }
}

impl From<&metav1::ObjectMeta> for ObjectMeta {
    fn from(m: &metav1::ObjectMeta) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        ObjectMeta {
            name: s(&m.name),
            generate_name: s(&m.generate_name),
            namespace: s(&m.namespace),
            uid: s(&m.uid),
            resource_version: s(&m.resource_version),
            generation: m.generation.unwrap_or_default(),
            creation_timestamp: m.creation_timestamp.as_ref().map(time_to),
            deletion_timestamp: m.deletion_timestamp.as_ref().map(time_to),
            labels: m.labels.clone().unwrap_or_default(),
            annotations: m.annotations.clone().unwrap_or_default(),
            owner_references: m
                .owner_references
                .iter()
                .flatten()
                .map(Into::into)
                .collect(),
            finalizers: m.finalizers.clone().unwrap_or_default(),
            managed_fields: m
                .managed_fields
                .iter()
                .flatten()
                .filter_map(|f| serde_json::to_value(f).ok())
                .collect(),
        }
    }
}

impl From<&OwnerReference> for metav1::OwnerReference {
    fn from(o: &OwnerReference) -> Self {
        metav1::OwnerReference {
            api_version: o.api_version.clone(),
            kind: o.kind.clone(),
            name: o.name.clone(),
            uid: o.uid.clone(),
            controller: o.controller,
            block_owner_deletion: o.block_owner_deletion,
        }
    }
}

impl From<&metav1::OwnerReference> for OwnerReference {
    fn from(o: &metav1::OwnerReference) -> Self {
        OwnerReference {
            api_version: o.api_version.clone(),
            kind: o.kind.clone(),
            name: o.name.clone(),
            uid: o.uid.clone(),
            controller: o.controller,
            block_owner_deletion: o.block_owner_deletion,
        }
    }
}

impl From<&LabelSelector> for metav1::LabelSelector {
    fn from(s: &LabelSelector) -> Self {
        metav1::LabelSelector {
            match_labels: map_or_none(&s.match_labels),
            match_expressions: (!s.match_expressions.is_empty()).then(|| {
                s.match_expressions
                    .iter()
                    .map(|r| metav1::LabelSelectorRequirement {
                        key: r.key.clone(),
                        operator: r.operator.as_str().to_string(),
                        values: (!r.values.is_empty()).then(|| r.values.clone()),
                    })
                    .collect()
            }),
        }
    }
}

/// A k8s-openapi selector with an operator other than In, NotIn, Exists, DoesNotExist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("label selector requirement on {key:?} has unknown operator {operator:?}")]
pub struct UnknownOperator {
    pub key: String,
    pub operator: String,
}

impl TryFrom<&metav1::LabelSelector> for LabelSelector {
    type Error = UnknownOperator;
    fn try_from(s: &metav1::LabelSelector) -> Result<Self, UnknownOperator> {
        let match_expressions = s
            .match_expressions
            .iter()
            .flatten()
            .map(|r| {
                let operator = match r.operator.as_str() {
                    "In" => LabelSelectorOperator::In,
                    "NotIn" => LabelSelectorOperator::NotIn,
                    "Exists" => LabelSelectorOperator::Exists,
                    "DoesNotExist" => LabelSelectorOperator::DoesNotExist,
                    other => {
                        return Err(UnknownOperator {
                            key: r.key.clone(),
                            operator: other.to_string(),
                        });
                    }
                };
                Ok(LabelSelectorRequirement {
                    key: r.key.clone(),
                    operator,
                    values: r.values.clone().unwrap_or_default(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(LabelSelector {
            match_labels: s.match_labels.clone().unwrap_or_default(),
            match_expressions,
        })
    }
}

fn status_str(s: ConditionStatus) -> &'static str {
    match s {
        ConditionStatus::True => "True",
        ConditionStatus::False => "False",
        ConditionStatus::Unknown => "Unknown",
    }
}

impl From<&Condition> for metav1::Condition {
    /// A `lastTransitionTime` that is not RFC 3339 becomes the Unix epoch.
    fn from(c: &Condition) -> Self {
        metav1::Condition {
            type_: c.type_.clone(),
            status: status_str(c.status).to_string(),
            observed_generation: (c.observed_generation != 0).then_some(c.observed_generation),
            last_transition_time: time_from(&c.last_transition_time)
                .unwrap_or(metav1::Time(k8s_openapi::jiff::Timestamp::UNIX_EPOCH)),
            reason: c.reason.clone(),
            message: c.message.clone(),
        }
    }
}

impl From<&metav1::Condition> for Condition {
    /// Statuses other than `True` and `False` read as `Unknown`.
    fn from(c: &metav1::Condition) -> Self {
        Condition {
            type_: c.type_.clone(),
            status: match c.status.as_str() {
                "True" => ConditionStatus::True,
                "False" => ConditionStatus::False,
                _ => ConditionStatus::Unknown,
            },
            observed_generation: c.observed_generation.unwrap_or_default(),
            last_transition_time: time_to(&c.last_transition_time),
            reason: c.reason.clone(),
            message: c.message.clone(),
        }
    }
}
