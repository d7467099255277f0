//! The Markdown CLI reference (`docs/cli-reference.md`), generated from the
//! same clap definitions as `--help`, completions and the man page.

/// Renders every command's long help as one Markdown page.
pub fn markdown() -> String {
    // A fixed width, so the page does not depend on the terminal it is built in.
    let mut root = crate::cli::command().term_width(100);
    root.build();
    let mut out = String::from(
        "# CLI reference\n\n<!-- Generated from the clap definitions by `UPDATE_DOCS=1 cargo test --test integration cli_reference`; do not edit. -->\n\n",
    );
    section(&mut out, &mut root, "cv");
    out
}

fn section(out: &mut String, cmd: &mut clap::Command, name: &str) {
    out.push_str(&format!(
        "## `{name}`\n\n```text\n{}\n```\n\n",
        cmd.render_long_help().to_string().trim_end()
    ));
    let names: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in names {
        if let Some(child) = cmd.find_subcommand_mut(&sub) {
            let mut child = child.clone();
            section(out, &mut child, &format!("{name} {sub}"));
        }
    }
}
