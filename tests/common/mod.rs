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

/// The most address space [`nnfs_bounded`] gives the binary, in KB: bad input must cost little
/// memory, whatever it is.
pub const BOUNDED_KB: u64 = 1_000_000;

/// Runs the binary with at most [`BOUNDED_KB`] of address space, failing the test if it has
/// not ended within a minute (a read or an open that waits for ever).
pub fn nnfs_bounded(args: &[&str]) -> Output {
    let mut command = Command::new("sh");
    command
        .args(["-c", &format!("ulimit -v {BOUNDED_KB}; exec \"$0\" \"$@\"")])
        .arg(env!("CARGO_BIN_EXE_nnfs-tui"))
        .args(args);
    within_a_minute(command, args)
}

/// Runs the binary with `env` added, failing the test if it has not ended within a minute.
pub fn nnfs_with_env_within_a_minute(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nnfs-tui"));
    command.args(args).envs(env.iter().copied());
    within_a_minute(command, args)
}

fn within_a_minute(mut command: Command, args: &[&str]) -> Output {
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = match command.spawn() {
        Ok(child) => child,
        Err(error) => panic!("cannot start nnfs-tui: {error}"),
    };
    let pid = child.id().to_string();
    let (done, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match output.recv_timeout(std::time::Duration::from_mins(1)) {
        Ok(Ok(output)) => output,
        Ok(Err(error)) => panic!("nnfs-tui {args:?}: {error}"),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
            panic!("nnfs-tui {args:?} did not end within a minute");
        }
    }
}

/// A FIFO (named pipe) at `path`.
pub fn make_fifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status();
    assert!(
        made.is_ok_and(|status| status.success()),
        "mkfifo {}",
        path.display()
    );
}

/// The README's block that starts with the command `start` (`$ nnfs-tui ...`): what the binary
/// prints for it.
pub fn readme_block_is_the_binarys(start: &str) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let Some(start) = readme.find(start) else {
        panic!("README.md has no block starting {start:?}")
    };
    let end = readme[start..]
        .find("```")
        .map_or(readme.len(), |end| end + start);
    let block = &readme[start..end];
    let (command, table) = block.split_once('\n').unwrap_or((block, ""));
    let args: Vec<&str> = command.split_whitespace().skip(2).collect();
    let output = nnfs(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), table);
}
