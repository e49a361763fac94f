//! Loading scenarios: directories of manifests, each a cluster of its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crd_model::generate::{ClusterState, EgressIPAssignment, UserDefinedNetwork};
use crd_model::{LoadError, LoadErrors, Object, load_file};
use serde::de::DeserializeOwned;

use super::ControllerError;

/// File extensions read as manifests.
pub const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// One cluster's manifests.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Directory name.
    pub name: String,
    pub dir: PathBuf,
    pub state: ClusterState,
    /// Where each object came from (`Kind ns/name` -> file), for messages.
    pub origins: BTreeMap<String, PathBuf>,
}

/// Objects the manifests cannot express (crd-model does not model CUDN or EgressIP objects):
/// ClusterUserDefinedNetworks and EgressIP assignments, read from plain YAML lists.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub networks: Vec<UserDefinedNetwork>,
    pub egress_ips: Vec<EgressIPAssignment>,
}

fn is_manifest(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e))
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>, ControllerError> {
    let rd = std::fs::read_dir(dir).map_err(|e| ControllerError::io(dir, e))?;
    let mut out = Vec::new();
    for entry in rd {
        out.push(entry.map_err(|e| ControllerError::io(dir, e))?.path());
    }
    out.sort();
    Ok(out)
}

/// The scenarios under `input`: a file is one scenario; a directory with manifest files
/// directly in it is one scenario; otherwise every subdirectory holding manifest files is one.
/// Paths in `skip` (the output directory, say) are not read.
///
/// All-or-nothing: any file that does not load or validate fails the whole call, with every
/// error naming its file, document, object and field.
pub fn load_scenarios(input: &Path, skip: &[PathBuf]) -> Result<Vec<Scenario>, ControllerError> {
    let skipped = |p: &Path| skip.iter().any(|s| p.starts_with(s));
    if input.is_file() {
        let name = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![load_scenario(name, input, &[input.to_path_buf()])?]);
    }
    if !input.is_dir() {
        return Err(ControllerError::file(input, "no such file or directory"));
    }
    let entries = sorted_entries(input)?;
    let direct: Vec<PathBuf> = entries
        .iter()
        .filter(|p| is_manifest(p) && !skipped(p))
        .cloned()
        .collect();
    let dir_name = |p: &Path| {
        p.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    };
    if !direct.is_empty() {
        return Ok(vec![load_scenario(dir_name(input), input, &direct)?]);
    }
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for sub in entries.iter().filter(|p| p.is_dir() && !skipped(p)) {
        let files: Vec<PathBuf> = sorted_entries(sub)?
            .into_iter()
            .filter(|p| is_manifest(p))
            .collect();
        if files.is_empty() {
            continue;
        }
        match load_scenario(dir_name(sub), sub, &files) {
            Ok(s) => scenarios.push(s),
            Err(ControllerError::Load(LoadErrors(mut e))) => errors.append(&mut e),
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors).into());
    }
    if scenarios.is_empty() {
        return Err(ControllerError::file(
            input,
            format!(
                "no manifests found (files ending in {})",
                MANIFEST_EXTENSIONS.join(", ")
            ),
        ));
    }
    Ok(scenarios)
}

/// Loads and validates the given files as one cluster.
pub fn load_scenario(
    name: String,
    dir: &Path,
    files: &[PathBuf],
) -> Result<Scenario, ControllerError> {
    let mut errors: Vec<LoadError> = Vec::new();
    let mut objects = Vec::new();
    let mut origins: BTreeMap<String, PathBuf> = BTreeMap::new();
    for f in files {
        match load_file(f) {
            Ok(docs) => {
                for d in docs {
                    errors.extend(d.validate());
                    let id = object_id(&d.object);
                    if let Some(first) = origins.get(&id) {
                        errors.push(d.locate(crd_model::FieldError {
                            path: "metadata.name".into(),
                            message: format!(
                                "duplicate object: {id} is also defined in {}",
                                first.display()
                            ),
                        }));
                    } else {
                        origins.insert(id, f.to_path_buf());
                    }
                    objects.push(d.object);
                }
            }
            Err(LoadErrors(mut e)) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors).into());
    }
    Ok(Scenario {
        name,
        dir: dir.to_path_buf(),
        state: ClusterState::from_objects(objects),
        origins,
    })
}

/// `Kind namespace/name` (or `Kind name`).
pub fn object_id(o: &Object) -> String {
    format!("{} {}", o.kind(), o.metadata().display_name())
}

fn load_list<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>, ControllerError> {
    let text = std::fs::read_to_string(path).map_err(|e| ControllerError::io(path, e))?;
    let value: serde_json::Value = serde_saphyr::from_str(&text)
        .map_err(|e| ControllerError::file(path, format!("invalid YAML: {e}")))?;
    let serde_json::Value::Array(items) = value else {
        return Err(ControllerError::file(path, "expected a list"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v)
                .map_err(|e| ControllerError::file(path, format!("item [{i}]: {e}")))
        })
        .collect()
}

/// Reads the optional networks and EgressIP lists.
pub fn load_extras(
    networks: Option<&Path>,
    egress_ips: Option<&Path>,
) -> Result<Extras, ControllerError> {
    let mut extras = Extras::default();
    if let Some(p) = networks {
        extras.networks = load_list(p)?;
        for (i, n) in extras.networks.iter().enumerate() {
            for s in &n.subnets {
                if crd_model::validate::parse_cidr(s).is_none() {
                    return Err(ControllerError::file(
                        p,
                        format!("item [{i}] ({}): subnets: invalid CIDR {s:?}", n.name),
                    ));
                }
            }
        }
    }
    if let Some(p) = egress_ips {
        extras.egress_ips = load_list(p)?;
        for (i, e) in extras.egress_ips.iter().enumerate() {
            if e.egress_ip.parse::<std::net::IpAddr>().is_err() {
                return Err(ControllerError::file(
                    p,
                    format!(
                        "item [{i}] ({}): egressIP: invalid address {:?}",
                        e.name, e.egress_ip
                    ),
                ));
            }
        }
    }
    Ok(extras)
}

impl Scenario {
    /// The scenario's state with the extra networks and EgressIPs added.
    pub fn with_extras(mut self, extras: &Extras) -> Self {
        self.state.networks.extend(extras.networks.iter().cloned());
        self.state
            .egress_ips
            .extend(extras.egress_ips.iter().cloned());
        self
    }
}
