//! `cv`: a git-native evidence ledger for the Customer Value career framework.
//!
//! The crate has two layers. The core (every module but `cli`) takes data and
//! returns data; it never prints, prompts or colours. The `cli` module parses
//! arguments, calls the core and renders the results.

#![warn(missing_docs)]

pub mod check;
pub mod cli;
pub mod clock;
pub mod content;
pub mod dates;
pub mod demo;
pub mod diff;
pub mod draft;
pub mod due;
pub mod entry;
pub mod framework;
pub mod git;
pub mod harvest;
pub mod ids;
pub mod ledger;
pub mod level;
pub mod links;
pub mod query;
pub mod readiness;
pub mod report;
pub mod suggest;
pub mod verify;
