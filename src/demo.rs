//! The sample ledger shipped in the binary, for `cv report --demo`.

use crate::content;
use crate::entry::Entry;
use crate::ledger::Config;

/// Returns the demo's settings and entries.
///
/// The embedded files are checked by tests, so an error here is a build
/// defect; it is still returned rather than panicking.
pub fn load() -> Result<(Config, Vec<Entry>), String> {
    let config: Config =
        toml::from_str(content::DEMO_CONFIG).map_err(|e| format!("demo cv.toml: {e}"))?;
    let entries = content::DEMO_ENTRIES
        .iter()
        .map(|(name, text)| Entry::parse(text).map_err(|e| format!("demo {name}:{e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((config, entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Framework;

    #[test]
    fn demo_entries_parse_and_name_real_items() {
        let (config, entries) = load().expect("demo loads");
        assert_eq!(entries.len(), 12);
        let fw = Framework::builtin().expect("builtin");
        for e in &entries {
            assert!(crate::entry::is_valid_id(&e.id), "{}", e.id);
            for s in &e.signals {
                // Current ids only: an old one would still count, but the demo
                // is what new users copy.
                assert_eq!(fw.canonical_id(s), Some(s.as_str()), "{} names {s}", e.id);
            }
        }
        assert_eq!(config.profile.level, crate::level::LevelId::Mid);
    }
}
