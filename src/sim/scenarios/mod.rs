//! Named, seeded scenarios: each builds a [`Fleet`](super::world::Fleet)
//! reproducing one seed write-up (or a fleet-wide mix of them).

pub mod build;
pub mod kube_system;
