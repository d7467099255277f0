//! Evidence links: commits, pull/merge requests and plain URLs.
//!
//! Parsing and normalising only (PR URLs, remote URLs, PR numbers in commit
//! messages); resolving a revision in a work repository lives in `git.rs`.

use serde::{Deserialize, Serialize};

/// One piece of proof attached to an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Link {
    /// A commit in a work repository.
    Commit {
        /// The repository's remote URL (https form), or its path when it has none.
        repo: String,
        /// The full 40-hex SHA.
        sha: String,
        /// The commit's summary line.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
    },
    /// A pull or merge request.
    Pr {
        /// The request's web URL.
        url: String,
        /// An optional description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
    },
    /// Any other URL (a dashboard, a design doc, a support ticket).
    Url {
        /// The URL.
        url: String,
        /// An optional description.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
    },
}

impl Link {
    /// Returns the link's kind as written in the file (`commit`, `pr`, `url`).
    pub fn kind(&self) -> &'static str {
        match self {
            Link::Commit { .. } => "commit",
            Link::Pr { .. } => "pr",
            Link::Url { .. } => "url",
        }
    }

    /// True for a link `cv check` accepts: a commit with a full SHA and a
    /// repository, a request or URL that is http(s).
    pub fn is_well_formed(&self) -> bool {
        match self {
            Link::Commit { repo, sha, .. } => is_full_sha(sha) && !repo.trim().is_empty(),
            Link::Pr { url, .. } | Link::Url { url, .. } => parse_url(url).is_ok(),
        }
    }

    /// Returns a web address for the link where one can be made.
    ///
    /// A commit on a known forge gets its commit page; a commit in a repository
    /// with no remote has none.
    pub fn web_url(&self) -> Option<String> {
        match self {
            Link::Commit { repo, sha, .. } => commit_page(repo, sha),
            // Only what is an http(s) URL is offered as an address: a
            // hand-edited `javascript:` or `data:` link is shown, never linked.
            Link::Pr { url, .. } | Link::Url { url, .. } => {
                parse_url(url).is_ok().then(|| url.trim().to_string())
            }
        }
    }

    /// Returns a short human label: `abc1234`, `PR #4312`, or the URL.
    pub fn label(&self) -> String {
        match self {
            Link::Commit { sha, .. } => sha.chars().take(7).collect(),
            Link::Pr { url, .. } => match pr_number_from_url(url) {
                Some(n) => format!("PR #{n}"),
                None => url.clone(),
            },
            Link::Url { url, .. } => url.clone(),
        }
    }
}

/// The web page of commit `sha` in `repo` (an https remote URL), where the
/// forge is one whose layout is known: GitHub, GitLab, Bitbucket, and
/// Gitea/Forgejo (Codeberg). Elsewhere, `None`: no page is guessed.
pub fn commit_page(repo: &str, sha: &str) -> Option<String> {
    let parsed = url::Url::parse(repo).ok()?;
    if parsed.scheme() != "https" {
        return None;
    }
    let host = parsed.host_str()?.to_ascii_lowercase();
    let label = |name: &str| host == name || host.split('.').next() == Some(name);
    let path = if host == "github.com" {
        "commit"
    } else if label("gitlab") || host == "gitlab.com" {
        "-/commit"
    } else if host == "bitbucket.org" {
        "commits"
    } else if host == "codeberg.org" || label("gitea") || label("forgejo") {
        "commit"
    } else {
        return None;
    };
    let base = repo.trim_end_matches('/');
    Some(format!("{base}/{path}/{sha}"))
}

/// Why a link argument was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a URL of a pull or merge request on a known forge layout.
    #[error("'{0}' is not a pull or merge request URL")]
    NotPr(String),
    /// Not an http(s) URL.
    #[error("'{0}' is not an http or https URL")]
    NotUrl(String),
    /// A `#N` shorthand where the work repository has no https remote.
    #[error("'{0}' needs a work repository with a remote to expand")]
    NoRemote(String),
}

