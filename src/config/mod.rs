//! Configuration: the fleet config file, themes and keymaps.

pub mod fleet;
pub mod keymap;
pub mod layered;
pub mod theme;
