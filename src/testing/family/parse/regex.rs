//! A small backtracking regular expression engine for the emulator's document parser
//! templates and classifier rules (the emulator takes no regex dependency).
//!
//! Supported: literals, `.`, classes `[a-z0-9_]` and `[^...]`, escapes `\d \w \s \D \W \S`
//! and escaped punctuation, `\n \t \r`, groups `( )` (capturing) and `(?: )`, alternation
//! `|`, anchors `^ $` (at line boundaries), and the quantifiers `* + ? {n} {n,} {n,m}`,
//! greedy or lazy (`*?`). Matching can be case-insensitive. Anything else is a syntax error.
//! A group repeats at most 128 times in one match, and a search gives up after a fixed
//! amount of work, so that no pattern can exhaust the stack or hang the emulator.

use std::cell::Cell;

/// A compiled expression.
#[derive(Debug, Clone)]
pub(super) struct Regex {
    node: Node,
    groups: usize,
    ignore_case: bool,
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class {
        ranges: Vec<(char, char)>,
        negated: bool,
    },
    Start,
    End,
    Group(Box<Node>, Option<usize>),
    Alt(Vec<Node>),
    Concat(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: usize,
        max: usize,
        lazy: bool,
    },
}

/// Work done by one search at most, so that a pathological pattern ends.
const BUDGET: usize = 2_000_000;

/// How often a group may repeat in one match: each repetition nests the matcher's
/// recursion, which must stay well inside a thread's stack.
const MAX_GROUP_REPEAT: usize = 128;

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')];
const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];

