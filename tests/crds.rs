//! The CRDs under `crds/` are exactly what `appasset crd` prints, so the files users apply
//! never drift from the types the operator reads and writes.

use std::process::Command;

#[test]
fn crds_folder_holds_what_appasset_crd_prints() {
    let printed = Command::new(env!("CARGO_BIN_EXE_appasset"))
        .arg("crd")
        .output()
        .expect("appasset runs");
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );

    let stored = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crds/appasset.io.yaml"
    ))
    .expect("crds/appasset.io.yaml exists");

    assert!(
        stored == String::from_utf8_lossy(&printed.stdout),
        "crds/appasset.io.yaml is stale: regenerate it with \
         `cargo run -- crd > crds/appasset.io.yaml`"
    );
}
