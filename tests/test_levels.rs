//! `cv levels` and `cv diff`: the built-in framework as users see it.

use crate::common::TestEnv;

#[test]
fn levels_json_lists_five_levels_with_every_section_filled() {
    let env = TestEnv::new();
    let levels = env.cv(&["levels", "--json"]).json();
    let levels = levels.as_array().expect("array");
    let ids: Vec<&str> = levels
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["early", "mid", "senior", "staff", "principal"]);
    let shifts: Vec<(&str, &str)> = levels
        .iter()
        .map(|l| {
            (
                l["mindset"]["from"].as_str().expect("from"),
                l["mindset"]["to"].as_str().expect("to"),
            )
        })
        .collect();
    assert_eq!(
        shifts[0],
        (
            "Did I build it right?",
            "Did it solve the customer’s problem?"
        )
    );
    assert_eq!(
        shifts[4],
        (
            "What's our organization's contribution?",
            "How can we shape the future of customer value?"
        )
    );
    for level in levels {
        for key in ["name", "theme", "summary"] {
            assert!(
                !level[key].as_str().expect("string").is_empty(),
                "{key} of {}",
                level["id"]
            );
        }
        let items = level["items"].as_array().expect("items");
        for kind in [
            "behavior",
            "struggle",
            "indicator",
            "signal",
            "question",
            "habit",
            "feedback",
            "focus",
        ] {
            // The top stage has no level-up signals: the seeds give none.
            if level["id"] == "principal" && kind == "signal" {
                continue;
            }
            assert!(
                items.iter().any(|i| i["kind"] == kind),
                "{} has no {kind}",
                level["id"]
            );
        }
        for item in items {
            let id = item["id"].as_str().expect("id");
            let prefix = format!(
                "{}.{}.",
                level["id"].as_str().expect("id"),
                item["kind"].as_str().expect("kind")
            );
            assert!(id.starts_with(&prefix), "{id}");
        }
    }
    assert_eq!(levels[0]["number"], 1);
    assert_eq!(levels[3]["theme"], "strategic leadership");
}

#[test]
fn a_level_card_by_any_alias() {
    let env = TestEnv::new();
    let by_id = env.cv(&["levels", "mid", "--json"]).json();
    for alias in ["2", "L2", "mid-level", "MID"] {
        assert_eq!(
            env.cv(&["levels", alias, "--json"]).json(),
            by_id,
            "{alias}"
        );
    }
    let card = env.cv(&["levels", "mid"]);
    let text = card.ok();
    assert!(
        text.contains("Mid-Level Engineer (level 2): shaping outcomes"),
        "{text}"
    );
    assert!(
        text.contains("mid.signal.defines-success-criteria"),
        "{text}"
    );
    assert!(text.contains("Signals you're ready to level up"), "{text}");
    let top = env.cv(&["levels", "principal"]);
    assert!(
        top.ok().contains("(derived from the closing line)"),
        "{top}"
    );
}

#[test]
fn unknown_level_is_a_usage_error() {
    let env = TestEnv::new();
    let err = env.cv(&["levels", "junior"]).fails_with(2).to_string();
    assert!(err.contains("error: unknown level 'junior'"), "{err}");
    assert!(err.contains("hint: levels are early, mid"), "{err}");
}

#[test]
fn diff_shows_the_shift_and_the_signals_on_the_way() {
    let env = TestEnv::new();
    let d = env.cv(&["diff", "early", "senior", "--json"]).json();
    assert_eq!(d["from"]["mindset"]["from"], "Did I build it right?");
    assert_eq!(d["to"]["mindset"]["to"], "How can I lead impactful change?");
    let on_the_way: Vec<&str> = d["signals_on_the_way"]
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["id"].as_str().expect("id"))
        .collect();
    assert_eq!(on_the_way.len(), 6);
    assert!(on_the_way.contains(&"early.signal.talks-outcomes-not-tickets"));
    assert!(on_the_way.contains(&"mid.signal.aligns-on-customer-goals"));
    let text = env.cv(&["diff", "2", "3"]);
    let text = text.ok();
    assert!(
        text.contains("Mid-Level Engineer → Senior Engineer"),
        "{text}"
    );
    assert!(
        text.contains("“What’s my task?” → “What’s the customer’s goal?”"),
        "{text}"
    );
    let err = env.cv(&["diff", "senior", "mid"]).fails_with(2).to_string();
    assert!(err.contains("is not below"), "{err}");
}

