//! Just enough PDF reading for the emulator to derive real results from real input: the page
//! tree, uncompressed content streams, text runs with font and position, and the standard
//! security handler (RC4, revisions 2 and 3) to check a password and decrypt.
//!
//! It is tolerant and never panics; whatever it cannot read is reported as a damaged file,
//! and pages whose content is compressed come out without text.

use std::collections::HashMap;

use super::crypto::{md5, rc4};

/// Why a file could not be read, with the PDF.co code it maps to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PdfError {
    /// Not a PDF, or too broken to find its pages (442).
    Damaged(&'static str),
    /// Encrypted, and the password is missing or wrong (441).
    Password,
    /// Encrypted with a method the emulator does not implement (442).
    Unsupported(&'static str),
}

/// One piece of text drawn on a page, in PDF.co's coordinates: points from the top left.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    pub(crate) text: String,
    pub(crate) font_name: String,
    pub(crate) font_style: Option<String>,
    pub(crate) font_size: f64,
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) width: f64,
    pub(crate) height: f64,
}

/// A page: its size and its text, grouped into rows (top to bottom) of runs (left to right).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Page {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) rows: Vec<Vec<Run>>,
}

/// A read document.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Document {
    pub(crate) pages: Vec<Page>,
}

#[derive(Clone, Debug, PartialEq)]
enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Str(Vec<u8>),
    Name(String),
    Array(Vec<Obj>),
    Dict(Vec<(String, Obj)>),
    Ref(u32),
    /// A bare keyword: an operator in a content stream.
    Op(String),
}

