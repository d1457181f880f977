//! nnfs-tui: watch a neural network written from scratch learn, live.
//!
//! Settings ([`settings`], from [`cli`] flags and [`config`] files) say what to do
//! ([`launch`]). Data flows [`data`] → [`model`] → [`trainer`] → [`app`] → [`ui`], driven by
//! [`tui`]'s event loop, or [`headless`] prints a run's progress for scripts. What training
//! reports is plain data at ground level ([`report`]): the model produces it, the trainer
//! carries it, headless prints it and the dashboard reads it.

pub mod allocator;
pub mod app;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub mod files;
pub mod headless;
pub mod launch;
pub mod model;
pub mod progress;
pub mod random;
pub mod report;
pub mod settings;
pub mod setup;
pub mod signals;
pub mod trainer;
pub mod tui;
pub mod ui;