/// Every item of `cv levels --json`, with its level's id.
fn all_items(levels: &serde_json::Value) -> Vec<(String, serde_json::Value)> {
    levels
        .as_array()
        .expect("array")
        .iter()
        .flat_map(|l| {
            let level = l["id"].as_str().expect("id").to_string();
            l["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(move |i| (level.clone(), i.clone()))
        })
        .collect()
}

/// The right-hand cells of `cv diff`'s tables run together without spaces,
/// so a text the table wrapped still reads as one.
fn right_column(text: &str) -> String {
    text.lines()
        .filter_map(|line| line.rsplit_once('┆'))
        .map(|(_, cell)| cell.replace(['│', ' '], ""))
        .collect()
}

// Issue 7, "must show": 130-odd items (122 once the seeds' words alone are
// kept), every slug unique, Principal with no level-up signals, every
// derived item marked in every view.
#[test]
fn levels_json_is_the_seeds_with_unique_slugs_and_marked_derivations() {
    let env = TestEnv::new();
    let levels = env.cv(&["levels", "--json"]).json();
    let items = all_items(&levels);
    assert_eq!(items.len(), 122);
    let mut slugs: Vec<&str> = items
        .iter()
        .map(|(_, i)| {
            i["id"]
                .as_str()
                .expect("id")
                .rsplit('.')
                .next()
                .expect("slug")
        })
        .collect();
    slugs.sort_unstable();
    let before = slugs.len();
    slugs.dedup();
    assert_eq!(slugs.len(), before, "every slug is unique");
    let principal_signals = items
        .iter()
        .filter(|(level, i)| level == "principal" && i["kind"] == "signal")
        .count();
    assert_eq!(principal_signals, 0);

    let derived: Vec<&(String, serde_json::Value)> =
        items.iter().filter(|(_, i)| i["derived"] == true).collect();
    assert_eq!(derived.len(), 6);
    for (level, item) in &derived {
        let text = item["text"].as_str().expect("text");
        assert_eq!(item["source"], "the closing line", "{item}");
        let marked = format!("{text} (derived from the closing line)");
        let card = env.cv(&["levels", level]);
        assert!(card.ok().contains(&marked), "cv levels {level}:\n{card}");
        let diff = env.cv(&["diff", "mid", level]);
        assert!(
            right_column(diff.ok()).contains(&marked.replace(' ', "")),
            "cv diff mid {level}:\n{diff}"
        );
        let json = env.cv(&["diff", "early", level, "--json"]).json();
        let focus = json["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .find(|s| s["kind"] == "focus")
            .expect("focus");
        assert!(
            focus["to"].as_array().expect("to").contains(item),
            "cv diff early {level} --json keeps {item}"
        );
    }
    // Quoted items carry no mark.
    let card = env.cv(&["levels", "mid"]);
    assert!(!card.ok().contains("derived"), "{card}");
}

// Issue 7: the top stage has no level-up signals, and its card says so and
// what its readiness counts instead (SPEC §5: C's own indicators).
#[test]
fn the_principal_card_says_it_has_no_signals_and_what_readiness_counts() {
    let env = TestEnv::new();
    let card = env.cv(&["levels", "principal"]);
    let text = card.ok();
    let signals = text
        .split("Signals you're ready to level up\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a signals section");
    assert!(
        signals.starts_with("  None. Principal Engineer is the top stage"),
        "{text}"
    );
    assert!(signals.contains("its own success indicators"), "{signals}");
    assert!(!signals.contains("principal.signal."), "{signals}");

    let json = env.cv(&["levels", "principal", "--json"]).json();
    assert_eq!(json["readiness"]["basis"], "own_indicators");
    assert_eq!(
        json["readiness"]["items"],
        serde_json::json!([
            "principal.indicator.org-reflects-direction",
            "principal.indicator.value-embedded-in-decisions",
            "principal.indicator.recognized-transformation",
            "principal.indicator.inspires-every-stage"
        ])
    );
    assert!(
        json["readiness"]["note"]
            .as_str()
            .expect("note")
            .contains("top stage"),
        "{json}"
    );
    let mid = env.cv(&["levels", "mid", "--json"]).json();
    assert_eq!(mid["readiness"]["basis"], "signals");
    assert_eq!(
        mid["readiness"]["items"][0],
        "mid.signal.defines-success-criteria"
    );
}

// Issue 7: `--signal defines-success-criteria` was ambiguous, `seeks
// feedback` got no suggestion, `drive-measurable-outcomes` silently picked a
// derived focus item; an old id must give its renamed item.
#[test]
fn typed_ids_resolve_to_one_item_or_name_the_closest() {
    let env = TestEnv::new();
    env.init();
    let stored = |signal: &str| -> serde_json::Value {
        env.cv(&["log", "--title", signal, "--signal", signal, "--json"])
            .json()["signals"]
            .clone()
    };
    assert_eq!(
        stored("defines-success-criteria"),
        serde_json::json!(["mid.signal.defines-success-criteria"])
    );
    for phrase in ["seeks feedback", "Seeks Feedback"] {
        assert_eq!(
            stored(phrase),
            serde_json::json!(["mid.behavior.seeks-feedback-to-validate-assumptions"]),
            "{phrase}"
        );
    }
    assert_eq!(
        stored("mid.behavior.validates-assumptions"),
        serde_json::json!(["mid.behavior.seeks-feedback-to-validate-assumptions"])
    );
    // A focus item only by its full id, never silently by its slug.
    assert_eq!(
        stored("senior.focus.drive-impactful-change"),
        serde_json::json!(["senior.focus.drive-impactful-change"])
    );
    for (given, closest) in [
        (
            "drive-impactful-change",
            "senior.focus.drive-impactful-change",
        ),
        (
            "drive-measurable-outcomes",
            "senior.behavior.drives-measurable-outcomes",
        ),
        (
            "seek feedback",
            "mid.behavior.seeks-feedback-to-validate-assumptions",
        ),
    ] {
        let run = env.cv(&["log", "--title", "x", "--signal", given]);
        let err = run.fails_with(2);
        assert!(
            err.contains(&format!("error: unknown signal '{given}'")),
            "{run}"
        );
        assert!(
            err.contains(&format!("hint: did you mean {closest}")),
            "{run}"
        );
    }
    let run = env.cv(&["log", "--title", "x", "--signal", "customer-value"]);
    let err = run.fails_with(2);
    assert!(err.contains("is ambiguous"), "{run}");
    assert!(
        err.contains("senior.behavior.mentors-on-customer-value, staff.indicator.priorities-reflect-customer-value"),
        "{run}"
    );
}

// Issue 7: entries written before a rename list the old id; they still
// count toward readiness as the new one, and `cv check` accepts them.
#[test]
fn an_entry_with_an_old_id_still_counts() {
    let env = TestEnv::new();
    env.init();
    let dir = env.ledger().join("entries/2026");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("2026-10-01-mentored-support.toml"),
        "id = \"2026-10-01-mentored-support\"\ntitle = \"Mentored support\"\ndate = 2026-10-01\nsignals = [\"senior.indicator.sought-for-guidance\"]\n\n[[links]]\nkind = \"url\"\nurl = \"https://wiki.example.com/guide\"\n",
    )
    .expect("write");
    env.git(&env.ledger(), &["add", "-A"]);
    env.git(
        &env.ledger(),
        &["commit", "-q", "-m", "an entry from before the rename"],
    );
    env.cv(&["check"]).ok();
    let report = env.cv(&["report", "--json"]).json();
    let renamed = report["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|c| c["id"] == "senior.indicator.others-come-to-you-for-guidance")
        .expect("the renamed indicator")
        .clone();
    assert_eq!(renamed["covered"], true, "{renamed}");
    assert_eq!(
        renamed["entries"],
        serde_json::json!(["2026-10-01-mentored-support"])
    );
}

// SPEC §2: every slug unique in a custom framework too; a duplicate is an
// error naming the file and both ids, from `cv check` and from any command
// that loads the framework.
#[test]
fn a_custom_framework_with_a_duplicate_slug_is_reported() {
    let env = TestEnv::new();
    env.init();
    std::fs::write(
        env.ledger().join("ladder.toml"),
        r#"name = "Acme ladder"
[[levels]]
id = "early"
name = "Junior"
theme = "learning"
summary = "Learns."
mindset = { from = "How?", to = "Why?" }
[[levels.signal]]
slug = "ships-value"
text = "Ships value"
[[levels]]
id = "mid"
name = "Engineer"
theme = "owning"
summary = "Owns."
mindset = { from = "Why?", to = "For whom?" }
[[levels.behavior]]
slug = "ships-value"
text = "Ships value alone"
"#,
    )
    .expect("write ladder");
    let config = env.ledger().join("cv.toml");
    let text = std::fs::read_to_string(&config).expect("cv.toml");
    let text = text.replace("[framework]\n", "[framework]\npath = \"ladder.toml\"\n");
    assert!(text.contains("path = \"ladder.toml\""), "{text}");
    std::fs::write(&config, text).expect("write cv.toml");

    let check = env.cv(&["check"]);
    assert_eq!(check.code, 1, "{check}");
    for needle in [
        "ladder.toml:18:8: config error: slug 'ships-value'",
        "mid.behavior.ships-value",
        "early.signal.ships-value",
    ] {
        assert!(check.stdout.contains(needle), "{needle}:\n{check}");
    }
    let levels = env.cv(&["levels"]);
    let err = levels.fails_with(1);
    assert!(err.contains("ladder.toml:18:8: slug 'ships-value' of mid.behavior.ships-value is already the slug of early.signal.ships-value"), "{levels}");
}

/// Issue 8 (must show): `cv diff mid senior --evidence --json` names the
/// entries behind each covered item; the table marks coverage.
#[test]
fn diff_with_evidence_names_the_entries_behind_each_item() {
    let env = TestEnv::new();
    env.init();
    let proven = env
        .cv(&[
            "log",
            "--title",
            "Defined success",
            "--signal",
            "mid.signal.defines-success-criteria",
            "--url",
            "https://example.com/a",
        ])
        .ok()
        .trim()
        .to_string();
    let claimed = env
        .cv(&[
            "log",
            "--title",
            "Drove outcomes",
            "--signal",
            "senior.behavior.drives-measurable-outcomes",
        ])
        .ok()
        .trim()
        .to_string();
    let json = env
        .cv(&["diff", "mid", "senior", "--evidence", "--json"])
        .json();
    let ev = &json["evidence"];
    assert_eq!(
        ev["mid.signal.defines-success-criteria"]["entries"][0],
        proven.as_str()
    );
    assert_eq!(
        ev["mid.signal.defines-success-criteria"]["status"],
        "proven"
    );
    assert_eq!(
        ev["senior.behavior.drives-measurable-outcomes"]["entries"][0],
        claimed.as_str()
    );
    assert_eq!(
        ev["senior.behavior.drives-measurable-outcomes"]["status"],
        "thin"
    );
    let text = env
        .cv(&["diff", "mid", "senior", "--evidence"])
        .ok()
        .to_string();
    assert!(text.contains("[✔ once: 1 of 1 proven]"), "{text}");
    // The table wraps its cells: compare with the rules and breaks removed.
    let flat: String = text
        .split_whitespace()
        .filter(|w| !matches!(*w, "│" | "┆"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains("[claimed: 0 of 1 proven]"), "{text}");
    // Without --evidence, no ledger is needed and no evidence is shown.
    let plain = env.cv(&["diff", "mid", "senior", "--json"]).json();
    assert!(plain.get("evidence").is_none());
}

/// Issue 8, item 9: the example ladder in content/examples loads, passes
/// `cv check`, and drives a report.
#[test]
fn the_example_ladder_is_a_working_custom_framework() {
    let env = TestEnv::new();
    env.init();
    let example =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/examples/ladder.toml");
    std::fs::copy(&example, env.ledger().join("ladder.toml")).expect("copy");
    let config = env
        .read("cv.toml")
        .replace("[framework]\n", "[framework]\npath = \"ladder.toml\"\n");
    std::fs::write(env.ledger().join("cv.toml"), config).expect("write");
    env.git(&env.ledger(), &["add", "-A"]);
    env.git(
        &env.ledger(),
        &["commit", "-q", "-m", "use the Acme ladder"],
    );
    env.cv(&["check"]).ok();
    let levels = env.cv(&["levels", "--json"]).json();
    assert_eq!(levels.as_array().expect("array").len(), 2);
    env.cv(&[
        "log",
        "--title",
        "Metric first",
        "--signal",
        "defines-a-success-metric",
        "--url",
        "https://example.com/m",
    ])
    .ok();
    let report = env.cv(&["report", "--to", "mid", "--json"]).json();
    assert_eq!(report["from"], "early");
    assert_eq!(
        report["behaviors"][0]["id"],
        "mid.behavior.defines-a-success-metric"
    );
    assert_eq!(report["behaviors"][0]["status"], "proven");
}
