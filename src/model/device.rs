//! Choosing where the network runs: burn's Flex CPU backend or wgpu.

use crate::error::{Error, Result};
pub use crate::settings::Backend;
use burn::tensor::Device;
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

fn init_wgpu() -> Result<(Device, String, u64), String> {
    // Vulkan drivers write to stderr while they probe (mesa: "XDG_RUNTIME_DIR is invalid");
    // the terminal belongs to our output, so silence it for the duration of the probe.
    let _quiet = gag::Gag::stderr().ok();
    match Device::wgpu_options().init_with_setup() {
        Ok((device, setup)) => {
            let limits = setup.device.limits();
            let binding = limits.max_storage_buffer_binding_size;
            let max_buffer = limits.max_buffer_size.min(binding);
            Ok((device, setup.adapter.get_info().name, max_buffer))
        }
        Err(burn::tensor::wgpu::WgpuInitError::AdapterUnavailable { .. }) => {
            Err(NO_ADAPTER.to_string())
        }
        Err(other) => {
            let first_line = other.to_string();
            let first_line = first_line.lines().next().unwrap_or_default();
            Err(format!("{NO_ADAPTER}: {first_line}"))
        }
    }
}
