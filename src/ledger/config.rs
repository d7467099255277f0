//! `cv.toml`: the profile, the work repositories and the framework choice.
//!
//! Strict on purpose (unknown keys are errors): a typo in a setting should be
//! caught, not silently ignored. Entries, by contrast, are forgiving.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::level::LevelId;

/// The whole `cv.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Who the ledger belongs to, and where they stand.
    pub profile: Profile,
    /// Work repositories on this machine: remote URL to local path.
    #[serde(default)]
    pub repos: BTreeMap<String, String>,
    /// Which framework to measure against.
    #[serde(default)]
    pub framework: FrameworkChoice,
}

/// The `[profile]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Emails whose commits are the user's.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Current level.
    pub level: LevelId,
    /// Level aimed for; default the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<LevelId>,
}

/// The `[framework]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkChoice {
    /// A framework file, relative to the ledger; default the built-in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl Profile {
    /// Returns the level the user aims for: `target`, else the next level.
    pub fn target_level(&self) -> Option<LevelId> {
        self.target.or_else(|| self.level.next())
    }
}

/// Renders a commented starter `cv.toml` for a new ledger.
pub fn starter(profile: &Profile) -> String {
    let quote = |s: &str| toml_edit::Value::from(s).to_string().trim().to_string();
    let emails: Vec<String> = profile.emails.iter().map(|e| quote(e)).collect();
    let target = match profile.target {
        Some(t) => format!("target = \"{t}\"                 # the level you aim for"),
        None => match profile.level.next() {
            Some(next) => format!("# target = \"{next}\"   # optional; default: the next level"),
            None => "# target: none above the top level".to_string(),
        },
    };
    format!(
        r#"# Settings of this cv ledger. Edit freely: `cv` re-reads it on every run and
# reports a mistake with its line and column. Reference: docs/format.md

[profile]
name = {name}
emails = [{emails}]   # the emails your commits use
level = "{level}"                   # current level: early, mid, senior, staff or principal
{target}

[repos]
# Work repositories on this machine, as remote URL = local path.
# `cv log --commit` adds them, so later links can find the repository.
# "https://github.com/acme/shop" = "~/src/shop"

[framework]
# path = "my-ladder.toml"   # a custom framework file; default: the built-in Customer Value framework
"#,
        name = quote(&profile.name),
        emails = emails.join(", "),
        level = profile.level,
    )
}

/// The `[repos]` table: work repositories on this machine, by remote URL.
///
/// One place decides how a path is written there (`~/…` under the home
/// folder, so the file reads the same on a machine with another user name)
/// and how it is read back (`~` expanded), for `log`, the interactive
/// capture and, later, `harvest` and `verify`.
pub struct Repos;

impl Repos {
    /// How `path` is written in `[repos]`: `~/…` when under `home`.
    pub fn spelling(path: &std::path::Path, home: Option<&std::path::Path>) -> String {
        if let Some(home) = home
            && let Ok(rest) = path.strip_prefix(home)
        {
            return format!("~/{}", rest.display());
        }
        path.display().to_string()
    }

    /// The local path a `[repos]` value names, `~` expanded against `home`.
    pub fn local_path(value: &str, home: Option<&std::path::Path>) -> std::path::PathBuf {
        match (value.strip_prefix("~/"), home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ if value == "~" => home.map_or_else(|| value.into(), std::path::Path::to_path_buf),
            _ => value.into(),
        }
    }

    /// The local path of the work repository with `remote`, if known.
    pub fn path_of(
        config: &Config,
        remote: &str,
        home: Option<&std::path::Path>,
    ) -> Option<std::path::PathBuf> {
        let remote = remote.trim_end_matches('/');
        config
            .repos
            .iter()
            .find(|(url, _)| url.trim_end_matches('/') == remote)
            .map(|(_, path)| Repos::local_path(path, home))
    }
}

/// Adds `remote = path` pairs to the `[repos]` table of a `cv.toml` text,
/// keeping its comments and layout; `None` when every remote is known.
pub fn add_repos(text: &str, repos: &[(String, String)]) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = text.parse().ok()?;
    if !doc.contains_key("repos") {
        doc["repos"] = toml_edit::table();
    }
    let table = doc["repos"].as_table_like_mut()?;
    let mut changed = false;
    for (remote, path) in repos {
        if !table.contains_key(remote) {
            table.insert(remote, toml_edit::value(path.as_str()));
            changed = true;
        }
    }
    changed.then(|| doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_are_written_with_a_tilde_and_read_back_expanded() {
        let home = std::path::Path::new("/home/ada");
        let spelt = Repos::spelling(std::path::Path::new("/home/ada/src/shop"), Some(home));
        assert_eq!(spelt, "~/src/shop");
        assert_eq!(Repos::local_path(&spelt, Some(home)), home.join("src/shop"));
        assert_eq!(
            Repos::spelling(std::path::Path::new("/srv/shop"), Some(home)),
            "/srv/shop"
        );
        let mut config: Config = toml::from_str(&starter(&Profile {
            name: "A".into(),
            emails: vec![],
            level: LevelId::Mid,
            target: None,
        }))
        .expect("starter");
        config
            .repos
            .insert("https://github.com/acme/shop".into(), "~/src/shop".into());
        assert_eq!(
            Repos::path_of(&config, "https://github.com/acme/shop/", Some(home)),
            Some(home.join("src/shop"))
        );
    }

    #[test]
    fn the_starter_parses_back() {
        let profile = Profile {
            name: "Ada \"the\" Example".into(),
            emails: vec!["ada@example.com".into(), "ada@work.example".into()],
            level: LevelId::Mid,
            target: None,
        };
        let text = starter(&profile);
        let config: Config = toml::from_str(&text).expect("starter parses");
        assert_eq!(config.profile, profile);
        assert_eq!(config.profile.target_level(), Some(LevelId::Senior));
        assert!(text.contains("# \"https://github.com/acme/shop\""));
    }

    #[test]
    fn repos_are_learned_once_and_comments_kept() {
        let profile = Profile {
            name: "Ada".into(),
            emails: vec![],
            level: LevelId::Mid,
            target: None,
        };
        let text = starter(&profile);
        let pair = [(
            "https://github.com/acme/shop".to_string(),
            "~/src/shop".to_string(),
        )];
        let updated = add_repos(&text, &pair).expect("new remote");
        assert!(
            updated.contains("# \"https://github.com/acme/shop\" = \"~/src/shop\""),
            "comments kept"
        );
        let config: Config = toml::from_str(&updated).expect("parses");
        assert_eq!(
            config
                .repos
                .get("https://github.com/acme/shop")
                .map(String::as_str),
            Some("~/src/shop")
        );
        assert_eq!(
            add_repos(&updated, &pair),
            None,
            "known remotes change nothing"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = toml::from_str::<Config>("[profile]\nlevel = \"mid\"\nlevl = 1\n").unwrap_err();
        assert!(err.to_string().contains("levl"), "{err}");
    }
}
