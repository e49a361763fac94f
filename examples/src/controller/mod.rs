//! The RouteAdvertisements controller, file-based: reads a directory of manifests (the
//! RouteAdvertisements, FRRConfigurations and Nodes of a cluster), runs the generation of
//! [`crd_model::generate`], and keeps an output directory holding exactly the generated
//! FRRConfigurations, one YAML file per object; optionally it watches the input and regenerates.
//! With the `kube` feature, [`kube`](self::kube) does the same against a Kubernetes API.
//!
//! The logic is in `crd-model`; this module only loads, writes files and watches.

pub mod files;
#[cfg(feature = "kube")]
pub mod kube;
pub mod manifests;
pub mod time;
pub mod watch;

pub use files::{ScenarioReport, reconcile_scenario};
pub use manifests::{Extras, Scenario, load_extras, load_scenarios};
pub use watch::watch;

use std::path::PathBuf;

/// What went wrong, naming the file and, where known, the object and field.
#[derive(Debug, thiserror::Error)]
pub enum ControllerError {
    /// Manifests that do not load or validate; every error names file, document, object, field.
    #[error("{0}")]
    Load(#[from] crd_model::LoadErrors),
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ControllerError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ControllerError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ControllerError::File {
            path: path.into(),
            message: message.into(),
        }
    }
}