/// Checks that `url` is a pull/merge request URL and returns it trimmed.
///
/// Accepted layouts: GitHub and Gitea/Forgejo (`/pull/N`, `/pulls/N`), GitLab
/// (`/-/merge_requests/N`, `/merge_requests/N`), Bitbucket (`/pull-requests/N`).
pub fn parse_pr_url(url: &str) -> Result<String, LinkError> {
    let trimmed = url.trim().trim_end_matches('/');
    check_url(trimmed).map_err(|_| LinkError::NotPr(url.to_string()))?;
    match pr_number_from_url(trimmed) {
        Some(_) => Ok(trimmed.to_string()),
        None => Err(LinkError::NotPr(url.to_string())),
    }
}

/// Returns the web address of request `number` in the repository whose
/// https URL is `repo`, in the layout of its forge.
pub fn pr_url(repo: &str, number: u64) -> String {
    let repo = repo.trim_end_matches('/');
    let host = repo.split('/').nth(2).unwrap_or("");
    let path = if host.contains("gitlab") {
        "-/merge_requests"
    } else if host.contains("bitbucket") {
        "pull-requests"
    } else if host.contains("github") {
        "pull"
    } else {
        // Gitea, Forgejo, Codeberg and most self-hosted forges.
        "pulls"
    };
    format!("{repo}/{path}/{number}")
}

/// Expands `#N` and `owner/repo#N` through the work repository's https
/// remote (`remote`); a full URL is checked with [`parse_pr_url`].
pub fn expand_pr(given: &str, remote: Option<&str>) -> Result<String, LinkError> {
    let given = given.trim();
    let Some((repo_part, number)) = given.rsplit_once('#') else {
        return parse_pr_url(given);
    };
    if given.contains("://") {
        return parse_pr_url(given);
    }
    let number: u64 = number
        .parse()
        .map_err(|_| LinkError::NotPr(given.to_string()))?;
    let remote = remote
        .filter(|r| r.starts_with("https://"))
        .ok_or_else(|| LinkError::NoRemote(given.to_string()))?;
    let repo = if repo_part.is_empty() {
        remote.to_string()
    } else {
        let parts: Vec<&str> = repo_part.split('/').collect();
        if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
            return Err(LinkError::NotPr(given.to_string()));
        }
        let host: Vec<&str> = remote.splitn(4, '/').take(3).collect();
        format!("{}/{repo_part}", host.join("/"))
    };
    Ok(pr_url(&repo, number))
}

/// Checks that `url` is an http(s) URL with a host, and returns it trimmed.
pub fn parse_url(url: &str) -> Result<String, LinkError> {
    let trimmed = url.trim();
    check_url(trimmed).map_err(|_| LinkError::NotUrl(url.to_string()))?;
    Ok(trimmed.to_string())
}

fn check_url(url: &str) -> Result<(), ()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(())?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(());
    }
    Ok(())
}

/// True for a whole commit id: 40 hex digits.
pub fn is_full_sha(sha: &str) -> bool {
    sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads the request number from a PR/MR URL, if its path has a known layout.
pub fn pr_number_from_url(url: &str) -> Option<u64> {
    let rest = url.split_once("://")?.1;
    let segments: Vec<&str> = rest.split(['/', '?', '#']).collect();
    // host / owner / repo / … / pull / N : at least owner and repo before the marker
    segments.windows(2).enumerate().find_map(|(i, pair)| {
        let is_marker = matches!(
            pair[0],
            "pull" | "pulls" | "merge_requests" | "pull-requests"
        );
        (is_marker && i >= 3)
            .then(|| pair[1].parse::<u64>().ok())
            .flatten()
    })
}

/// Finds a pull/merge request number in a commit message.
///
/// Recognises GitHub's `Merge pull request #N`, the squash-merge suffix
/// `(#N)` on the summary line, and GitLab's `See merge request group/repo!N`.
pub fn pr_number_from_message(message: &str) -> Option<u64> {
    let summary = message.lines().next().unwrap_or("");
    if let Some(rest) = summary.strip_prefix("Merge pull request #") {
        return leading_number(rest);
    }
    // A squash merge ends its summary with `(#N)`; a local `Revert "… (#N)"`
    // quotes it, and is not that request's work.
    if let Some(inner) = summary
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once("(#"))
        .map(|(_, n)| n)
        && !inner.is_empty()
        && inner.bytes().all(|b| b.is_ascii_digit())
    {
        return inner.parse().ok();
    }
    message.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("See merge request ")?;
        leading_number(&rest[rest.rfind('!')? + 1..])
    })
}

