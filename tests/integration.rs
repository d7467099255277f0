//! End-to-end tests: the real `cv` binary against real git repositories in
//! temp directories. One binary, one module per command (see STYLE §7).

mod common;

mod test_boundary_read;
mod test_check;
mod test_cli_reference;
mod test_coexistence;
mod test_cold;
mod test_edit;
mod test_errors;
mod test_harvest;
mod test_hostile;
mod test_init;
mod test_interactive;
mod test_issue_6;
mod test_issue_7;
mod test_levels;
mod test_link;
mod test_log;
mod test_mcp;
mod test_report;
mod test_report_html;
mod test_sync;
mod test_verify;
mod test_write_path;