impl Obj {
    fn get(&self, key: &str) -> Option<&Obj> {
        match self {
            Obj::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn name(&self) -> Option<&str> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }

    fn bytes(&self) -> Option<&[u8]> {
        match self {
            Obj::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A tokenizer over PDF syntax, for files and content streams alike.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        Lexer {
            data,
            pos,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || b == 0 {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(b) = self.peek() {
                    if b == b'\n' || b == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() || is_delimiter(b) {
                break;
            }
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// The next object; `refs` turns `n g R` into a reference (files, not content streams).
    fn object(&mut self, refs: bool) -> Option<Obj> {
        self.skip_space();
        let b = self.peek()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let obj = match b {
            b'/' => {
                self.pos += 1;
                let raw = self.word();
                Some(Obj::Name(decode_name(raw)))
            }
            b'(' => self.literal_string().map(Obj::Str),
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut entries = Vec::new();
                loop {
                    self.skip_space();
                    if self.data.get(self.pos..self.pos + 2) == Some(b">>") {
                        self.pos += 2;
                        break;
                    }
                    let key = match self.object(refs)? {
                        Obj::Name(k) => k,
                        _ => return None,
                    };
                    let value = self.object(refs)?;
                    entries.push((key, value));
                }
                Some(Obj::Dict(entries))
            }
            b'<' => {
                self.pos += 1;
                let start = self.pos;
                while self.peek().is_some_and(|b| b != b'>') {
                    self.pos += 1;
                }
                let hex: Vec<u8> = self.data[start..self.pos]
                    .iter()
                    .copied()
                    .filter(|b| b.is_ascii_hexdigit())
                    .collect();
                self.pos += 1;
                let mut out = Vec::with_capacity(hex.len() / 2 + 1);
                for pair in hex.chunks(2) {
                    let hi = (pair[0] as char).to_digit(16).unwrap_or(0);
                    let lo = pair
                        .get(1)
                        .and_then(|b| (*b as char).to_digit(16))
                        .unwrap_or(0);
                    out.push((hi * 16 + lo) as u8);
                }
                Some(Obj::Str(out))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return None,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => items.push(self.object(refs)?),
                    }
                }
                Some(Obj::Array(items))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => {
                let raw = self.word();
                let n: f64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
                if refs && n >= 0.0 && n.fract() == 0.0 {
                    let save = self.pos;
                    if let Some(r) = self.reference_tail(n as u32) {
                        self.depth -= 1;
                        return Some(r);
                    }
                    self.pos = save;
                }
                Some(Obj::Num(n))
            }
            b')' | b'>' | b']' | b'{' | b'}' => {
                self.pos += 1;
                Some(Obj::Op(String::from(b as char)))
            }
            _ => {
                let raw = self.word();
                if raw.is_empty() {
                    self.pos += 1;
                    return self.object(refs);
                }
                Some(match raw {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    other => Obj::Op(String::from_utf8_lossy(other).into_owned()),
                })
            }
        };
        self.depth -= 1;
        obj
    }

    /// After a number: ` g R` makes it a reference.
    fn reference_tail(&mut self, num: u32) -> Option<Obj> {
        self.skip_space();
        let generation = self.word();
        if generation.is_empty() || !generation.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.skip_space();
        if self.peek() == Some(b'R')
            && self
                .data
                .get(self.pos + 1)
                .is_none_or(|b| !b.is_ascii_alphanumeric())
        {
            self.pos += 1;
            Some(Obj::Ref(num))
        } else {
            None
        }
    }

    fn literal_string(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut nesting = 1;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'(' => {
                    nesting += 1;
                    out.push(b);
                }
                b')' => {
                    nesting -= 1;
                    if nesting == 0 {
                        return Some(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }
}

fn decode_name(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' {
            if let Some(v) = raw
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password padding string of the standard security handler.
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

fn padded(password: &[u8]) -> Vec<u8> {
    password
        .iter()
        .chain(PAD.iter())
        .take(32)
        .copied()
        .collect()
}

/// The standard security handler's parameters, and the file key once a password fits.
struct Security {
    revision: u32,
    key_len: usize,
    owner: Vec<u8>,
    user: Vec<u8>,
    permissions: i32,
    id0: Vec<u8>,
}

impl Security {
    fn from_dict(dict: &Obj, id0: Vec<u8>) -> Result<Security, PdfError> {
        if dict.get("Filter").and_then(Obj::name) != Some("Standard") {
            return Err(PdfError::Unsupported(
                "a security handler other than Standard",
            ));
        }
        let version = dict.get("V").and_then(Obj::num).unwrap_or(0.0) as u32;
        let revision = dict.get("R").and_then(Obj::num).unwrap_or(0.0) as u32;
        if !(version == 1 || version == 2) || !(revision == 2 || revision == 3) {
            return Err(PdfError::Unsupported(
                "encryption other than RC4 (V 1-2, R 2-3)",
            ));
        }
        let bits = dict.get("Length").and_then(Obj::num).unwrap_or(40.0) as usize;
        let key_len = if revision == 2 {
            5
        } else {
            (bits / 8).clamp(5, 16)
        };
        let field = |k| dict.get(k).and_then(Obj::bytes).map(<[u8]>::to_vec);
        Ok(Security {
            revision,
            key_len,
            owner: field("O").ok_or(PdfError::Damaged("encryption without /O"))?,
            user: field("U").ok_or(PdfError::Damaged("encryption without /U"))?,
            permissions: dict.get("P").and_then(Obj::num).unwrap_or(0.0) as i32,
            id0,
        })
    }

    fn file_key(&self, password: &[u8]) -> Vec<u8> {
        let mut input = padded(password);
        input.extend_from_slice(&self.owner[..self.owner.len().min(32)]);
        input.extend_from_slice(&self.permissions.to_le_bytes());
        input.extend_from_slice(&self.id0);
        let mut hash = md5(&input);
        if self.revision >= 3 {
            for _ in 0..50 {
                hash = md5(&hash[..self.key_len]);
            }
        }
        hash[..self.key_len].to_vec()
    }

    /// The file key if `password` is the user password.
    fn try_user(&self, password: &[u8]) -> Option<Vec<u8>> {
        let key = self.file_key(password);
        let fits = if self.revision == 2 {
            rc4(&key, &PAD) == self.user.get(..32)?
        } else {
            let mut input = PAD.to_vec();
            input.extend_from_slice(&self.id0);
            let mut x = rc4(&key, &md5(&input));
            for i in 1..=19u8 {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                x = rc4(&k, &x);
            }
            x.get(..16)? == self.user.get(..16)?
        };
        fits.then_some(key)
    }

    /// The file key if `password` is the owner password (it unlocks the user password).
    fn try_owner(&self, password: &[u8]) -> Option<Vec<u8>> {
        let mut hash = md5(&padded(password));
        if self.revision >= 3 {
            for _ in 0..50 {
                hash = md5(&hash);
            }
        }
        let key = &hash[..self.key_len];
        let mut user = self.owner.get(..32)?.to_vec();
        if self.revision == 2 {
            user = rc4(key, &user);
        } else {
            for i in (0..=19u8).rev() {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                user = rc4(&k, &user);
            }
        }
        self.try_user(&user)
    }
}

/// An index of a file's indirect objects.
struct File<'a> {
    data: &'a [u8],
    offsets: HashMap<u32, usize>,
    key: Option<Vec<u8>>,
}

impl<'a> File<'a> {
    fn index(data: &'a [u8]) -> File<'a> {
        let mut offsets = HashMap::new();
        let mut i = 0;
        while let Some(found) = find(&data[i..], b"obj") {
            let at = i + found;
            i = at + 3;
            if data.get(at + 3).is_some_and(|b| b.is_ascii_alphanumeric()) {
                continue;
            }
            // Walk back over "<num> <gen> ".
            let mut j = at;
            let back_digits = |j: &mut usize| {
                let end = *j;
                while *j > 0 && data[*j - 1].is_ascii_digit() {
                    *j -= 1;
                }
                end - *j
            };
            let back_space = |j: &mut usize| {
                let end = *j;
                while *j > 0 && data[*j - 1].is_ascii_whitespace() {
                    *j -= 1;
                }
                end - *j
            };
            if back_space(&mut j) == 0 || back_digits(&mut j) == 0 || back_space(&mut j) == 0 {
                continue;
            }
            let end = j;
            if back_digits(&mut j) == 0 {
                continue;
            }
            if let Some(num) = std::str::from_utf8(&data[j..end])
                .ok()
                .and_then(|s| s.parse().ok())
            {
                offsets.insert(num, at + 3);
            }
        }
        File {
            data,
            offsets,
            key: None,
        }
    }

    fn object(&self, num: u32) -> Option<Obj> {
        Lexer::new(self.data, *self.offsets.get(&num)?).object(true)
    }

    fn resolve(&self, obj: &Obj) -> Option<Obj> {
        let mut current = obj.clone();
        for _ in 0..16 {
            match current {
                Obj::Ref(n) => current = self.object(n)?,
                other => return Some(other),
            }
        }
        None
    }

    /// The raw (decrypted) bytes of stream object `num`, or `None` if it is compressed.
    fn stream(&self, num: u32) -> Option<Vec<u8>> {
        let offset = *self.offsets.get(&num)?;
        let mut lexer = Lexer::new(self.data, offset);
        let dict = lexer.object(true)?;
        if dict.get("Filter").is_some() {
            return None;
        }
        lexer.skip_space();
        if self.data.get(lexer.pos..lexer.pos + 6) != Some(b"stream") {
            return None;
        }
        let mut start = lexer.pos + 6;
        if self.data.get(start) == Some(&b'\r') {
            start += 1;
        }
        if self.data.get(start) == Some(&b'\n') {
            start += 1;
        }
        let declared = dict
            .get("Length")
            .and_then(|l| self.resolve(l))
            .and_then(|l| l.num())
            .map(|n| n as usize);
        let end = match declared {
            Some(len)
                if self.data.get(start + len..).is_some_and(|rest| {
                    let rest = &rest[..rest.len().min(16)];
                    find(rest, b"endstream").is_some()
                }) =>
            {
                start + len
            }
            _ => start + find(self.data.get(start..)?, b"endstream")?,
        };
        let raw = self.data.get(start..end)?;
        Some(match &self.key {
            Some(key) => {
                let mut input = key.clone();
                input.extend_from_slice(&num.to_le_bytes()[..3]);
                input.extend_from_slice(&[0, 0]);
                let object_key = md5(&input);
                rc4(&object_key[..(key.len() + 5).min(16)], raw)
            }
            None => raw.to_vec(),
        })
    }

    /// The trailer dictionary: the last `trailer`, or a cross-reference stream's dictionary.
    fn trailer(&self) -> Option<Obj> {
        if let Some(at) = rfind(self.data, b"trailer") {
            if let Some(dict @ Obj::Dict(_)) = Lexer::new(self.data, at + 7).object(true) {
                return Some(dict);
            }
        }
        self.offsets.keys().find_map(|&n| {
            let obj = self.object(n)?;
            (obj.get("Type").and_then(Obj::name) == Some("XRef")).then_some(obj)
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Whether `data` looks like a PDF at all (`%PDF-` near the start).
pub(crate) fn is_pdf(data: &[u8]) -> bool {
    find(&data[..data.len().min(1024)], b"%PDF-").is_some()
}

/// Reads a document, checking `password` if it is encrypted.
pub(crate) fn read(data: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    if !is_pdf(data) {
        return Err(PdfError::Damaged("not a PDF file"));
    }
    let mut file = File::index(data);
    let trailer = file.trailer().ok_or(PdfError::Damaged("no trailer"))?;
    if let Some(encrypt) = trailer.get("Encrypt") {
        let dict = file
            .resolve(encrypt)
            .ok_or(PdfError::Damaged("unreadable encryption dictionary"))?;
        let id0 = match trailer.get("ID").and_then(|id| file.resolve(id)) {
            Some(Obj::Array(ids)) => ids.first().and_then(Obj::bytes).unwrap_or(&[]).to_vec(),
            _ => Vec::new(),
        };
        let security = Security::from_dict(&dict, id0)?;
        let key = security
            .try_user(b"")
            .or_else(|| {
                let pw = password.filter(|p| !p.is_empty())?.as_bytes();
                security.try_user(pw).or_else(|| security.try_owner(pw))
            })
            .ok_or(PdfError::Password)?;
        file.key = Some(key);
    }
    let root = trailer
        .get("Root")
        .and_then(|r| file.resolve(r))
        .ok_or(PdfError::Damaged("no document catalog"))?;
    let pages_root = root
        .get("Pages")
        .ok_or(PdfError::Damaged("no page tree"))?
        .clone();
    let mut pages = Vec::new();
    collect_pages(&file, &pages_root, None, &mut pages, 0);
    if pages.is_empty() {
        return Err(PdfError::Damaged("no pages"));
    }
    Ok(Document { pages })
}

fn collect_pages(
    file: &File<'_>,
    node: &Obj,
    media_box: Option<[f64; 4]>,
    out: &mut Vec<Page>,
    depth: usize,
) {
    if depth > 32 || out.len() > 100_000 {
        return;
    }
    let page_ref = match node {
        Obj::Ref(n) => Some(*n),
        _ => None,
    };
    let Some(dict) = file.resolve(node) else {
        return;
    };
    let media_box = match dict.get("MediaBox").and_then(|m| file.resolve(m)) {
        Some(Obj::Array(v)) if v.len() == 4 => {
            let n: Vec<f64> = v.iter().map(|o| o.num().unwrap_or(0.0)).collect();
            Some([n[0], n[1], n[2], n[3]])
        }
        _ => media_box,
    };
    match dict.get("Type").and_then(Obj::name) {
        Some("Pages") => {
            if let Some(Obj::Array(kids)) = dict.get("Kids").and_then(|k| file.resolve(k)) {
                for kid in &kids {
                    if matches!(kid, Obj::Ref(n) if Some(*n) == page_ref) {
                        continue;
                    }
                    collect_pages(file, kid, media_box, out, depth + 1);
                }
            }
        }
        _ => {
            let [x0, y0, x1, y1] = media_box.unwrap_or([0.0, 0.0, 612.0, 792.0]);
            let (width, height) = ((x1 - x0).abs(), (y1 - y0).abs());
            let fonts = font_names(file, &dict);
            let mut runs = Vec::new();
            let contents = match dict.get("Contents") {
                Some(Obj::Array(items)) => items.clone(),
                Some(Obj::Ref(n)) => match file.object(*n) {
                    Some(Obj::Array(items)) => items,
                    _ => vec![Obj::Ref(*n)],
                },
                _ => Vec::new(),
            };
            for item in contents {
                if let Obj::Ref(n) = item {
                    if let Some(stream) = file.stream(n) {
                        extract_text(&stream, &fonts, height, &mut runs);
                    }
                }
            }
            out.push(Page {
                width,
                height,
                rows: group_rows(runs),
            });
        }
    }
}

/// Resource name (`F1`) to base font (`Helvetica-Bold`).
fn font_names(file: &File<'_>, page: &Obj) -> HashMap<String, String> {
    let mut names = HashMap::new();
    let fonts = page
        .get("Resources")
        .and_then(|r| file.resolve(r))
        .and_then(|r| r.get("Font").cloned())
        .and_then(|f| file.resolve(&f));
    if let Some(Obj::Dict(entries)) = fonts {
        for (name, font) in entries {
            if let Some(base) = file
                .resolve(&font)
                .and_then(|f| f.get("BaseFont").and_then(Obj::name).map(str::to_string))
            {
                names.insert(name, base);
            }
        }
    }
    names
}

/// `Helvetica-BoldOblique` to (`Helvetica`, `Bold Italic`); subset prefixes are dropped.
fn split_font(base: &str) -> (String, Option<String>) {
    let base = match base.split_once('+') {
        Some((prefix, rest)) if prefix.len() == 6 => rest,
        _ => base,
    };
    let (family, style) = base.split_once(['-', ',']).unwrap_or((base, ""));
    let mut styles = Vec::new();
    let lower = style.to_ascii_lowercase();
    if lower.contains("bold") {
        styles.push("Bold");
    }
    if lower.contains("italic") || lower.contains("oblique") {
        styles.push("Italic");
    }
    let style = (!styles.is_empty()).then(|| styles.join(" "));
    (family.to_string(), style)
}

fn extract_text(
    stream: &[u8],
    fonts: &HashMap<String, String>,
    page_height: f64,
    out: &mut Vec<Run>,
) {
    let mut lexer = Lexer::new(stream, 0);
    let mut operands: Vec<Obj> = Vec::new();
    let identity = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
    let (mut tm, mut tlm) = (identity, identity);
    let mut font = String::new();
    let mut size = 0.0f64;
    let mut leading = 0.0f64;
    let mut steps = 0usize;
    while let Some(obj) = lexer.object(false) {
        steps += 1;
        if steps > 1_000_000 {
            break;
        }
        let Obj::Op(op) = obj else {
            operands.push(obj);
            continue;
        };
        let num = |i: usize| operands.get(i).and_then(Obj::num).unwrap_or(0.0);
        let mut show: Option<Vec<u8>> = None;
        match op.as_str() {
            "BT" => {
                tm = identity;
                tlm = identity;
            }
            "Tf" => {
                font = operands
                    .first()
                    .and_then(Obj::name)
                    .unwrap_or("")
                    .to_string();
                size = num(1);
            }
            "TL" => leading = num(0),
            "Td" | "TD" => {
                let (tx, ty) = (num(0), num(1));
                if op == "TD" {
                    leading = -ty;
                }
                tlm[4] += tx * tlm[0] + ty * tlm[2];
                tlm[5] += tx * tlm[1] + ty * tlm[3];
                tm = tlm;
            }
            "Tm" if operands.len() >= 6 => {
                tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                tm = tlm;
            }
            "T*" => {
                tlm[5] -= leading * tlm[3];
                tm = tlm;
            }
            "Tj" => show = operands.last().and_then(Obj::bytes).map(<[u8]>::to_vec),
            "'" | "\"" => {
                tlm[5] -= leading * tlm[3];
                tm = tlm;
                show = operands.last().and_then(Obj::bytes).map(<[u8]>::to_vec);
            }
            "TJ" => {
                if let Some(Obj::Array(parts)) = operands.last() {
                    let mut bytes = Vec::new();
                    for part in parts {
                        match part {
                            Obj::Str(s) => bytes.extend_from_slice(s),
                            Obj::Num(n) if *n < -200.0 => bytes.push(b' '),
                            _ => {}
                        }
                    }
                    show = Some(bytes);
                }
            }
            "BI" => {
                // Skip an inline image: its data is binary up to `EI`.
                let rest = stream.get(lexer.pos..).unwrap_or(&[]);
                lexer.pos += find(rest, b"EI").map_or(rest.len(), |i| i + 2);
            }
            _ => {}
        }
        operands.clear();
        if let Some(bytes) = show {
            // WinAnsi and Latin-1 agree on the printable range the fixtures use.
            let text: String = bytes.iter().map(|&b| b as char).collect();
            let scale = tm[3].abs().max(tm[0].abs());
            let font_size = if scale > 0.0 { size * scale } else { size };
            let width = text.chars().count() as f64 * font_size * 0.5;
            if !text.trim().is_empty() {
                let (font_name, font_style) =
                    split_font(fonts.get(&font).map_or(font.as_str(), String::as_str));
                out.push(Run {
                    x: tm[4],
                    // PDF measures up from the bottom to the baseline; PDF.co from the top to
                    // the top of the line.
                    y: page_height - tm[5] - font_size * 0.8,
                    width,
                    height: font_size * 1.15,
                    font_name,
                    font_style,
                    font_size,
                    text: text.trim().to_string(),
                });
            }
            tm[4] += width;
        }
    }
}

/// Groups runs into rows: runs whose tops lie within 2 points share a row.
fn group_rows(mut runs: Vec<Run>) -> Vec<Vec<Run>> {
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match rows.last_mut() {
            Some(row) if (row[0].y - run.y).abs() <= 2.0 => row.push(run),
            _ => rows.push(vec![run]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../fixtures/sample.pdf");
    const ENCRYPTED: &[u8] = include_bytes!("../../fixtures/encrypted.pdf");
    const NOT_PDF: &[u8] = include_bytes!("../../fixtures/not-a-pdf.pdf");

    fn texts(page: &Page) -> Vec<Vec<&str>> {
        page.rows
            .iter()
            .map(|r| r.iter().map(|run| run.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn reads_the_sample_pages_rows_and_table() {
        let doc = read(SAMPLE, None).unwrap();
        assert_eq!(doc.pages.len(), 3);
        assert_eq!(texts(&doc.pages[0])[0], vec!["Sample Invoice"]);
        let table = texts(&doc.pages[1]);
        assert_eq!(table[1], vec!["Item", "Quantity", "Price"]);
        assert_eq!(table[4], vec!["Gizmo (large)", "1", "99.90"]);
        let title = &doc.pages[0].rows[0][0];
        assert_eq!(
            (title.font_name.as_str(), title.font_style.as_deref()),
            ("Helvetica", Some("Bold"))
        );
        assert_eq!(title.font_size, 18.0);
        assert_eq!(doc.pages[0].rows[1][0].font_style, None);
        assert!(
            title.y < doc.pages[0].rows[1][0].y,
            "rows run top to bottom"
        );
    }

    #[test]
    fn encrypted_needs_the_user_or_owner_password() {
        assert_eq!(read(ENCRYPTED, None), Err(PdfError::Password));
        assert_eq!(read(ENCRYPTED, Some("wrong")), Err(PdfError::Password));
        let plain = read(SAMPLE, None).unwrap();
        assert_eq!(read(ENCRYPTED, Some("secret")).unwrap(), plain);
        assert_eq!(read(ENCRYPTED, Some("owner-secret")).unwrap(), plain);
    }

    #[test]
    fn not_a_pdf_is_damaged() {
        assert!(matches!(read(NOT_PDF, None), Err(PdfError::Damaged(_))));
        assert!(matches!(
            read(b"%PDF-1.4 nothing else", None),
            Err(PdfError::Damaged(_))
        ));
    }

    #[test]
    fn truncated_and_mangled_files_never_panic() {
        for cut in (0..SAMPLE.len()).step_by(7) {
            let _ = read(&SAMPLE[..cut], None);
            let _ = read(&ENCRYPTED[..cut], Some("secret"));
        }
        let mut mangled = SAMPLE.to_vec();
        for i in (0..mangled.len()).step_by(13) {
            mangled[i] = mangled[i].wrapping_mul(31).wrapping_add(7);
            let _ = read(&mangled, None);
        }
        // Deep nesting and self-referencing page trees.
        let deep = format!(
            "%PDF-1.4\n1 0 obj {} endobj trailer << /Root 1 0 R >>",
            "[".repeat(10_000)
        );
        let _ = read(deep.as_bytes(), None);
        let cyclic = b"%PDF-1.4\n1 0 obj << /Pages 2 0 R >> endobj 2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >> endobj 3 0 obj << /Type /Pages /Kids [2 0 R] >> endobj trailer << /Root 1 0 R >>";
        assert!(read(cyclic, None).is_err());
    }

    #[test]
    fn font_names_split_like_pdf_co() {
        assert_eq!(
            split_font("ABCDEF+Arial-BoldItalicMT"),
            ("Arial".into(), Some("Bold Italic".into()))
        );
        assert_eq!(split_font("Times-Roman"), ("Times".into(), None));
        assert_eq!(split_font("Courier"), ("Courier".into(), None));
    }
}
