//! PDF.co's page selection syntax, checked locally before any request.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A page selection in PDF.co's syntax, parsed and checked.
///
/// Pages are counted from 0. A selection is a comma-separated list of items:
///
/// | item | means |
/// |---|---|
/// | `3` | page index 3 (the fourth page) |
/// | `2-5` | pages 2 to 5, both included |
/// | `7-` | page 7 to the last page |
/// | `!0` | the last page (`!1` the one before it) |
/// | `1-!1` | page 1 to the second-to-last page |
///
/// The empty string selects every page. Spaces around items are allowed.
///
/// # Example
///
/// ```
/// let pages: pdfco::Pages = "0,2-5,7-".parse()?;
/// assert_eq!(pages.resolve(10)?, vec![0, 2, 3, 4, 5, 7, 8, 9]);
/// assert!("2-x".parse::<pdfco::Pages>().is_err());
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Pages {
    text: String,
    items: Vec<Item>,
}

/// One page index: counted from the start, or (`!n`) from the end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Index {
    FromStart(u32),
    FromEnd(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Single(Index),
    Range(Index, Option<Index>),
}

impl Pages {
    /// Parses a selection such as `0,2-5,7-`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] naming what is wrong: an empty item, a non-number, a range that
    /// runs backwards.
    ///
    /// # Example
    ///
    /// ```
    /// let pages = pdfco::Pages::parse("0,2-3,7-")?;
    /// assert_eq!(pages.as_str(), "0,2-3,7-");
    /// assert!(!pages.is_all());
    /// assert!(pdfco::Pages::parse("").unwrap().is_all());
    /// assert!(pdfco::Pages::parse("3-1").is_err());
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Pages, Error> {
        let bad = |reason: String| Error::InvalidPages {
            pages: text.to_string(),
            reason,
        };
        let trimmed = text.trim();
        let mut items = Vec::new();
        if !trimmed.is_empty() {
            for raw in trimmed.split(',') {
                let item = raw.trim();
                if item.is_empty() {
                    return Err(bad("empty item between commas".into()));
                }
                items.push(parse_item(item).map_err(bad)?);
            }
        }
        Ok(Pages {
            text: trimmed.to_string(),
            items,
        })
    }

    /// Checks `text` as a selection for an endpoint that counts pages from 1 (`pdf/split`,
    /// `pdf/edit/delete-pages`): the same syntax, where `1` is the first page and `!1` the
    /// last, or `*` for every page on its own.
    pub(crate) fn check_one_based(text: &str) -> Result<(), Error> {
        if text.trim() == "*" {
            return Ok(());
        }
        let pages = Pages::parse(text)?;
        let zero = |i: &Index| matches!(i, Index::FromStart(0) | Index::FromEnd(0));
        let names_zero = pages.items.iter().any(|item| match item {
            Item::Single(i) => zero(i),
            Item::Range(a, b) => zero(a) || b.as_ref().is_some_and(zero),
        });
        if names_zero {
            return Err(Error::InvalidPages {
                pages: pages.text,
                reason: "this endpoint counts pages from 1 (the last page is !1)".into(),
            });
        }
        Ok(())
    }

    /// The selection as PDF.co receives it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this selects every page (the empty selection).
    pub fn is_all(&self) -> bool {
        self.items.is_empty()
    }

    /// The page indices this selection picks from a document of `page_count` pages, in the
    /// order given (duplicates kept, as PDF.co processes what it is asked for).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPages`] when an index lies outside the document.
    ///
    /// # Example
    ///
    /// ```
    /// let pages = pdfco::Pages::parse("0,2-3,7-")?;
    /// assert_eq!(pages.resolve(9)?, vec![0, 2, 3, 7, 8]);
    /// assert!(pages.resolve(2).is_err(), "page 2 is past the end");
    /// # Ok::<(), pdfco::Error>(())
    /// ```
    pub fn resolve(&self, page_count: u32) -> Result<Vec<u32>, Error> {
        if self.items.is_empty() {
            return Ok((0..page_count).collect());
        }
        let out_of_range = |what: String| Error::InvalidPages {
            pages: self.text.clone(),
            reason: format!("{what} is out of range for a document of {page_count} pages"),
        };
        let absolute = |index: Index| -> Result<u32, Error> {
            let (n, resolved) = match index {
                Index::FromStart(n) => (format!("page {n}"), Some(n)),
                Index::FromEnd(n) => (
                    format!("page !{n}"),
                    page_count
                        .checked_sub(1)
                        .and_then(|last| last.checked_sub(n)),
                ),
            };
            resolved
                .filter(|&i| i < page_count)
                .ok_or_else(|| out_of_range(n))
        };
        let mut pages = Vec::new();
        for item in &self.items {
            match *item {
                Item::Single(i) => pages.push(absolute(i)?),
                Item::Range(start, end) => {
                    let first = absolute(start)?;
                    let last = match end {
                        Some(end) => absolute(end)?,
                        None => page_count.saturating_sub(1),
                    };
                    if first > last {
                        return Err(Error::InvalidPages {
                            pages: self.text.clone(),
                            reason: format!("range {first}-{last} runs backwards"),
                        });
                    }
                    pages.extend(first..=last);
                }
            }
        }
        Ok(pages)
    }
}

