//! Configuration: the fleet config file, themes and keymaps.

pub mod fleet;
