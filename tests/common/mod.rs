//! Helpers for tests that run the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NO_ADAPTER: &str = nnfs_tui::model::device::NO_ADAPTER;

/// Set to 1 (as CI does) to turn "no GPU adapter, skipping" into a failure.
pub const REQUIRE_WGPU: &str = "NNFS_TUI_REQUIRE_WGPU";

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn nnfs(args: &[&str]) -> Output {
    nnfs_with_env(args, &[])
}

pub fn nnfs_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nnfs-tui"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    match command.output() {
        Ok(output) => output,
        Err(error) => panic!("cannot start nnfs-tui: {error}"),
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Whether a wgpu run can go ahead: `false` (with a printed notice) when this machine has no
/// adapter, unless CI asked for wgpu to be required.
pub fn wgpu_available(output: &Output) -> bool {
    if output.status.code() == Some(2) && stderr(output).contains(NO_ADAPTER) {
        assert!(
            std::env::var(REQUIRE_WGPU).as_deref() != Ok("1"),
            "{REQUIRE_WGPU}=1 but wgpu found no adapter: {}",
            stderr(output)
        );
        eprintln!("SKIPPED: no GPU adapter on this machine (install mesa-vulkan-drivers)");
        return false;
    }
    true
}