fn leading_number(s: &str) -> Option<u64> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Normalises a git remote URL to its https web form.
///
/// `git@github.com:o/r.git` and `ssh://git@github.com/o/r.git` both become
/// `https://github.com/o/r`; credentials and a trailing `.git` are dropped.
/// A URL of another shape (a local path, `file://`) is returned as given.
pub fn normalize_remote(url: &str) -> String {
    let url = url.trim();
    let (host, path, web) = if let Some((scheme, rest)) = url.split_once("://") {
        // A local `file://` remote, or a scheme no forge serves pages on,
        // names no web address: kept as given.
        let web = matches!(scheme, "https" | "http");
        if !web && !matches!(scheme, "ssh" | "git" | "git+ssh" | "ssh+git") {
            return url.to_string();
        }
        match rest.split_once('/') {
            Some((host, path)) => (host, path, web),
            None => return url.to_string(),
        }
    } else if let Some((host, path)) = url.split_once(':') {
        // scp-like syntax, user@host:path; but not a Windows drive or a path
        if host.contains('/') || host.len() < 2 {
            return url.to_string();
        }
        (host, path, false)
    } else {
        return url.to_string();
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    // ssh://host:port/… : the port belongs to ssh, not to the web address;
    // an https port is the web address's own.
    let host = if web {
        host
    } else {
        host.split(':').next().unwrap_or(host)
    };
    // A query or fragment (`?token=…`) is no part of the repository's name.
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = path.trim_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    format!("https://{host}/{path}")
}

#[cfg(test)]
mod tests {

    #[test]
    fn commit_pages_on_known_forges_only() {
        let sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
        let page = |repo: &str| commit_page(repo, sha);
        assert_eq!(
            page("https://github.com/acme/shop").as_deref(),
            Some("https://github.com/acme/shop/commit/9fceb02d0ae598e95dc970b74767f19372d61af8")
        );
        assert!(page("https://gitlab.example.org/a/b").is_some_and(|u| u.contains("/-/commit/")));
        assert!(page("https://gitlab.com/a/b").is_some_and(|u| u.contains("/-/commit/")));
        assert!(page("https://bitbucket.org/a/b").is_some_and(|u| u.contains("/commits/")));
        assert!(
            page("https://codeberg.org/a/b")
                .is_some_and(|u| u.ends_with(&format!("/commit/{sha}")))
        );
        // A host that merely mentions a forge in its path is not one.
        assert_eq!(page("https://example.com/gitlab/b"), None);
        assert_eq!(page("/home/ada/src/shop"), None);
        assert_eq!(page("http://github.com/a/b"), None);
    }
    use super::*;

    #[test]
    fn remote_urls_normalise_to_https() {
        for (given, want) in [
            (
                "git@github.com:acme/shop.git",
                "https://github.com/acme/shop",
            ),
            (
                "ssh://git@github.com/acme/shop.git",
                "https://github.com/acme/shop",
            ),
            (
                "ssh://git@gitlab.example.com:2222/g/sub/r.git",
                "https://gitlab.example.com/g/sub/r",
            ),
            (
                "https://user:token@github.com/acme/shop.git",
                "https://github.com/acme/shop",
            ),
            (
                "https://github.com/acme/shop/",
                "https://github.com/acme/shop",
            ),
            ("/srv/git/shop", "/srv/git/shop"),
            ("file:///srv/git/shop", "file:///srv/git/shop"),
            (
                "https://gitlab.corp:8443/g/r.git?token=abc",
                "https://gitlab.corp:8443/g/r",
            ),
        ] {
            assert_eq!(normalize_remote(given), want, "{given}");
        }
    }

    #[test]
    fn pr_urls_of_every_forge() {
        for (url, n) in [
            ("https://github.com/acme/shop/pull/4312", 4312),
            ("https://gitlab.com/g/sub/r/-/merge_requests/7", 7),
            ("https://gitlab.example.com/g/r/merge_requests/8/", 8),
            ("https://bitbucket.org/o/r/pull-requests/9", 9),
            ("https://codeberg.org/o/r/pulls/10", 10),
        ] {
            assert_eq!(
                parse_pr_url(url).map(|u| pr_number_from_url(&u)),
                Ok(Some(n)),
                "{url}"
            );
        }
        for bad in [
            "https://github.com/acme/shop/issues/1",
            "https://github.com/pull/1",
            "github.com/acme/shop/pull/1",
            "https://github.com/acme/shop/pull/abc",
            "ftp://x/o/r/pull/1",
        ] {
            assert!(parse_pr_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pr_shorthands_expand_through_the_remote() {
        let gh = Some("https://github.com/acme/shop");
        assert_eq!(
            expand_pr("#12", gh).as_deref(),
            Ok("https://github.com/acme/shop/pull/12")
        );
        assert_eq!(
            expand_pr("other/lib#3", gh).as_deref(),
            Ok("https://github.com/other/lib/pull/3")
        );
        assert_eq!(
            expand_pr("#7", Some("https://gitlab.com/g/r")).as_deref(),
            Ok("https://gitlab.com/g/r/-/merge_requests/7")
        );
        assert_eq!(
            expand_pr("#7", Some("https://codeberg.org/o/r")).as_deref(),
            Ok("https://codeberg.org/o/r/pulls/7")
        );
        assert_eq!(
            expand_pr("https://github.com/acme/shop/pull/4312", None).as_deref(),
            Ok("https://github.com/acme/shop/pull/4312")
        );
        assert!(matches!(
            expand_pr("#12", None),
            Err(LinkError::NoRemote(_))
        ));
        assert!(matches!(expand_pr("#x", gh), Err(LinkError::NotPr(_))));
        assert!(matches!(expand_pr("a/b/c#1", gh), Err(LinkError::NotPr(_))));
    }

    #[test]
    fn pr_numbers_in_messages() {
        assert_eq!(
            pr_number_from_message("Merge pull request #42 from a/b\n\nx"),
            Some(42)
        );
        assert_eq!(
            pr_number_from_message("Cache tax rules (#4312)"),
            Some(4312)
        );
        assert_eq!(
            pr_number_from_message("Fix\n\nSee merge request acme/shop!77"),
            Some(77)
        );
        assert_eq!(pr_number_from_message("Bump to (#v2)"), None);
        assert_eq!(pr_number_from_message("Plain commit"), None);
        // A local revert quotes the squash title; it is not that request.
        assert_eq!(
            pr_number_from_message(
                "Revert \"Typo-tolerant search (#12)\"\n\nThis reverts commit x."
            ),
            None
        );
        assert_eq!(pr_number_from_message("Search (#12) follow-up"), None);
        // GitHub's own revert PR is a request of its own.
        assert_eq!(
            pr_number_from_message("Revert \"Typo-tolerant search (#12)\" (#13)"),
            Some(13)
        );
    }

    #[test]
    fn links_round_trip_through_toml() {
        let link = Link::Commit {
            repo: "https://github.com/acme/shop".into(),
            sha: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
            summary: Some("Cache tax rules".into()),
        };
        let text = toml::to_string(&link).expect("serialises");
        assert!(text.contains("kind = \"commit\""), "{text}");
        assert_eq!(toml::from_str::<Link>(&text).expect("parses"), link);
        assert_eq!(
            link.web_url().as_deref(),
            Some("https://github.com/acme/shop/commit/9fceb02d0ae598e95dc970b74767f19372d61af8")
        );
    }
}
