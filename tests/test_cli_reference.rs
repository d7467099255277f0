//! docs/cli-reference.md is the generated help of every command; this keeps
//! it true. `UPDATE_DOCS=1 cargo test --test integration cli_reference`
//! rewrites it after a change to the CLI.

#[test]
fn cli_reference_is_up_to_date() {
    let generated = cv::cli::reference::markdown();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli-reference.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/cli-reference.md");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/cli-reference.md is out of date: run `UPDATE_DOCS=1 cargo test --test integration cli_reference`"
    );
    // Every command is in it, with its examples.
    for command in [
        "init",
        "log",
        "link",
        "list",
        "show",
        "edit",
        "rm",
        "check",
        "levels",
        "diff",
        "report",
        "due",
        "verify",
        "harvest",
        "sync",
        "mcp",
        "completions",
        "man",
    ] {
        assert!(
            generated.contains(&format!("## `cv {command}`")),
            "{command}"
        );
    }
    assert!(generated.matches("Examples:").count() >= 13);
}
