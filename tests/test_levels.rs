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
    assert!(top.ok().contains("(derived from the prose)"), "{top}");
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
