//! Comparing the desired generated FRRConfigurations with the ones that exist: what to create,
//! update (only when the spec differs) and delete (obsolete keys, duplicates of a key, and
//! everything of RouteAdvertisements that are gone or pending).

use std::collections::{BTreeMap, BTreeSet};

use super::{Generated, ROUTE_ADVERTISEMENTS_KEY};
use crate::frrk8s::FRRConfiguration;

/// A namespaced object name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn of(f: &FRRConfiguration) -> Self {
        ObjectRef {
            namespace: f.metadata.namespace.clone(),
            name: f.metadata.name.clone(),
        }
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// An existing generated object whose spec must change; `object` carries the existing name and
/// resourceVersion.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub key: String,
    pub object: FRRConfiguration,
}

/// The changes that bring the generated objects to the desired state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    /// New objects by identity key; they have `generateName` and no name.
    pub create: Vec<(String, FRRConfiguration)>,
    pub update: Vec<Update>,
    pub delete: Vec<ObjectRef>,
    /// Existing objects already as desired, by identity key.
    pub unchanged: Vec<(String, ObjectRef)>,
    /// RouteAdvertisements whose generated objects change (their status is then re-applied).
    pub had_updates: BTreeSet<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.delete.is_empty()
    }
}

/// Plans the changes from `existing` (any FRRConfigurations; only those labelled
/// `k8s.ovn.org/route-advertisements` are considered) to the desired state of `generated`.
///
/// As upstream: objects of a RouteAdvertisements with a configuration or internal error are left
/// alone; labelled objects without the identity annotation are ignored; when several objects
/// carry one key, the first by namespace/name is kept and the others are deleted.
pub fn plan(generated: &Generated, existing: &[FRRConfiguration]) -> Plan {
    // RA name -> key -> existing objects with that key
    let mut by_ra: BTreeMap<&str, BTreeMap<&str, Vec<&FRRConfiguration>>> = BTreeMap::new();
    for f in existing {
        let Some(ra) = f.metadata.labels.get(ROUTE_ADVERTISEMENTS_KEY) else {
            continue;
        };
        let Some(key) = f.metadata.annotations.get(ROUTE_ADVERTISEMENTS_KEY) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        by_ra
            .entry(ra.as_str())
            .or_default()
            .entry(key.as_str())
            .or_default()
            .push(f);
    }
    let empty = BTreeMap::new();
    let mut names: BTreeSet<&str> = by_ra.keys().copied().collect();
    names.extend(generated.route_advertisements.keys().map(String::as_str));

    let mut plan = Plan::default();
    for ra in names {
        let desired = match generated.route_advertisements.get(ra) {
            Some(g) => match &g.result {
                Ok(m) => m,
                Err(e) if e.keeps_existing() => continue,
                Err(_) => &empty,
            },
            None => &empty,
        };
        let mut current = by_ra.remove(ra).unwrap_or_default();
        for list in current.values_mut() {
            list.sort_by(|a, b| ObjectRef::of(a).cmp(&ObjectRef::of(b)));
        }
        let mut changed = false;
        for (key, want) in desired {
            let mut olds = current.remove(key.as_str()).unwrap_or_default();
            // an object in another namespace cannot be updated into this one
            olds.retain(|o| {
                let same = o.metadata.namespace == want.metadata.namespace;
                if !same {
                    plan.delete.push(ObjectRef::of(o));
                    changed = true;
                }
                same
            });
            let mut olds = olds.into_iter();
            match olds.next() {
                None => {
                    plan.create.push((key.clone(), want.clone()));
                    changed = true;
                }
                Some(old) if old.spec == want.spec => {
                    plan.unchanged.push((key.clone(), ObjectRef::of(old)));
                }
                Some(old) => {
                    let mut object = want.clone();
                    object.metadata.name = old.metadata.name.clone();
                    object.metadata.resource_version = old.metadata.resource_version.clone();
                    plan.update.push(Update {
                        key: key.clone(),
                        object,
                    });
                    changed = true;
                }
            }
            for dup in olds {
                plan.delete.push(ObjectRef::of(dup));
                changed = true;
            }
        }
        for obsolete in current.into_values().flatten() {
            plan.delete.push(ObjectRef::of(obsolete));
            changed = true;
        }
        if changed {
            plan.had_updates.insert(ra.to_string());
        }
    }
    plan
}
