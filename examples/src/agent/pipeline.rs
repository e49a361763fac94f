//! The main job: every scenario's manifests through the controller's generation and every node's
//! merge and render, written to an output directory, checked with `vtysh -C`, summarised.
//!
//! Layout of the output: `OUT/<scenario>/generated/<name>.yaml` (the generated
//! FRRConfigurations, as the controller writes them) and `OUT/<scenario>/<node>/frr.conf`.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use crd_model::generate::ClusterState;
use crd_model::{LoadError, LoadErrors, Object, load_str};
use frr_render::vtysh::{ValidationError, validate_with_vtysh, vtysh_available};

use super::{ClusterPlan, NodeConfig, plan_cluster};
use crate::controller::files::render as render_generated;

/// One cluster to run: its name and objects.
#[derive(Debug, Clone)]
pub struct ScenarioInput {
    pub name: String,
    /// Where the manifests came from (for the summary).
    pub origin: String,
    pub state: ClusterState,
}

/// The scenarios bundled with the binary: (scenario, file, contents).
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "scenario1-import",
        "frrconfiguration.yaml",
        include_str!("../../manifests/scenario1-import/frrconfiguration.yaml"),
    ),
    (
        "scenario1-import",
        "nodes.yaml",
        include_str!("../../manifests/scenario1-import/nodes.yaml"),
    ),
    (
        "scenario2-advertise",
        "frrconfiguration.yaml",
        include_str!("../../manifests/scenario2-advertise/frrconfiguration.yaml"),
    ),
    (
        "scenario2-advertise",
        "routeadvertisements.yaml",
        include_str!("../../manifests/scenario2-advertise/routeadvertisements.yaml"),
    ),
    (
        "scenario2-advertise",
        "nodes.yaml",
        include_str!("../../manifests/scenario2-advertise/nodes.yaml"),
    ),
];

/// Loads and validates `(scenario, source name, text)` triples, all or nothing.
pub fn load_texts(files: &[(&str, &str, &str)]) -> Result<Vec<ScenarioInput>, LoadErrors> {
    let mut out: Vec<(String, String, Vec<Object>)> = Vec::new();
    let mut errors: Vec<LoadError> = Vec::new();
    for (scenario, file, text) in files {
        let source = format!("examples/manifests/{scenario}/{file}");
        let docs = match load_str(&source, text) {
            Ok(d) => d,
            Err(LoadErrors(mut e)) => {
                errors.append(&mut e);
                continue;
            }
        };
        let idx = match out.iter().position(|(n, _, _)| n == scenario) {
            Some(i) => i,
            None => {
                out.push((
                    scenario.to_string(),
                    format!("examples/manifests/{scenario}/ (bundled)"),
                    Vec::new(),
                ));
                out.len() - 1
            }
        };
        for d in docs {
            errors.extend(d.validate());
            out[idx].2.push(d.object);
        }
    }
    if !errors.is_empty() {
        return Err(LoadErrors(errors));
    }
    Ok(out
        .into_iter()
        .map(|(name, origin, objects)| ScenarioInput {
            name,
            origin,
            state: ClusterState::from_objects(objects),
        })
        .collect())
}

/// The bundled scenarios (they are valid: a test asserts it).
pub fn bundled() -> Result<Vec<ScenarioInput>, LoadErrors> {
    load_texts(BUNDLED)
}

/// Scenarios read from disk: a file, a directory of manifests, or a directory of scenario
/// directories (as the controller reads them). Errors name file, document, object and field.
pub fn from_path(path: &Path) -> Result<Vec<ScenarioInput>, crate::controller::ControllerError> {
    let scenarios = crate::controller::load_scenarios(path, &[])?;
    Ok(scenarios
        .into_iter()
        .map(|s| ScenarioInput {
            origin: s.dir.display().to_string(),
            name: s.name,
            state: s.state,
        })
        .collect())
}

/// How a node's `frr.conf` fared with FRR's parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Valid,
    Invalid(ValidationError),
    /// vtysh is not installed (or checks were turned off).
    NotChecked,
}

