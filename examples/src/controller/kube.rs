//! The controller against a Kubernetes API (feature `kube`): list RouteAdvertisements,
//! FRRConfigurations (all namespaces) and Nodes, generate, then server-side apply the generated
//! FRRConfigurations and each RouteAdvertisements' status with upstream's field manager, and
//! delete obsolete ones.
//!
//! Upstream creates generated objects with `generateName`; server-side apply needs a name up
//! front, so new objects get the stable name of [`stable_name`], and objects that already exist
//! (whatever their name) are applied under their existing name. The generic
//! [`DynamicObject`] API is used, so this works without CRD types registered in kube-rs.
//!
//! [`run`] is a watch + reconcile loop: any change of the three kinds (debounced) triggers a
//! full [`reconcile_once`], which writes nothing when everything is as desired.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use anyhow::{Context, anyhow};
use crd_model::generate::{
    self, ClusterState, FIELD_MANAGER, accepted_condition, needs_status_update, stable_name,
};
use crd_model::{
    FRRConfiguration, FRRConfigurationSpec, Node, ObjectMeta, RouteAdvertisements,
    RouteAdvertisementsSpec, RouteAdvertisementsStatus,
};
use futures::StreamExt;
use kube::Client;
use kube::api::{
    Api, ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
};
use kube::runtime::watcher;
use serde_json::Value;

use super::time::rfc3339_now;

/// `frrk8s.metallb.io/v1beta1` `FRRConfiguration` (namespaced).
pub fn frr_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(
            crd_model::frrk8s::GROUP,
            crd_model::frrk8s::VERSION,
            "FRRConfiguration",
        ),
        "frrconfigurations",
    )
}

/// `k8s.ovn.org/v1` `RouteAdvertisements` (cluster-scoped).
pub fn ra_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk(
            crd_model::ovnk::GROUP,
            crd_model::ovnk::VERSION,
            "RouteAdvertisements",
        ),
        "routeadvertisements",
    )
}

fn meta_of(m: &kube::core::ObjectMeta) -> ObjectMeta {
    ObjectMeta {
        name: m.name.clone().unwrap_or_default(),
        generate_name: m.generate_name.clone().unwrap_or_default(),
        namespace: m.namespace.clone().unwrap_or_default(),
        uid: m.uid.clone().unwrap_or_default(),
        resource_version: m.resource_version.clone().unwrap_or_default(),
        generation: m.generation.unwrap_or_default(),
        labels: m.labels.clone().unwrap_or_default().into_iter().collect(),
        annotations: m
            .annotations
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        ..Default::default()
    }
}

fn field<T: serde::de::DeserializeOwned + Default>(
    o: &DynamicObject,
    kind: &str,
    name: &str,
) -> anyhow::Result<T> {
    match o.data.get(name) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            anyhow!(
                "{kind} {}: {name}: {e}",
                meta_of(&o.metadata).display_name()
            )
        }),
    }
}

/// An FRRConfiguration from the API.
pub fn frr_from_dynamic(o: &DynamicObject) -> anyhow::Result<FRRConfiguration> {
    let spec: FRRConfigurationSpec = field(o, "FRRConfiguration", "spec")?;
    Ok(FRRConfiguration {
        metadata: meta_of(&o.metadata),
        spec,
        ..Default::default()
    })
}

/// A RouteAdvertisements from the API.
pub fn ra_from_dynamic(o: &DynamicObject) -> anyhow::Result<RouteAdvertisements> {
    let spec: RouteAdvertisementsSpec = field(o, "RouteAdvertisements", "spec")?;
    let status: RouteAdvertisementsStatus = field(o, "RouteAdvertisements", "status")?;
    Ok(RouteAdvertisements {
        metadata: meta_of(&o.metadata),
        spec,
        status,
        ..Default::default()
    })
}

/// The Node fields the generation reads.
pub fn node_from_api(n: &k8s_openapi::api::core::v1::Node) -> Node {
    let mut node = Node::new(n.metadata.name.clone().unwrap_or_default());
    node.metadata.labels = n
        .metadata
        .labels
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    node.metadata.annotations = n
        .metadata
        .annotations
        .clone()
        .unwrap_or_default()
        .into_iter()
        .collect();
    node
}

/// Lists everything the generation reads. Objects that do not parse fail the whole call (with
/// the object named), so nothing is half-applied.
pub async fn load_state(client: &Client) -> anyhow::Result<ClusterState> {
    let lp = ListParams::default();
    let ras = Api::<DynamicObject>::all_with(client.clone(), &ra_resource())
        .list(&lp)
        .await
        .context("listing RouteAdvertisements")?;
    let frrs = Api::<DynamicObject>::all_with(client.clone(), &frr_resource())
        .list(&lp)
        .await
        .context("listing FRRConfigurations")?;
    let nodes = Api::<k8s_openapi::api::core::v1::Node>::all(client.clone())
        .list(&lp)
        .await
        .context("listing Nodes")?;
    Ok(ClusterState {
        route_advertisements: ras
            .items
            .iter()
            .map(ra_from_dynamic)
            .collect::<anyhow::Result<_>>()?,
        frr_configurations: frrs
            .items
            .iter()
            .map(frr_from_dynamic)
            .collect::<anyhow::Result<_>>()?,
        nodes: nodes.items.iter().map(node_from_api).collect(),
        ..Default::default()
    })
}

