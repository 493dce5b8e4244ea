//! Simulated Kong admin API, one state per Kong node (see `../shared/KONG.md`).
