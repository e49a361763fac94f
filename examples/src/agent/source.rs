//! The node agent's source: a directory of manifests (searched recursively), loaded as one
//! cluster. Loading is all or nothing, so a half-written or invalid file never half-applies.

use std::path::{Path, PathBuf};

use crd_model::generate::ClusterState;

use crate::controller::ControllerError;
use crate::controller::manifests::{MANIFEST_EXTENSIONS, load_scenario};

/// How deep subdirectories are searched.
const MAX_DEPTH: usize = 4;

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), ControllerError> {
    let rd = std::fs::read_dir(dir).map_err(|e| ControllerError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        // editors' and atomic writers' temporaries
        if name.as_deref().is_some_and(|n| n.starts_with('.')) {
            continue;
        }
        if p.is_dir() {
            if depth < MAX_DEPTH {
                collect(&p, depth + 1, out)?;
            }
        } else if p.is_file()
            && p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e))
        {
            out.push(p);
        }
    }
    Ok(())
}

/// The manifest files under `dir`, sorted.
pub fn manifest_files(dir: &Path) -> Result<Vec<PathBuf>, ControllerError> {
    let mut files = Vec::new();
    if dir.is_file() {
        files.push(dir.to_path_buf());
    } else {
        collect(dir, 0, &mut files)?;
    }
    Ok(files)
}

/// Loads every manifest under `dir` as one cluster. An empty directory is an empty cluster
/// (everything deleted), not an error.
pub fn load_dir(dir: &Path) -> Result<ClusterState, ControllerError> {
    if !dir.exists() {
        return Err(ControllerError::File {
            path: dir.to_path_buf(),
            message: "no such file or directory".into(),
        });
    }
    let files = manifest_files(dir)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(load_scenario(name, dir, &files)?.state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_recursively_and_skips_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(
            dir.path().join("sub/n.yaml"),
            "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(".tmp.yaml"), "garbage: [").unwrap();
        let st = load_dir(dir.path()).unwrap();
        assert_eq!(st.nodes.len(), 1);
        std::fs::write(dir.path().join("bad.yaml"), "kind: Node\nmetadata: [").unwrap();
        let err = load_dir(dir.path()).unwrap_err().to_string();
        assert!(err.contains("bad.yaml"), "{err}");
        assert!(load_dir(&dir.path().join("missing")).is_err());
    }
}