impl Regex {
    /// Compiles `pattern`; `Err` says what is wrong with it.
    pub(super) fn new(pattern: &str, ignore_case: bool) -> Result<Regex, String> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            groups: 0,
        };
        let node = parser.alternation()?;
        if parser.at < parser.chars.len() {
            return Err(format!("unexpected `{}`", parser.chars[parser.at]));
        }
        Ok(Regex {
            node,
            groups: parser.groups,
            ignore_case,
        })
    }

    /// The first match in `text`: the whole match and each group's text, as char ranges
    /// turned into strings.
    pub(super) fn captures(&self, text: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let chars: Vec<char> = text.chars().collect();
        let budget = Cell::new(BUDGET);
        let matcher = Matcher {
            regex: self,
            text: &chars,
            budget: &budget,
        };
        for start in 0..=chars.len() {
            let mut caps = vec![None; self.groups + 1];
            let mut end = None;
            let found = matcher.run(&self.node, start, &mut caps, &mut |at, _| {
                end = Some(at);
                true
            });
            if found {
                caps[0] = end.map(|e| (start, e));
                return Some(caps);
            }
            if budget.get() == 0 {
                return None;
            }
        }
        None
    }

    /// The first match's text: the first group's when the pattern has one, else the whole
    /// match; with where it starts and ends, in chars.
    pub(super) fn find(&self, text: &str) -> Option<(String, usize, usize)> {
        let caps = self.captures(text)?;
        let (start, end) = caps.get(1).copied().flatten().or(caps[0])?;
        let value: String = text.chars().skip(start).take(end - start).collect();
        Some((value, start, end))
    }

    /// Whether it matches anywhere in `text`.
    pub(super) fn is_match(&self, text: &str) -> bool {
        self.captures(text).is_some()
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    groups: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn alternation(&mut self) -> Result<Node, String> {
        let mut options = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.at += 1;
            options.push(self.concat()?);
        }
        Ok(match options.len() {
            1 => options.remove(0),
            _ => Node::Alt(options),
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or("unexpected end")?;
        self.at += 1;
        Ok(match c {
            '.' => Node::Any,
            '^' => Node::Start,
            '$' => Node::End,
            '(' => {
                let index = if self.chars[self.at..].starts_with(&['?', ':']) {
                    self.at += 2;
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alternation()?;
                if self.peek() != Some(')') {
                    return Err("missing `)`".into());
                }
                self.at += 1;
                Node::Group(Box::new(inner), index)
            }
            '[' => self.class()?,
            '\\' => self.escape()?,
            '*' | '+' | '?' | '{' => return Err(format!("nothing to repeat before `{c}`")),
            ')' => return Err("unmatched `)`".into()),
            other => Node::Char(other),
        })
    }

    fn escape(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or("trailing backslash")?;
        self.at += 1;
        let class = |ranges: &[(char, char)], negated| Node::Class {
            ranges: ranges.to_vec(),
            negated,
        };
        Ok(match c {
            'd' => class(DIGIT, false),
            'D' => class(DIGIT, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            'n' => Node::Char('\n'),
            't' => Node::Char('\t'),
            'r' => Node::Char('\r'),
            c if c.is_ascii_alphanumeric() => return Err(format!("unsupported escape `\\{c}`")),
            c => Node::Char(c),
        })
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or("missing `]`")?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let e = self.peek().ok_or("missing `]`")?;
                self.at += 1;
                match e {
                    'd' => {
                        ranges.extend_from_slice(DIGIT);
                        continue;
                    }
                    'w' => {
                        ranges.extend_from_slice(WORD);
                        continue;
                    }
                    's' => {
                        ranges.extend_from_slice(SPACE);
                        continue;
                    }
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&n| n != ']') {
                let high = self.chars[self.at + 1];
                self.at += 2;
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Ok(Node::Class { ranges, negated })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            Some('{') => match self.bounds() {
                Some(bounds) => bounds,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        // On the quantifier's last char (`bounds` leaves the cursor on its `}`).
        self.at += 1;
        let lazy = self.peek() == Some('?');
        if lazy {
            self.at += 1;
        }
        if matches!(atom, Node::Start | Node::End) {
            return Err("an anchor cannot repeat".into());
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            lazy,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor, leaving it on the `}`; `None` (cursor kept)
    /// for a brace that is not a quantifier, read as a literal then.
    fn bounds(&mut self) -> Option<(usize, usize)> {
        let rest: String = self.chars[self.at..].iter().collect();
        let close = rest.find('}')?;
        let inside = &rest[1..close];
        let (min, max) = match inside.split_once(',') {
            None => {
                let n = inside.parse().ok()?;
                (n, n)
            }
            Some((low, "")) => (low.parse().ok()?, usize::MAX),
            Some((low, high)) => (low.parse().ok()?, high.parse().ok()?),
        };
        self.at += rest[..close].chars().count();
        Some((min, max))
    }
}

type Caps = Vec<Option<(usize, usize)>>;

struct Matcher<'a> {
    regex: &'a Regex,
    text: &'a [char],
    budget: &'a Cell<usize>,
}

impl Matcher<'_> {
    /// Spends one unit of work; `false` once the budget is gone.
    fn spend(&self) -> bool {
        let left = self.budget.get();
        if left == 0 {
            return false;
        }
        self.budget.set(left - 1);
        true
    }

    fn char_matches(&self, node: &Node, c: char) -> bool {
        let fold = |c: char| {
            if self.regex.ignore_case {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        };
        match node {
            Node::Char(p) => fold(*p) == fold(c),
            Node::Any => c != '\n',
            Node::Class { ranges, negated } => {
                let inside = |c: char| ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                let hit = if self.regex.ignore_case {
                    inside(c) || c.to_lowercase().any(inside) || c.to_uppercase().any(inside)
                } else {
                    inside(c)
                };
                hit != *negated
            }
            _ => false,
        }
    }

    fn run(&self, node: &Node, at: usize, caps: &mut Caps, k: Cont<'_>) -> bool {
        if !self.spend() {
            return false;
        }
        let text = self.text;
        match node {
            Node::Char(_) | Node::Any | Node::Class { .. } => {
                at < text.len() && self.char_matches(node, text[at]) && k(at + 1, caps)
            }
            Node::Start => (at == 0 || text[at - 1] == '\n') && k(at, caps),
            Node::End => (at == text.len() || text[at] == '\n') && k(at, caps),
            Node::Concat(items) => self.sequence(items, at, caps, k),
            Node::Alt(options) => options.iter().any(|o| self.run(o, at, caps, k)),
            Node::Group(inner, None) => self.run(inner, at, caps, k),
            Node::Group(inner, Some(i)) => {
                let i = *i;
                self.run(inner, at, caps, &mut |end, caps: &mut Caps| {
                    let saved = caps[i];
                    caps[i] = Some((at, end));
                    if k(end, caps) {
                        true
                    } else {
                        caps[i] = saved;
                        false
                    }
                })
            }
            Node::Repeat {
                node: inner,
                min,
                max,
                lazy,
            } if matches!(**inner, Node::Char(_) | Node::Any | Node::Class { .. }) => {
                // Count the run once, then try its lengths without recursing per char.
                let mut n = 0;
                while n < *max && at + n < text.len() && self.char_matches(inner, text[at + n]) {
                    n += 1;
                }
                if n < *min {
                    return false;
                }
                let mut lengths: Box<dyn Iterator<Item = usize>> = match lazy {
                    true => Box::new(*min..=n),
                    false => Box::new((*min..=n).rev()),
                };
                lengths.any(|len| self.spend() && k(at + len, caps))
            }
            Node::Repeat {
                node: inner,
                min,
                max,
                lazy,
            } => self.repeat(inner, (*min, *max, *lazy), 0, at, caps, k),
        }
    }

    fn sequence(&self, items: &[Node], at: usize, caps: &mut Caps, k: Cont<'_>) -> bool {
        match items.split_first() {
            None => k(at, caps),
            Some((first, rest)) => self.run(first, at, caps, &mut |next, caps: &mut Caps| {
                self.sequence(rest, next, caps, k)
            }),
        }
    }

    /// A repetition of a larger node, one more time (greedy first, or lazy last).
    fn repeat(
        &self,
        inner: &Node,
        bounds: (usize, usize, bool),
        count: usize,
        at: usize,
        caps: &mut Caps,
        k: Cont<'_>,
    ) -> bool {
        let (min, _, lazy) = bounds;
        // Lazy: stop here first, then try one more; greedy: the other way round.
        for stop_first in [lazy, !lazy] {
            let found = if stop_first {
                count >= min && k(at, caps)
            } else {
                self.once_more(inner, bounds, count, at, caps, k)
            };
            if found {
                return true;
            }
        }
        false
    }

    fn once_more(
        &self,
        inner: &Node,
        bounds: (usize, usize, bool),
        count: usize,
        at: usize,
        caps: &mut Caps,
        k: Cont<'_>,
    ) -> bool {
        let (min, max, _) = bounds;
        count < max.min(MAX_GROUP_REPEAT)
            && self.run(inner, at, caps, &mut |next, caps: &mut Caps| {
                // An empty iteration past the minimum would loop forever.
                (next != at || count < min) && self.repeat(inner, bounds, count + 1, next, caps, k)
            })
    }
}

/// What to do with a match so far: its end and the groups; `true` ends the search.
type Cont<'a> = &'a mut dyn FnMut(usize, &mut Caps) -> bool;

#[cfg(test)]
mod tests {
    use super::Regex;

    fn find(pattern: &str, text: &str) -> Option<String> {
        Regex::new(pattern, false)
            .unwrap()
            .find(text)
            .map(|(v, _, _)| v)
    }

    #[test]
    fn the_supported_syntax_matches_as_usual() {
        assert_eq!(
            find(r"Invoice No\. (\d+)", "x Invoice No. 123456 y").as_deref(),
            Some("123456")
        );
        assert_eq!(
            find(r"Total\s+([\d.]+)", "Total   209.90").as_deref(),
            Some("209.90")
        );
        assert_eq!(find(r"^b.*$", "a\nbcd\ne").as_deref(), Some("bcd"));
        assert_eq!(find(r"(?:ab)+(c|d)", "xxababd").as_deref(), Some("d"));
        assert_eq!(find(r"a{2,3}", "caaaat").as_deref(), Some("aaa"));
        assert_eq!(find(r"<(.+?)>", "<a><b>").as_deref(), Some("a"));
        assert_eq!(find(r"[^0-9 ]+", "12 ab3").as_deref(), Some("ab"));
        assert_eq!(
            find(r"\d{3}-\d{4}", "call 555-1234").as_deref(),
            Some("555-1234")
        );
        assert_eq!(
            find(r"x(y)?z", "xz").as_deref(),
            Some("xz"),
            "an unset group: the whole match"
        );
        assert_eq!(find(r"colou?r", "no"), None);
        let ci = Regex::new("sample invoice", true).unwrap();
        assert!(ci.is_match("SAMPLE INVOICE"));
        assert!(
            !Regex::new("sample invoice", false)
                .unwrap()
                .is_match("SAMPLE INVOICE")
        );
        for bad in ["(a", "a)", "*a", "[a", r"\q", "a\\"] {
            assert!(Regex::new(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_pathological_pattern_ends() {
        let text = "a".repeat(40);
        let regex = Regex::new("(a*)*b", false).unwrap();
        assert!(!regex.is_match(&text));
        // A group repeated over a long text stops at its cap instead of overflowing the
        // stack, on a thread with half the stack of the emulator's connection threads.
        let long = "ab".repeat(100_000);
        let found = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || {
                Regex::new("(?:ab)+", false)
                    .unwrap()
                    .find(&long)
                    .map(|m| m.2)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(found, Some(2 * super::MAX_GROUP_REPEAT));
    }
}