/// One node's outcome.
#[derive(Debug, Clone)]
pub struct NodeOutput {
    pub node: String,
    pub result: Result<(NodeConfig, PathBuf, Check), String>,
}

/// One scenario's outcome.
#[derive(Debug, Clone)]
pub struct ScenarioOutput {
    pub name: String,
    pub origin: String,
    pub dir: PathBuf,
    pub plan: ClusterPlan,
    /// Files of the generated FRRConfigurations, by identity key.
    pub generated_files: Vec<(String, PathBuf)>,
    pub nodes: Vec<NodeOutput>,
    /// Object counts by kind.
    pub counts: Vec<(&'static str, usize)>,
}

/// What the whole run did.
#[derive(Debug, Clone)]
pub struct PipelineReport {
    pub out_dir: PathBuf,
    pub scenarios: Vec<ScenarioOutput>,
    /// Whether `vtysh -C` was run.
    pub vtysh_checked: bool,
}

impl PipelineReport {
    /// Nodes whose configuration failed to build or to validate, as `scenario/node: why`.
    pub fn errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.scenarios {
            for n in &s.nodes {
                match &n.result {
                    Err(e) => out.push(format!("{}/{}: {e}", s.name, n.node)),
                    Ok((_, path, Check::Invalid(e))) => out.push(format!(
                        "{}/{}: {}: rejected by vtysh -C: {e}",
                        s.name,
                        n.node,
                        path.display()
                    )),
                    Ok(_) => {}
                }
            }
        }
        out
    }

    pub fn scenario(&self, name: &str) -> Option<&ScenarioOutput> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}

impl ScenarioOutput {
    pub fn node(&self, name: &str) -> Option<&NodeConfig> {
        self.nodes
            .iter()
            .find(|n| n.node == name)
            .and_then(|n| n.result.as_ref().ok())
            .map(|(c, _, _)| c)
    }
}

