//! Choosing where the network runs: burn's Flex CPU backend or wgpu.

use crate::error::{Error, Result};
pub use crate::settings::Backend;
use burn::tensor::Device;
use burn::tensor::wgpu::{WgpuBackend, WgpuInitError};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A ready device and what to call it on screen.
#[derive(Debug, Clone)]
pub struct Compute {
    pub backend: Backend,
    pub device: Device,
    /// The adapter's name, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`.
    pub name: String,
    /// The largest buffer the device takes, in bytes (a GPU's limit; `None` on the CPU).
    pub max_buffer: Option<u64>,
}

/// The message for a machine without a usable GPU adapter.
pub const NO_ADAPTER: &str = "no GPU adapter for --backend wgpu (install a Vulkan driver, e.g. mesa-vulkan-drivers, or use --backend cpu)";

/// Initializes `backend`. wgpu is set up once per process (burn's runtime cannot be
/// re-initialized); later calls reuse that device or its error.
pub fn init(backend: Backend) -> Result<Compute> {
    match backend {
        Backend::Cpu => Ok(Compute {
            backend,
            device: Device::flex(),
            name: "Flex (CPU)".to_string(),
            max_buffer: None,
        }),
        Backend::Wgpu => {
            static WGPU: OnceLock<Result<(Device, String, u64), String>> = OnceLock::new();
            let (device, name, max_buffer) = WGPU
                .get_or_init(init_wgpu)
                .clone()
                .map_err(Error::Backend)?;
            Ok(Compute {
                backend,
                device,
                name,
                max_buffer: Some(max_buffer),
            })
        }
    }
}

/// The graphics APIs wgpu may run on here, best first. Never OpenGL: on a machine whose only
/// adapter is an OpenGL one (Mesa's llvmpipe without a Vulkan driver), wgpu's GLES backend
/// deadlocks under the GPU runtime's threads ("Could not lock adapter context") and the run
/// waits for ever, where a clear "install a Vulkan driver" ends it at once. wgpu's own choice
/// (`Auto`) would take OpenGL there.
const GRAPHICS_APIS: &[WgpuBackend] = if cfg!(target_os = "macos") {
    &[WgpuBackend::Metal]
} else if cfg!(windows) {
    &[WgpuBackend::Vulkan, WgpuBackend::Dx12]
} else {
    &[WgpuBackend::Vulkan]
};

fn init_wgpu() -> Result<(Device, String, u64), String> {
    configure_gpu_runtime(GPU_CACHE.get().and_then(Option::as_deref));
    // Vulkan drivers write to stderr while they probe (mesa: "XDG_RUNTIME_DIR is invalid");
    // the terminal belongs to our output, so silence it for the duration of the probe.
    let _quiet = gag::Gag::stderr().ok();
    for &api in GRAPHICS_APIS {
        match Device::wgpu_options().graphics_api(api).init_with_setup() {
            Ok((device, setup)) => {
                let limits = setup.device.limits();
                let binding = limits.max_storage_buffer_binding_size;
                let max_buffer = limits.max_buffer_size.min(binding);
                return Ok((device, setup.adapter.get_info().name, max_buffer));
            }
            Err(WgpuInitError::AdapterUnavailable { .. }) => {}
            Err(other) => {
                let first_line = other.to_string();
                let first_line = first_line.lines().next().unwrap_or_default();
                return Err(format!("{NO_ADAPTER}: {first_line}"));
            }
        }
    }
    Err(NO_ADAPTER.to_string())
}

/// Where the GPU runtime keeps what it measured between starts, or `None` to keep nothing:
/// set once per process, before wgpu starts ([`keep_gpu_results`]).
static GPU_CACHE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Keeps the GPU runtime's autotune results in `folder` between starts (`None`: keeps
/// nothing, the default). Has no effect once wgpu has started.
pub fn keep_gpu_results(folder: Option<PathBuf>) {
    let _ = GPU_CACHE.set(folder);
}

/// The user's cache folder for this program: `$XDG_CACHE_HOME/nnfs-tui`, else
/// `~/.cache/nnfs-tui` (`None` without either).
pub fn user_cache_folder() -> Option<PathBuf> {
    cache_folder(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
}

/// [`user_cache_folder`] from the two variables; a relative one is ignored, as XDG says.
fn cache_folder(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |value: Option<OsString>| value.map(PathBuf::from).filter(|p| p.is_absolute());
    let base =
        absolute(xdg_cache_home).or_else(|| absolute(home).map(|home| home.join(".cache")))?;
    Some(base.join("nnfs-tui"))
}

/// cubecl's settings before its runtime first reads them. Autotune measures every candidate
/// kernel unless `CUBECL_AUTOTUNE_LEVEL` or a `cubecl.toml` asks for another level: the default
/// level bounds each candidate by the device's peak throughput, which it measures first with
/// probes of its own, on lavapipe about 9 s of the first epoch's 10 on every start (BENCHMARKS
/// §17). Measuring every candidate also picks kernels at least as fast. What autotune finds is
/// kept in `cache` when there is one, and nothing is written anywhere when there is not.
fn configure_gpu_runtime(cache: Option<&Path>) {
    use burn::cubecl::config::autotune::AutotuneLevel;
    use burn::cubecl::config::cache::CacheConfig;
    use burn::cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};
    use burn::cubecl::records::RecordLevel;
    let mut config = CubeClRuntimeConfig::from_current_dir().override_from_env();
    let asked = std::env::var_os("CUBECL_AUTOTUNE_LEVEL").is_some();
    if !asked && matches!(config.autotune.level, AutotuneLevel::Balanced) {
        config.autotune.level = AutotuneLevel::Full;
    }
    // cubecl's account of each start (what it tuned and when) would grow the folder by a
    // session a start; nothing here reads it.
    config.environment.records.level = RecordLevel::Off;
    if let Some(folder) = cache {
        config.environment.path = CacheConfig::Directory(folder.to_path_buf());
        config.compilation.cache = true;
    } else {
        config.autotune.disable_cache = true;
        config.throughput.disable_cache = true;
        config.compilation.cache = false;
    }
    // `false` when the runtime has read its settings already: they are kept as they are.
    CubeClRuntimeConfig::try_set(config);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_folder_is_xdgs_or_homes() {
        let some = |text: &str| Some(OsString::from(text));
        assert_eq!(
            cache_folder(some("/c"), some("/h")),
            Some(PathBuf::from("/c/nnfs-tui"))
        );
        assert_eq!(
            cache_folder(None, some("/h")),
            Some(PathBuf::from("/h/.cache/nnfs-tui"))
        );
        assert_eq!(
            cache_folder(some("relative"), some("/h")),
            Some(PathBuf::from("/h/.cache/nnfs-tui"))
        );
        assert_eq!(cache_folder(some(""), None), None);
        assert_eq!(cache_folder(None, some("h")), None);
    }
}
