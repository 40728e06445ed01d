//! The core's layers as `lib.rs` documents them: no module imports one above it, so
//! there are no circles. Read from the source itself (`crate::<module>` paths).

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of `src/` and its layer, lowest first. A module may name only
/// modules of a lower layer (and itself).
const LAYERS: &[(&str, u32)] = &[
    ("types", 0),
    ("error", 1),
    ("text", 2),
    ("csv", 2),
    ("markdown", 2),
    ("clock", 2),
    ("calendar", 2),
    ("paths", 2),
    ("printing", 2),
    ("typeset", 2),
    ("db", 3),
    ("files", 4),
    ("audit", 5),
    ("auth", 6),
    ("patients", 7),
    ("products", 7),
    ("stock", 8),
    ("articles", 8),
    ("imports", 8),
    ("sessions", 9),
    ("handouts", 10),
    ("booking", 10),
    ("clinic", 11),
    ("check", 11),
    ("paperwork", 11),
    ("export", 11),
    ("demo", 12),
    ("backup", 12),
    ("api", 13),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The `crate::<name>` modules named in the files of `path` (a file or a folder).
fn imports(path: &Path, found: &mut BTreeSet<String>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            imports(&entry.unwrap().path(), found);
        }
        return;
    }
    if path.extension().is_none_or(|e| e != "rs") {
        return;
    }
    let text = std::fs::read_to_string(path).unwrap();
    // Unit tests may build their fixtures with anything (e.g. a demo clinic).
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    for (i, _) in text.match_indices("crate::") {
        let name: String = text[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
            found.insert(name);
        }
    }
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    let mut modules = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" || name == "bin" {
            continue;
        }
        let Some(own) = layer(&name) else {
            problems.push(format!("{name} is not in the layer table of this test (and lib.rs)"));
            continue;
        };
        modules += 1;
        let mut found = BTreeSet::new();
        imports(&path, &mut found);
        for other in found {
            // `crate::Result`/`crate::Error` re-exports are the error layer; items of lib.rs.
            let Some(theirs) = layer(&other) else { continue };
            if other != name && theirs >= own {
                problems.push(format!("{name} (layer {own}) imports {other} (layer {theirs})"));
            }
        }
    }
    assert!(modules >= 20, "the source folder was not read ({modules} modules)");
    assert!(problems.is_empty(), "layer violations:\n{}", problems.join("\n"));
}
