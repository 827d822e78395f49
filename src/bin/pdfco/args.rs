//! The command line: the command, its flags (with or without values) and its positional
//! arguments.

use std::ffi::OsString;
use std::time::Duration;

use crate::Failure;

/// The command line, split into the command, its flags and its positional arguments.
pub(crate) struct Args {
    pub(crate) command: String,
    pub(crate) flags: Vec<(String, Option<String>)>,
    pub(crate) positional: Vec<String>,
}

/// Flags that take a value.
pub(crate) const VALUED: &[&str] = &[
    "--input",
    "--param",
    "--json",
    "--output",
    "--to",
    "--pages",
    "--password",
    "--password-env",
    "--rect",
    "--lang",
    "--checkpoint",
    "--timeout",
    "--angle",
    "--owner-password-env",
    "--user-password-env",
    "--type",
];

pub(crate) fn parse_args(raw: Vec<OsString>) -> Result<Args, Failure> {
    let mut words = Vec::with_capacity(raw.len());
    for word in raw {
        let word = word
            .into_string()
            .map_err(|w| Failure::Usage(format!("not UTF-8: {}", w.to_string_lossy())))?;
        words.push(word);
    }
    let mut words = words.into_iter();
    let command = words.next().unwrap_or_default();
    let (mut flags, mut positional) = (Vec::new(), Vec::new());
    while let Some(word) = words.next() {
        if word == "--" {
            positional.extend(words.by_ref());
        } else if let Some((name, value)) = word.split_once('=').filter(|_| word.starts_with("--"))
        {
            flags.push((name.to_string(), Some(value.to_string())));
        } else if VALUED.contains(&word.as_str()) {
            let value = words
                .next()
                .ok_or_else(|| Failure::Usage(format!("{word} needs a value")))?;
            flags.push((word, Some(value)));
        } else if word.starts_with("--") {
            flags.push((word, None));
        } else {
            positional.push(word);
        }
    }
    Ok(Args {
        command,
        flags,
        positional,
    })
}

impl Args {
    pub(crate) fn wants_help(&self) -> bool {
        self.flags.iter().any(|(name, _)| name == "--help")
    }

    /// Refuses flags the command does not take.
    pub(crate) fn only(&self, allowed: &[&str]) -> Result<(), Failure> {
        match self
            .flags
            .iter()
            .find(|(name, _)| !allowed.contains(&name.as_str()) && name != "--help")
        {
            Some((name, _)) => Err(Failure::Usage(format!(
                "{} takes no option {name}",
                self.command
            ))),
            None => Ok(()),
        }
    }

    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a flag that may be repeated, in order.
    pub(crate) fn values(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    /// `--timeout SECS`, when given.
    pub(crate) fn timeout(&self) -> Result<Option<Duration>, Failure> {
        let Some(text) = self.value("--timeout") else {
            return Ok(None);
        };
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
            .map(|s| Some(Duration::from_secs_f64(s)))
            .ok_or_else(|| Failure::Usage(format!("--timeout takes seconds above 0, not {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Args {
        match parse_args(words.iter().map(OsString::from).collect()) {
            Ok(args) => args,
            Err(_) => panic!("{words:?} should parse"),
        }
    }

    #[test]
    pub(crate) fn flags_take_values_in_both_spellings() {
        let a = parse(&["convert", "--to", "csv", "a.pdf", "--timeout=2.5", "b.csv"]);
        assert_eq!(a.command, "convert");
        assert_eq!(a.value("--to"), Some("csv"));
        assert_eq!(a.positional, ["a.pdf", "b.csv"]);
        assert!(matches!(a.timeout(), Ok(Some(d)) if d == Duration::from_millis(2500)));
        let a = parse(&["check", "--", "--odd-id"]);
        assert_eq!(a.positional, ["--odd-id"]);
        for bad in ["0", "-1", "soon", "NaN", "inf"] {
            let a = parse(&["balance", "--timeout", bad]);
            assert!(matches!(a.timeout(), Err(Failure::Usage(_))), "{bad}");
        }
        assert!(matches!(
            parse_args(vec!["convert".into(), "--to".into()]),
            Err(Failure::Usage(_))
        ));
    }

    #[test]
    pub(crate) fn unknown_flags_are_usage_errors() {
        let a = parse(&["balance", "--pages", "1"]);
        assert!(matches!(a.only(&["--timeout"]), Err(Failure::Usage(_))));
    }
}
