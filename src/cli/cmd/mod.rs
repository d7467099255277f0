//! One file per command: its `Args` (whose doc comments are the help), its
//! `run`, then private helpers.

pub mod check;
pub mod completions;
pub mod diff;
pub mod due;
pub mod edit;
pub mod harvest;
pub mod init;
pub mod levels;
pub mod link;
pub mod list;
pub mod log;
pub mod man;
pub mod mcp;
pub mod report;
pub mod rm;
pub mod show;
pub mod sync;
pub mod verify;