/// The server-side apply body of a generated object: name set, no resourceVersion or
/// generateName (apply addresses the object by name).
pub fn apply_body(f: &FRRConfiguration) -> anyhow::Result<Value> {
    let mut f = f.clone();
    f.metadata.resource_version.clear();
    f.metadata.generate_name.clear();
    Ok(serde_json::to_value(&f)?)
}

/// What one reconcile did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubeReport {
    /// `namespace/name` of applied new objects.
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
    /// Status strings applied, by RouteAdvertisements.
    pub statuses: BTreeMap<String, String>,
}

impl fmt::Display for KubeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (what, v) in [
            ("created", &self.created),
            ("updated", &self.updated),
            ("deleted", &self.deleted),
        ] {
            if !v.is_empty() {
                writeln!(f, "{what}: {}", v.join(", "))?;
            }
        }
        for (ra, s) in &self.statuses {
            writeln!(f, "RouteAdvertisements {ra}: {s}")?;
        }
        if self.created.is_empty()
            && self.updated.is_empty()
            && self.deleted.is_empty()
            && self.statuses.is_empty()
        {
            writeln!(f, "up to date")?;
        }
        Ok(())
    }
}

/// One full reconcile of every RouteAdvertisements.
pub async fn reconcile_once(client: &Client) -> anyhow::Result<KubeReport> {
    let state = load_state(client).await?;
    let generated = generate::generate(&state);
    let plan = generate::plan(&generated, &state.frr_configurations);
    let frr_ar = frr_resource();
    let pp = PatchParams::apply(FIELD_MANAGER).force();
    let mut report = KubeReport::default();

    for (key, f) in &plan.create {
        let mut f = f.clone();
        f.metadata.name = stable_name(key);
        let api =
            Api::<DynamicObject>::namespaced_with(client.clone(), &f.metadata.namespace, &frr_ar);
        api.patch(&f.metadata.name, &pp, &Patch::Apply(apply_body(&f)?))
            .await
            .with_context(|| {
                format!(
                    "applying FRRConfiguration {} ({key})",
                    f.metadata.display_name()
                )
            })?;
        report.created.push(f.metadata.display_name());
    }
    for u in &plan.update {
        let f = &u.object;
        let api =
            Api::<DynamicObject>::namespaced_with(client.clone(), &f.metadata.namespace, &frr_ar);
        api.patch(&f.metadata.name, &pp, &Patch::Apply(apply_body(f)?))
            .await
            .with_context(|| {
                format!(
                    "applying FRRConfiguration {} ({})",
                    f.metadata.display_name(),
                    u.key
                )
            })?;
        report.updated.push(f.metadata.display_name());
    }
    for r in &plan.delete {
        let api = Api::<DynamicObject>::namespaced_with(client.clone(), &r.namespace, &frr_ar);
        match api.delete(&r.name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => {}
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!("deleting FRRConfiguration {r}")));
            }
        }
        report.deleted.push(r.to_string());
    }

    let now = rfc3339_now();
    let ra_api = Api::<DynamicObject>::all_with(client.clone(), &ra_resource());
    for ra in &state.route_advertisements {
        let name = &ra.metadata.name;
        let Some(g) = generated.route_advertisements.get(name) else {
            continue;
        };
        let result = g.result.as_ref().map(|_| ());
        if !needs_status_update(ra, result.is_ok(), plan.had_updates.contains(name)) {
            continue;
        }
        let status = accepted_condition(result, g.generation, &now);
        let body = serde_json::json!({
            "apiVersion": crd_model::ovnk::API_VERSION,
            "kind": RouteAdvertisements::KIND,
            "metadata": {"name": name},
            "status": status,
        });
        ra_api
            .patch_status(name, &pp, &Patch::Apply(body))
            .await
            .with_context(|| format!("applying status of RouteAdvertisements {name}"))?;
        report.statuses.insert(name.clone(), status.status);
    }
    Ok(report)
}

/// Watches RouteAdvertisements, FRRConfigurations and Nodes and reconciles after every burst of
/// changes (500 ms quiet time); errors are logged and retried on the next change or after 30 s.
pub async fn run(client: Client) -> anyhow::Result<()> {
    let cfg = watcher::Config::default();
    let ras = watcher(
        Api::<DynamicObject>::all_with(client.clone(), &ra_resource()),
        cfg.clone(),
    )
    .map(|e| e.map(|_| ()));
    let frrs = watcher(
        Api::<DynamicObject>::all_with(client.clone(), &frr_resource()),
        cfg.clone(),
    )
    .map(|e| e.map(|_| ()));
    let nodes = watcher(
        Api::<k8s_openapi::api::core::v1::Node>::all(client.clone()),
        cfg,
    )
    .map(|e| e.map(|_| ()));
    let mut events = futures::stream::select_all([ras.boxed(), frrs.boxed(), nodes.boxed()]);
    let quiet = Duration::from_millis(500);
    let retry = Duration::from_secs(30);
    loop {
        match tokio::time::timeout(retry, events.next()).await {
            Ok(None) => return Ok(()),
            Ok(Some(Err(e))) => tracing::warn!("watch: {e}"),
            Ok(Some(Ok(()))) | Err(_) => {}
        }
        while let Ok(Some(_)) = tokio::time::timeout(quiet, events.next()).await {}
        match reconcile_once(&client).await {
            Ok(r) => tracing::info!(
                "reconciled: {}",
                r.to_string().trim_end().replace('\n', "; ")
            ),
            Err(e) => tracing::warn!("reconcile failed: {e:#}"),
        }
    }
}
