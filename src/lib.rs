//! nnfs-tui: watch a neural network written from scratch learn, live.
//!
//! Data flows `data` → `model` → `headless` (or the dashboard): [`data`] reads and
//! preprocesses CSV files, [`model`] holds the tutorial's network on burn and a training
//! [`model::Run`], and [`headless`] prints a run's progress for scripts.

// No unwrap()/expect() on what a user or the environment controls.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod app;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub mod headless;
pub mod model;
pub mod setup;
pub mod sweep;
pub mod trainer;
pub mod tui;
pub mod ui;
