//! The network on burn: the tutorial's functions ([`network`]), where they run ([`device`]), a
//! run's data on that device ([`data`]), a training run that reports each epoch ([`run`]) and
//! what it measures beside training ([`inspect`]), how often it reads back and looks
//! ([`schedule`]), whether a run fits in memory ([`memory`]), learning-rate sweeps
//! ([`sweep`]), races ([`race`]), the finder ([`finder`]) and the plane of two features the
//! decision boundary is drawn on ([`plane`]), and one epoch walked through the tutorial's
//! functions ([`walk`]). What all of it reports is plain data in
//! [`crate::report`].

mod columns;
pub mod data;
pub mod device;
pub mod explain;
pub mod finder;
pub mod fused;
pub mod inspect;
pub mod keep;
pub mod memory;
mod narrow;
pub mod network;
pub mod plane;
pub mod race;
mod readback;
pub mod reduce;
pub mod run;
pub mod schedule;
pub mod step;
pub mod sweep;
pub mod walk;
