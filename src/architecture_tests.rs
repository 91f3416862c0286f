//! The layers of `src/` (ARCHITECTURE.md, "Layers"), checked on the source text: every
//! `crate::<module>` reference outside tests must point to a strictly lower layer, or stay inside its
//! own top-level module. With that rule there can be no import cycle between modules, and
//! `bigcommerce/` (which must read as the domain alone) can use nothing but `domain` and `atomic`.
//! A new top-level module fails the check until it is given a layer here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Lowest first. A module may use only modules of lower layers (and itself).
const LAYERS: &[&[&str]] = &[
    &["domain", "atomic", "lock", "text", "terminal"],
    &["bigcommerce"],
    &["store", "clipboard"],
    &["error"],
    &["output", "prompter", "interrupt", "profile"],
    &["render", "checklist", "cli"],
    &["context"],
    &["transaction", "prover", "wizard"],
    &["stored"],
    &["commands"],
    &["lib"],
];

/// Test-only files, which may reach anywhere.
fn is_test_file(name: &str) -> bool {
    name.ends_with("tests.rs") || name.ends_with("testkit.rs")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::<module>` references per top-level module, outside comments and unit-test sections.
fn references() -> BTreeMap<String, BTreeMap<String, String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut refs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
        if is_test_file(&rel) || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        let entry = refs.entry(module.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let target: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if target != module {
                    entry.entry(target).or_insert_with(|| rel.clone());
                }
            }
        }
    }
    refs
}

#[test]
fn every_reference_points_to_a_lower_layer() {
    let refs = references();
    assert!(
        refs.len() >= 15,
        "the scan found too few modules: {:?}",
        refs.keys()
    );
    let mut wrong = Vec::new();
    for (module, targets) in &refs {
        let Some(own) = layer_of(module) else {
            wrong.push(format!("`{module}` has no layer in architecture_tests.rs"));
            continue;
        };
        for (target, file) in targets {
            match layer_of(target) {
                Some(layer) if layer < own => {}
                _ => wrong.push(format!("{file}: `{module}` uses `crate::{target}`")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_domain_layer_uses_only_leaves() {
    let refs = references();
    for module in ["bigcommerce", "domain", "store"] {
        let targets: Vec<&String> = refs[module].keys().collect();
        assert!(
            targets
                .iter()
                .all(|t| ["domain", "atomic", "lock", "text"].contains(&t.as_str())),
            "{module} uses {targets:?}"
        );
    }
}

#[test]
fn the_check_sees_a_violation() {
    // The scan itself must find references: error.rs names the BigCommerce layer it maps.
    let refs = references();
    assert!(refs["error"].contains_key("bigcommerce"), "{:?}", refs["error"]);
    assert!(layer_of("error") > layer_of("bigcommerce"));
    assert_eq!(layer_of("no-such-module"), None);
}