/// Options of [`run`].
#[derive(Debug, Clone)]
pub struct Options {
    pub out_dir: PathBuf,
    /// Run `vtysh -C` on every `frr.conf` (when vtysh is installed).
    pub vtysh: bool,
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs the pipeline on every scenario and writes the files. A node whose configuration does
/// not build is reported (its old `frr.conf`, if any, is removed so no stale file is mistaken
/// for a result); I/O errors on the output directory fail the whole run.
pub fn run(scenarios: &[ScenarioInput], opts: &Options) -> Result<PipelineReport, String> {
    let vtysh_checked = opts.vtysh && vtysh_available();
    let mut report = PipelineReport {
        out_dir: opts.out_dir.clone(),
        scenarios: Vec::new(),
        vtysh_checked,
    };
    for s in scenarios {
        let plan = plan_cluster(&s.state);
        let dir = opts.out_dir.join(&s.name);
        let gen_dir = dir.join("generated");
        if gen_dir.exists() {
            std::fs::remove_dir_all(&gen_dir).map_err(|e| format!("{}: {e}", gen_dir.display()))?;
        }
        let mut generated_files = Vec::new();
        for (key, f) in &plan.generated {
            let path = gen_dir.join(format!("{}.yaml", f.metadata.name));
            let text = render_generated(key, f).map_err(|e| format!("{}: {e}", path.display()))?;
            write(&path, &text)?;
            generated_files.push((key.clone(), path));
        }
        let mut nodes = Vec::new();
        for n in &plan.nodes {
            let path = dir.join(&n.node).join("frr.conf");
            let result = match &n.result {
                Ok(c) => {
                    write(&path, &c.text)?;
                    let check = if !vtysh_checked {
                        Check::NotChecked
                    } else {
                        match validate_with_vtysh(&c.text) {
                            Ok(()) => Check::Valid,
                            Err(e) => Check::Invalid(e),
                        }
                    };
                    Ok((c.clone(), path, check))
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&path);
                    let who = e
                        .config
                        .as_ref()
                        .map(|c| format!("FRRConfiguration {c}: "))
                        .unwrap_or_default();
                    Err(format!("{who}{}", e.message))
                }
            };
            nodes.push(NodeOutput {
                node: n.node.clone(),
                result,
            });
        }
        let st = &s.state;
        let counts = vec![
            ("FRRConfiguration", st.frr_configurations.len()),
            ("RouteAdvertisements", st.route_advertisements.len()),
            ("Node", st.nodes.len()),
        ];
        report.scenarios.push(ScenarioOutput {
            name: s.name.clone(),
            origin: s.origin.clone(),
            dir,
            plan,
            generated_files,
            nodes,
            counts,
        });
    }
    Ok(report)
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

impl fmt::Display for PipelineReport {
    /// The summary a newcomer reads: per scenario and node, the neighbors, what each imports and
    /// advertises, and where the files are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.scenarios {
            let counts: Vec<String> = s
                .counts
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| plural(*n, k))
                .collect();
            writeln!(f, "== {} ({}): {}", s.name, s.origin, counts.join(", "))?;
            for (name, r) in &s.plan.route_advertisements {
                match r {
                    Ok(n) => writeln!(
                        f,
                        "  RouteAdvertisements {name}: Accepted, generated {}",
                        plural(*n, "FRRConfiguration")
                    )?,
                    Err(e) => writeln!(f, "  RouteAdvertisements {name}: not accepted: {e}")?,
                }
            }
            if !s.generated_files.is_empty() {
                writeln!(f, "  generated FRRConfigurations:")?;
                for (key, path) in &s.generated_files {
                    writeln!(f, "    {}  ({key})", path.display())?;
                }
            }
            for n in &s.nodes {
                match &n.result {
                    Err(e) => writeln!(f, "  {}: NO CONFIGURATION: {e}", n.node)?,
                    Ok((c, path, check)) => {
                        let check = match check {
                            Check::Valid => "vtysh -C: valid".to_string(),
                            Check::Invalid(e) => format!("vtysh -C: REJECTED: {e}"),
                            Check::NotChecked => "not checked".to_string(),
                        };
                        writeln!(f, "  {}: {} ({check})", n.node, path.display())?;
                        writeln!(
                            f,
                            "    from FRRConfigurations: {}",
                            c.conversion.selected.join(", ")
                        )?;
                        let neighbors = c.neighbors();
                        if neighbors.is_empty() {
                            writeln!(f, "    no BGP neighbors")?;
                        }
                        for nb in neighbors {
                            let kind = if nb.peer_asn == nb.local_asn.to_string()
                                || nb.peer_asn == "internal"
                            {
                                "iBGP"
                            } else {
                                "eBGP"
                            };
                            let mut line = format!(
                                "    neighbor {} AS {} ({kind}, local AS {}",
                                nb.peer, nb.peer_asn, nb.local_asn
                            );
                            if !nb.vrf.is_empty() {
                                let _ = write!(line, ", VRF {}", nb.vrf);
                            }
                            if !nb.bfd_profile.is_empty() {
                                let _ = write!(line, ", BFD profile {}", nb.bfd_profile);
                            }
                            writeln!(f, "{line})")?;
                            let imports = match &nb.imports {
                                None => "everything".to_string(),
                                Some(v) if v.is_empty() => "nothing".to_string(),
                                Some(v) => format!("only {}", v.join(", ")),
                            };
                            writeln!(f, "      imports:    {imports}")?;
                            let adv = if nb.advertises.is_empty() {
                                "nothing".to_string()
                            } else {
                                nb.advertises.join(", ")
                            };
                            writeln!(f, "      advertises: {adv}")?;
                        }
                    }
                }
            }
        }
        if !self.vtysh_checked {
            writeln!(
                f,
                "note: vtysh (FRR) is not installed or checks are off: the frr.conf files were not validated"
            )?;
        }
        writeln!(f, "output: {}", self.out_dir.display())
    }
}