fn parse_index(s: &str) -> Result<Index, String> {
    let (from_end, digits) = match s.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{s}` is not a page index (0-based number, or !n from the end)"
        ));
    }
    let n: u32 = digits
        .parse()
        .map_err(|_| format!("page index `{s}` is too large"))?;
    Ok(if from_end {
        Index::FromEnd(n)
    } else {
        Index::FromStart(n)
    })
}

fn parse_item(item: &str) -> Result<Item, String> {
    match item.split_once('-') {
        None => Ok(Item::Single(parse_index(item)?)),
        Some((start, end)) => {
            let (start, end) = (start.trim(), end.trim());
            if start.is_empty() {
                return Err(format!("range `{item}` has no start"));
            }
            let start = parse_index(start)?;
            let end = if end.is_empty() {
                None
            } else {
                Some(parse_index(end)?)
            };
            match (start, end) {
                (Index::FromStart(a), Some(Index::FromStart(b))) if a > b => {
                    Err(format!("range `{item}` runs backwards"))
                }
                (Index::FromEnd(a), Some(Index::FromEnd(b))) if a < b => {
                    Err(format!("range `{item}` runs backwards"))
                }
                _ => Ok(Item::Range(start, end)),
            }
        }
    }
}

impl FromStr for Pages {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pages::parse(s)
    }
}

impl fmt::Display for Pages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Pages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pages").field(&self.text).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(sel: &str, count: u32) -> Vec<u32> {
        Pages::parse(sel).unwrap().resolve(count).unwrap()
    }

    #[test]
    fn tutorial_example_selects_the_documented_pages() {
        assert_eq!(resolve("0,2-5,7-", 9), vec![0, 2, 3, 4, 5, 7, 8]);
    }

    #[test]
    fn empty_selects_all_pages() {
        assert_eq!(resolve("", 3), vec![0, 1, 2]);
        assert_eq!(resolve("  ", 2), vec![0, 1]);
        assert!(Pages::parse("").unwrap().is_all());
    }

    #[test]
    fn counting_from_the_end() {
        assert_eq!(resolve("!0", 5), vec![4]);
        assert_eq!(resolve("1-!1", 5), vec![1, 2, 3]);
        assert_eq!(resolve("!1-", 5), vec![3, 4]);
        assert_eq!(resolve("!2-!1", 5), vec![2, 3]);
    }

    #[test]
    fn spaces_around_items_are_allowed() {
        assert_eq!(resolve(" 0 , 2 - 3 ", 5), vec![0, 2, 3]);
        assert_eq!(Pages::parse(" 0 , 2 - 3 ").unwrap().as_str(), "0 , 2 - 3");
    }

    #[test]
    fn malformed_selections_are_rejected_with_a_reason() {
        for (bad, needle) in [
            ("1,,2", "empty item"),
            ("1,", "empty item"),
            ("a", "not a page index"),
            ("-3", "no start"),
            ("5-2", "backwards"),
            ("!1-!3", "backwards"),
            ("1-2-3", "not a page index"),
            ("1.5", "not a page index"),
            ("99999999999", "too large"),
            ("!", "not a page index"),
            ("+1", "not a page index"),
        ] {
            match Pages::parse(bad) {
                Err(Error::InvalidPages { pages, reason }) => {
                    assert_eq!(pages, bad);
                    assert!(reason.contains(needle), "{bad}: {reason}");
                }
                other => panic!("{bad}: expected InvalidPages, got {other:?}"),
            }
        }
    }

    #[test]
    fn out_of_range_indices_fail_on_resolve() {
        let p = Pages::parse("0,3").unwrap();
        assert!(p.resolve(3).is_err());
        assert!(Pages::parse("!3").unwrap().resolve(3).is_err());
        assert!(Pages::parse("0").unwrap().resolve(0).is_err());
        // An open range past the end of the document selects nothing but is still out of range.
        assert!(Pages::parse("5-").unwrap().resolve(3).is_err());
    }

    #[test]
    fn mixed_range_that_resolves_backwards_fails() {
        // `3-!3` on five pages is 3..=1.
        assert!(Pages::parse("3-!3").unwrap().resolve(5).is_err());
    }
}
