//! Level identifiers of the built-in ladder and the aliases users type for them.
//!
//! Pure parsing: no I/O, no knowledge of the framework's content.

use std::fmt;
use std::str::FromStr;

/// One of the five stages of the Customer Value framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LevelId {
    /// Level 1, Early Career.
    Early,
    /// Level 2, Mid-Level Engineer.
    Mid,
    /// Level 3, Senior Engineer.
    Senior,
    /// Level 4, Staff Engineer.
    Staff,
    /// Level 5, Principal Engineer.
    Principal,
}

/// The error for a level name that matches no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level '{given}'")]
pub struct UnknownLevel {
    /// What the user typed.
    pub given: String,
}

impl LevelId {
    /// All levels, lowest first.
    pub const ALL: [LevelId; 5] = [
        LevelId::Early,
        LevelId::Mid,
        LevelId::Senior,
        LevelId::Staff,
        LevelId::Principal,
    ];

    /// Returns the canonical id used in files and item ids (`mid`).
    pub fn as_str(self) -> &'static str {
        match self {
            LevelId::Early => "early",
            LevelId::Mid => "mid",
            LevelId::Senior => "senior",
            LevelId::Staff => "staff",
            LevelId::Principal => "principal",
        }
    }

    /// Returns the level's number, 1 to 5.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    /// Returns the level above this one, if any.
    pub fn next(self) -> Option<LevelId> {
        LevelId::ALL.get(self.number() as usize).copied()
    }

    /// Returns the level below this one, if any.
    pub fn prev(self) -> Option<LevelId> {
        (self.number() as usize)
            .checked_sub(2)
            .map(|i| LevelId::ALL[i])
    }

    /// Returns the level with the given number (1 to 5).
    pub fn from_number(n: u8) -> Option<LevelId> {
        (n as usize)
            .checked_sub(1)
            .and_then(|i| LevelId::ALL.get(i).copied())
    }
}

impl FromStr for LevelId {
    type Err = UnknownLevel;

    /// Accepts `early`, `1`, `L1`, `early-career` and the like, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let digits = lower.strip_prefix('l').unwrap_or(&lower);
        if let Ok(n) = digits.parse::<u8>()
            && let Some(level) = LevelId::from_number(n)
        {
            return Ok(level);
        }
        let level = match lower.as_str() {
            "early" | "early-career" | "early career" => LevelId::Early,
            "mid" | "mid-level" | "mid level" | "midlevel" => LevelId::Mid,
            "senior" => LevelId::Senior,
            "staff" => LevelId::Staff,
            "principal" => LevelId::Principal,
            _ => {
                return Err(UnknownLevel {
                    given: s.to_string(),
                });
            }
        };
        Ok(level)
    }
}

impl fmt::Display for LevelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for LevelId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for LevelId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_the_same_level() {
        for alias in ["mid", "2", "L2", "l2", "mid-level", "MID", " Mid-Level "] {
            assert_eq!(alias.parse::<LevelId>(), Ok(LevelId::Mid), "{alias}");
        }
        assert_eq!("early-career".parse::<LevelId>(), Ok(LevelId::Early));
        assert_eq!("L5".parse::<LevelId>(), Ok(LevelId::Principal));
    }

    #[test]
    fn out_of_range_and_unknown_are_errors() {
        for bad in ["0", "6", "L0", "L6", "", "junior", "l"] {
            assert!(bad.parse::<LevelId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn neighbours() {
        assert_eq!(LevelId::Early.prev(), None);
        assert_eq!(LevelId::Early.next(), Some(LevelId::Mid));
        assert_eq!(LevelId::Principal.next(), None);
        assert_eq!(LevelId::Principal.prev(), Some(LevelId::Staff));
    }
}
