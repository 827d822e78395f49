//! The emulator's PDF reader: lopdf for the object layer (cross-reference tables and
//! streams, object streams, incremental updates, linearized files, decryption), and text
//! extraction here: content streams through their filters, text runs with font, size and
//! position, fonts' `ToUnicode` maps, simple fonts' encodings and `Differences`, `TJ` arrays
//! with their kerning gaps, and form XObjects.
//!
//! It never panics. A file it cannot open is damaged (442) or needs a password (441); a page
//! whose content it cannot decode fails the read (442) rather than coming out without text.

use std::collections::HashMap;

use lopdf::dictionary;

use super::crypto::{md5, rc4};

/// Why a file could not be read, with the PDF.co code it maps to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PdfError {
    /// Not a PDF, too broken to find its pages, or with page content that does not decode
    /// (442).
    Damaged(String),
    /// Encrypted, and the password is missing or wrong (441).
    Password,
    /// Encrypted with a method lopdf does not implement, or page content through a filter
    /// the emulator cannot decode (442).
    Unsupported(String),
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether `data` looks like a PDF at all (`%PDF-` near the start).
pub(crate) fn is_pdf(data: &[u8]) -> bool {
    find(&data[..data.len().min(1024)], b"%PDF-").is_some()
}

/// Opens a PDF with lopdf, decrypted when protected: the one object layer of the emulator,
/// for conversions, merges and `pdf/info` alike (so that they agree on every page count).
///
/// lopdf reads classic and stream cross-reference tables, object streams, incremental
/// updates (the newest revision of each object wins) and linearized files, and decrypts the
/// standard security handler: RC4 40 to 128 bits and AES 128 and 256 bits. The empty user
/// password is tried first; `password` may be the user or the owner password.
///
/// # Errors
///
/// [`PdfError::Password`] when the file is protected and no password given opens it;
/// [`PdfError::Damaged`] when it is not a PDF or cannot be read; [`PdfError::Unsupported`]
/// for encryption lopdf does not implement.
pub(crate) fn load(data: &[u8], password: Option<&str>) -> Result<lopdf::Document, PdfError> {
    if !is_pdf(data) {
        return Err(PdfError::Damaged("not a PDF file".into()));
    }
    let plain = lopdf::Document::load_mem(data).map_err(|e| PdfError::Damaged(e.to_string()))?;
    let doc = if plain.trailer.get(b"Encrypt").is_err() {
        // Not encrypted, or the empty user password opened it.
        plain
    } else {
        let given = password.ok_or(PdfError::Password)?;
        let password = if plain.authenticate_user_password(given).is_ok() {
            given.to_string()
        } else if plain.authenticate_owner_password(given).is_ok() {
            // lopdf derives the file key from any password as if it were the user's, so an
            // owner password of RC4 or AES-128 encryption (revisions 2 to 4) is turned into
            // the user password it unlocks first.
            user_password_from_owner(&plain, given).unwrap_or_else(|| given.to_string())
        } else {
            return Err(PdfError::Password);
        };
        match lopdf::Document::load_mem_with_options(
            data,
            lopdf::LoadOptions::with_password(&password),
        ) {
            Ok(doc) => doc,
            Err(lopdf::Error::InvalidPassword) => return Err(PdfError::Password),
            Err(lopdf::Error::Decryption(e)) => {
                return Err(PdfError::Unsupported(format!("this encryption ({e})")));
            }
            Err(e) => return Err(PdfError::Damaged(e.to_string())),
        }
    };
    if doc.trailer.get(b"Encrypt").is_ok() {
        // Still encrypted: neither the empty password nor the one given opened it.
        return Err(PdfError::Password);
    }
    if doc.get_pages().is_empty() {
        return Err(PdfError::Damaged("the document has no pages".into()));
    }
    Ok(doc)
}

/// The user password that the owner password `owner` unlocks, for the standard security
/// handler's revisions 2 to 4 (`None` for revision 5 and later, which lopdf handles): the
/// encryption dictionary's `O` decrypted with a key made from the owner password, its padding
/// removed (ISO 32000 algorithm 7).
fn user_password_from_owner(doc: &lopdf::Document, owner: &str) -> Option<String> {
    let encrypt = doc.get_encrypted().ok()?;
    let int = |key: &[u8]| encrypt.get(key).ok().and_then(|o| o.as_i64().ok());
    let revision = int(b"R")?;
    if !(2..=4).contains(&revision) {
        return None;
    }
    let key_len = if revision == 2 {
        5
    } else {
        (int(b"Length").unwrap_or(40) / 8).clamp(5, 16) as usize
    };
    let o = encrypt.get(b"O").ok()?.as_str().ok()?.get(..32)?;
    // PDFDocEncoding agrees with Latin-1 on the characters passwords are made of.
    let owner: Vec<u8> = owner
        .chars()
        .map(|c| u8::try_from(c).unwrap_or(b'?'))
        .collect();
    let padded: Vec<u8> = owner.iter().chain(PAD.iter()).take(32).copied().collect();
    let mut hash = md5(&padded);
    if revision >= 3 {
        for _ in 0..50 {
            hash = md5(&hash);
        }
    }
    let key = &hash[..key_len];
    let mut user = o.to_vec();
    if revision == 2 {
        user = rc4(key, &user);
    } else {
        for i in (0..=19u8).rev() {
            let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
            user = rc4(&k, &user);
        }
    }
    // The password is what precedes the padding.
    let len = (0..=32).find(|&n| user[n..] == PAD[..32 - n]).unwrap_or(32);
    Some(user[..len].iter().map(|&b| char::from(b)).collect())
}

/// The password padding string of the standard security handler.
const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// Reads a document, checking `password` if it is encrypted, and extracts every page's text.
///
/// A page whose content cannot be decoded fails the whole read rather than coming out empty:
/// an unsupported filter (an image codec used on a content stream, say) is
/// [`PdfError::Unsupported`], Flate, LZW or other data that does not decode is
/// [`PdfError::Damaged`], and so is text drawn only in a font with no way to map its codes
/// to characters (a CID font without a `ToUnicode` map).
pub(crate) fn read(data: &[u8], password: Option<&str>) -> Result<Document, PdfError> {
    let doc = load(data, password)?;
    let mut fonts = FontCache::default();
    let mut pages = Vec::new();
    for (number, page_id) in doc.get_pages() {
        let page = read_page(&doc, page_id, &mut fonts).map_err(|e| e.on_page(number))?;
        pages.push(page);
    }
    Ok(Document { pages })
}

/// Why one page's text could not be read, before the page number is known.
enum PageError {
    Unsupported(String),
    Damaged(String),
}

impl PageError {
    fn on_page(self, number: u32) -> PdfError {
        match self {
            PageError::Unsupported(what) => {
                PdfError::Unsupported(format!("the content of page {number}: {what}"))
            }
            PageError::Damaged(why) => {
                PdfError::Damaged(format!("the content of page {number} {why}"))
            }
        }
    }
}

/// The page attributes a page inherits from the page tree: on the page, or the nearest
/// ancestor that has it.
fn inherited<'a>(
    doc: &'a lopdf::Document,
    page: &'a lopdf::Dictionary,
    key: &[u8],
) -> Option<&'a lopdf::Object> {
    let mut node = page;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return deref(doc, value);
        }
        let parent = node
            .get(b"Parent")
            .and_then(lopdf::Object::as_reference)
            .ok()?;
        node = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// Follows references (a bounded number of them).
fn deref<'a>(doc: &'a lopdf::Document, object: &'a lopdf::Object) -> Option<&'a lopdf::Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

fn dict_of<'a>(
    doc: &'a lopdf::Document,
    object: Option<&'a lopdf::Object>,
) -> Option<&'a lopdf::Dictionary> {
    deref(doc, object?)?.as_dict().ok()
}

fn number(object: &lopdf::Object) -> Option<f64> {
    match object {
        lopdf::Object::Integer(i) => Some(*i as f64),
        lopdf::Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

fn read_page(
    doc: &lopdf::Document,
    page_id: lopdf::ObjectId,
    fonts: &mut FontCache,
) -> Result<Page, PageError> {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Ok(Page {
            width: 612.0,
            height: 792.0,
            rows: Vec::new(),
        });
    };
    let media_box = match inherited(doc, page, b"MediaBox").and_then(|m| m.as_array().ok()) {
        Some(v) if v.len() == 4 => {
            let n: Vec<f64> = v
                .iter()
                .map(|o| deref(doc, o).and_then(number).unwrap_or(0.0))
                .collect();
            [
                n[0].min(n[2]),
                n[1].min(n[3]),
                n[0].max(n[2]),
                n[1].max(n[3]),
            ]
        }
        _ => [0.0, 0.0, 612.0, 792.0],
    };
    let (width, height) = (media_box[2] - media_box[0], media_box[3] - media_box[1]);
    let resources = inherited(doc, page, b"Resources").and_then(|r| r.as_dict().ok());
    let mut content = Vec::new();
    for id in doc.get_page_contents(page_id) {
        if let Ok(stream) = doc.get_object(id).and_then(lopdf::Object::as_stream) {
            content.extend_from_slice(&decode_stream(doc, stream)?);
            content.push(b'\n');
        }
    }
    let mut extractor = Extractor {
        doc,
        fonts,
        origin: (media_box[0], media_box[3]),
        runs: Vec::new(),
        steps: 0,
        show: 0,
        unmapped: 0,
        shown: 0,
    };
    extractor.run(&content, resources, IDENTITY, 0)?;
    if extractor.runs.is_empty() && extractor.shown > 0 && extractor.unmapped == extractor.shown {
        return Err(PageError::Unsupported(
            "text in a font without a ToUnicode map or a known encoding".into(),
        ));
    }
    let runs = extractor
        .runs
        .into_iter()
        .map(|mut piece| {
            piece.run.text = piece.run.text.trim().to_string();
            piece.run
        })
        .collect();
    Ok(Page {
        width,
        height,
        rows: group_rows(runs),
    })
}

/// A stream's data through its filters: Flate, LZW and ASCII85 by lopdf, ASCIIHex and
/// RunLength here; any other filter is unsupported, and data that does not decode damaged.
fn decode_stream(doc: &lopdf::Document, stream: &lopdf::Stream) -> Result<Vec<u8>, PageError> {
    let filters: Vec<Vec<u8>> = match stream.dict.get(b"Filter").ok().and_then(|f| deref(doc, f)) {
        None => return Ok(stream.content.clone()),
        Some(lopdf::Object::Name(name)) => vec![name.clone()],
        Some(lopdf::Object::Array(items)) => items
            .iter()
            .filter_map(|o| deref(doc, o)?.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        Some(_) => return Err(PageError::Damaged("has a malformed /Filter".into())),
    };
    let params: Vec<Option<lopdf::Object>> = match stream
        .dict
        .get(b"DecodeParms")
        .ok()
        .and_then(|p| deref(doc, p))
    {
        Some(lopdf::Object::Array(items)) => items.iter().map(|o| deref(doc, o).cloned()).collect(),
        Some(other) => vec![Some(other.clone())],
        None => Vec::new(),
    };
    let mut data = stream.content.clone();
    for (i, filter) in filters.iter().enumerate() {
        let name = String::from_utf8_lossy(filter).into_owned();
        data = match filter.as_slice() {
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
            b"RunLengthDecode" | b"RL" => run_length(&data),
            b"FlateDecode" | b"Fl" | b"LZWDecode" | b"LZW" | b"ASCII85Decode" | b"A85" => {
                let full = match filter.as_slice() {
                    b"Fl" => &b"FlateDecode"[..],
                    b"LZW" => b"LZWDecode",
                    b"A85" => b"ASCII85Decode",
                    other => other,
                };
                let mut dict = lopdf::Dictionary::new();
                dict.set("Filter", lopdf::Object::Name(full.to_vec()));
                if let Some(Some(p @ lopdf::Object::Dictionary(_))) = params.get(i) {
                    dict.set("DecodeParms", p.clone());
                }
                // Nothing out of data that holds more than an empty stream's encoding (a few
                // bytes), or out of Flate data without a zlib header, means the data is corrupt:
                // lopdf only logs that.
                let significant = data.iter().filter(|b| !b.is_ascii_whitespace()).count();
                let zlib_header = match data.get(..2) {
                    Some(&[a, b]) => a & 0x0f == 8 && (u16::from(a) << 8 | u16::from(b)) % 31 == 0,
                    _ => false,
                };
                let suspicious =
                    significant > 16 || (full == b"FlateDecode" && significant > 0 && !zlib_header);
                let single = lopdf::Stream::new(dict, data);
                match single.decompressed_content() {
                    Ok(out) if out.is_empty() && suspicious => {
                        return Err(PageError::Damaged(format!(
                            "cannot be decoded: its {name} data is corrupt"
                        )));
                    }
                    Ok(out) => out,
                    Err(e) => {
                        return Err(PageError::Damaged(format!(
                            "cannot be decoded: {name}: {e}"
                        )));
                    }
                }
            }
            _ => return Err(PageError::Unsupported(format!("the {name} filter"))),
        };
    }
    Ok(data)
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = data
        .iter()
        .take_while(|&&b| b != b'>')
        .filter_map(|&b| (b as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|pair| pair[0] * 16 + pair.get(1).copied().unwrap_or(0))
        .collect()
}

fn run_length(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&length) = data.get(i) {
        match length {
            128 => break,
            0..=127 => {
                let end = (i + 2 + usize::from(length)).min(data.len());
                out.extend_from_slice(data.get(i + 1..end).unwrap_or(&[]));
                i = end;
            }
            _ => {
                if let Some(&b) = data.get(i + 1) {
                    out.extend(std::iter::repeat_n(b, 257 - usize::from(length)));
                }
                i += 2;
            }
        }
    }
    out
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

/// A font as the text extraction needs it: how its codes map to text, and how wide each is.
struct Font {
    /// The base font name (`Helvetica-Bold`), or the resource name when it has none.
    base: String,
    /// Two-byte codes (a Type 0 font), or one byte.
    two_byte: bool,
    /// From its `ToUnicode` map.
    to_unicode: HashMap<u32, String>,
    /// A simple font's encoding (with its `Differences`), by code.
    simple: Vec<Option<String>>,
    /// Type 0 fonts with a Unicode CMap (`UniGB-UCS2-H`, ...) whose codes are UTF-16.
    utf16: bool,
    /// Advance widths in thousandths of the font size, by code.
    widths: HashMap<u32, f64>,
    /// The width of codes without one.
    default_width: f64,
    /// Whether the widths are the font's own (not the emulator's estimate).
    measured: bool,
}

impl Font {
    fn text(&self, code: u32) -> Option<String> {
        if let Some(text) = self.to_unicode.get(&code) {
            return Some(text.clone());
        }
        if self.two_byte {
            if self.utf16 {
                return char::from_u32(code).map(String::from);
            }
            return None;
        }
        self.simple.get(code as usize).cloned().flatten()
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| u32::from(c[0]) << 8 | u32::from(c.get(1).copied().unwrap_or(0)))
                .collect()
        } else {
            bytes.iter().map(|&b| u32::from(b)).collect()
        }
    }
}

/// Fonts already read, by object (pages usually share them).
#[derive(Default)]
struct FontCache {
    by_id: HashMap<lopdf::ObjectId, std::rc::Rc<Font>>,
}

impl FontCache {
    fn get(
        &mut self,
        doc: &lopdf::Document,
        object: &lopdf::Object,
        resource: &str,
    ) -> std::rc::Rc<Font> {
        if let lopdf::Object::Reference(id) = object {
            if let Some(font) = self.by_id.get(id) {
                return font.clone();
            }
            let font = std::rc::Rc::new(read_font(doc, dict_of(doc, Some(object)), resource));
            self.by_id.insert(*id, font.clone());
            return font;
        }
        std::rc::Rc::new(read_font(doc, dict_of(doc, Some(object)), resource))
    }
}

fn read_font(doc: &lopdf::Document, dict: Option<&lopdf::Dictionary>, resource: &str) -> Font {
    let name = |d: &lopdf::Dictionary, key: &[u8]| {
        d.get(key)
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
    };
    let Some(dict) = dict else {
        return Font {
            base: resource.to_string(),
            two_byte: false,
            to_unicode: HashMap::new(),
            simple: simple_encoding(doc, None),
            utf16: false,
            widths: HashMap::new(),
            default_width: 500.0,
            measured: false,
        };
    };
    let base = name(dict, b"BaseFont").unwrap_or_else(|| resource.to_string());
    let two_byte = name(dict, b"Subtype").as_deref() == Some("Type0");
    let to_unicode = dict
        .get(b"ToUnicode")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_stream().ok())
        .and_then(|s| decode_stream(doc, s).ok())
        .map(|cmap| parse_to_unicode(&cmap))
        .unwrap_or_default();
    let encoding_name = name(dict, b"Encoding").unwrap_or_default();
    let utf16 = two_byte && (encoding_name.contains("UCS2") || encoding_name.contains("UTF16"));
    let mut widths = HashMap::new();
    let mut default_width = 500.0;
    let mut measured = false;
    if two_byte {
        let descendant = dict
            .get(b"DescendantFonts")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| dict_of(doc, a.first()));
        if let Some(cid) = descendant {
            measured = true;
            default_width = cid
                .get(b"DW")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(number)
                .unwrap_or(1000.0);
            if let Some(w) = cid
                .get(b"W")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
            {
                cid_widths(doc, w, &mut widths);
            }
        } else {
            default_width = 1000.0;
        }
    } else if let Some(list) = dict
        .get(b"Widths")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
    {
        measured = true;
        let first = dict
            .get(b"FirstChar")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(number)
            .unwrap_or(0.0) as u32;
        for (i, w) in list.iter().take(256).enumerate() {
            if let Some(w) = deref(doc, w).and_then(number) {
                widths.insert(first + i as u32, w);
            }
        }
        default_width = dict_of(doc, dict.get(b"FontDescriptor").ok())
            .and_then(|d| d.get(b"MissingWidth").ok())
            .and_then(|o| deref(doc, o))
            .and_then(number)
            .unwrap_or(0.0);
    }
    let simple = if two_byte {
        Vec::new()
    } else {
        simple_encoding(doc, Some(dict))
    };
    Font {
        base,
        two_byte,
        to_unicode,
        simple,
        utf16,
        widths,
        default_width,
        measured,
    }
}

/// A CID font's `/W` array: `c [w1 w2 ...]` and `c_first c_last w`.
fn cid_widths(doc: &lopdf::Document, w: &[lopdf::Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 {
        let Some(first) = deref(doc, &w[i]).and_then(number) else {
            break;
        };
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(lopdf::Object::Array(list)) => {
                for (k, v) in list.iter().enumerate() {
                    if let Some(v) = deref(doc, v).and_then(number) {
                        out.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(v)) = (
                    number(last),
                    w.get(i + 2).and_then(|o| deref(doc, o)).and_then(number),
                ) else {
                    break;
                };
                let (first, last) = (first as u32, (last as u32).min(first as u32 + 65_535));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// A simple font's code-to-text table: its base encoding (lopdf's WinAnsi, MacRoman,
/// Standard or MacExpert tables; Standard when it names none), then its `Differences`, whose
/// glyph names are read with lopdf's glyph list, or as `uniXXXX`, `uXXXX`, `a.suffix` and
/// `f_i` names.
fn simple_encoding(doc: &lopdf::Document, font: Option<&lopdf::Dictionary>) -> Vec<Option<String>> {
    let encoding = font
        .and_then(|f| f.get(b"Encoding").ok())
        .and_then(|o| deref(doc, o));
    let (base, differences) = match encoding {
        Some(lopdf::Object::Name(name)) => (Some(name.clone()), None),
        Some(lopdf::Object::Dictionary(d)) => (
            d.get(b"BaseEncoding")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_name().ok())
                .map(<[u8]>::to_vec),
            d.get(b"Differences")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok()),
        ),
        _ => (None, None),
    };
    let base = match base.as_deref() {
        Some(
            name @ (b"WinAnsiEncoding" | b"MacRomanEncoding" | b"MacExpertEncoding"
            | b"StandardEncoding"),
        ) => name.to_vec(),
        _ => b"StandardEncoding".to_vec(),
    };
    let probe = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "Encoding" => lopdf::Object::Name(base),
    };
    let mut table: Vec<Option<String>> = match probe.get_font_encoding(doc) {
        Ok(encoding) => (0..=255u8)
            .map(|b| {
                encoding
                    .bytes_to_string(&[b])
                    .ok()
                    .filter(|s| !s.is_empty())
            })
            .collect(),
        Err(_) => vec![None; 256],
    };
    let mut code = 0usize;
    for item in differences.into_iter().flatten() {
        match deref(doc, item) {
            Some(lopdf::Object::Integer(c)) => code = (*c).clamp(0, 255) as usize,
            Some(lopdf::Object::Name(glyph)) => {
                if let Some(slot) = table.get_mut(code) {
                    *slot = glyph_text(doc, glyph);
                }
                code += 1;
            }
            _ => {}
        }
    }
    table
}

/// The text of a glyph name.
fn glyph_text(doc: &lopdf::Document, glyph: &[u8]) -> Option<String> {
    // lopdf's glyph list, asked through a one-entry Differences encoding.
    let probe = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "Encoding" => dictionary! {
            "Type" => "Encoding",
            "Differences" => vec![lopdf::Object::Integer(0), lopdf::Object::Name(glyph.to_vec())],
        },
    };
    if let Some(text) = probe
        .get_font_encoding(doc)
        .ok()
        .and_then(|e| e.bytes_to_string(&[0]).ok())
        .filter(|s| !s.is_empty())
    {
        return Some(text);
    }
    let name = std::str::from_utf8(glyph).ok()?;
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    if let Some(rest) = name.strip_prefix("uni").filter(|r| r.len() >= 4) {
        return rest
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).ok().and_then(hex))
            .collect();
    }
    if let Some(rest) = name
        .strip_prefix('u')
        .filter(|r| (4..=6).contains(&r.len()))
    {
        if let Some(c) = hex(rest) {
            return Some(c.to_string());
        }
    }
    if let Some((stem, _)) = name.split_once('.').filter(|(s, _)| !s.is_empty()) {
        return glyph_text(doc, stem.as_bytes());
    }
    if name.contains('_') {
        return name
            .split('_')
            .map(|part| glyph_text(doc, part.as_bytes()))
            .collect();
    }
    (name.len() == 1 && name.as_bytes()[0].is_ascii_alphanumeric()).then(|| name.to_string())
}

/// A `ToUnicode` CMap: `bfchar` and `bfrange` entries, code to text.
fn parse_to_unicode(cmap: &[u8]) -> HashMap<u32, String> {
    let utf16 = |bytes: &[u8]| -> String {
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)))
            .collect();
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{fffd}'))
            .collect()
    };
    let code = |bytes: &[u8]| {
        bytes
            .iter()
            .take(4)
            .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
    };
    let mut map = HashMap::new();
    let mut lexer = Lexer::new(cmap, 0);
    let mut operands: Vec<Obj> = Vec::new();
    let mut steps = 0;
    while let Some(obj) = lexer.object(false) {
        steps += 1;
        if steps > 1_000_000 {
            break;
        }
        let Obj::Op(op) = obj else {
            operands.push(obj);
            continue;
        };
        match op.as_str() {
            "endbfchar" => {
                for pair in operands.chunks(2) {
                    if let [Obj::Str(src), Obj::Str(dst)] = pair {
                        map.insert(code(src), utf16(dst));
                    }
                }
            }
            "endbfrange" => {
                for triple in operands.chunks(3) {
                    let [Obj::Str(lo), Obj::Str(hi), dst] = triple else {
                        continue;
                    };
                    let (lo, hi) = (code(lo), code(hi));
                    let hi = hi.min(lo.saturating_add(65_535));
                    match dst {
                        Obj::Str(start) if !start.is_empty() => {
                            for (k, c) in (lo..=hi).enumerate() {
                                let mut units = start.clone();
                                // The last byte counts up (carrying into the one before).
                                let n = units.len();
                                let last = u32::from(units[n - 1]) + k as u32;
                                units[n - 1] = (last & 0xff) as u8;
                                if n >= 2 {
                                    units[n - 2] = units[n - 2].wrapping_add((last >> 8) as u8);
                                }
                                map.insert(c, utf16(&units));
                            }
                        }
                        Obj::Array(items) => {
                            for (c, item) in (lo..=hi).zip(items) {
                                if let Obj::Str(dst) = item {
                                    map.insert(c, utf16(dst));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        operands.clear();
    }
    map
}

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`: the product a × b of PDF's row-vector matrices.
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

/// A run being built, with where its last glyph ended (in page space).
struct Piece {
    run: Run,
    end_x: f64,
    baseline: f64,
    measured: bool,
    /// Which text-showing operator drew it last.
    show: usize,
}

/// The text state of a content stream.
#[derive(Clone)]
struct TextState {
    font: Option<std::rc::Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Extractor<'a, 'f> {
    doc: &'a lopdf::Document,
    fonts: &'f mut FontCache,
    /// The media box's left and top edges, PDF.co's origin.
    origin: (f64, f64),
    runs: Vec<Piece>,
    steps: usize,
    /// Text-showing operators run so far.
    show: usize,
    /// Glyph codes shown, and how many of them mapped to no text.
    shown: usize,
    unmapped: usize,
}

/// How deeply form XObjects may nest.
const MAX_FORMS: usize = 8;

impl Extractor<'_, '_> {
    /// Runs a content stream (a page's, or a form XObject's) with its resources.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&lopdf::Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), PageError> {
        let doc = self.doc;
        let mut lexer = Lexer::new(content, 0);
        let mut operands: Vec<Obj> = Vec::new();
        let mut ctm = ctm;
        let mut stack: Vec<(Matrix, TextState)> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let mut state = TextState {
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let font_resources = dict_of(doc, resources.and_then(|r| r.get(b"Font").ok()));
        while let Some(obj) = lexer.object(false) {
            self.steps += 1;
            if self.steps > 2_000_000 {
                break;
            }
            let Obj::Op(op) = obj else {
                operands.push(obj);
                continue;
            };
            let num = |i: usize| operands.get(i).and_then(Obj::num).unwrap_or(0.0);
            match op.as_str() {
                "q" if stack.len() < 256 => stack.push((ctm, state.clone())),
                "Q" => {
                    if let Some((saved, text)) = stack.pop() {
                        ctm = saved;
                        state = text;
                    }
                }
                "cm" if operands.len() >= 6 => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    ctm = multiply(&m, &ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    let name = operands.first().and_then(Obj::name).unwrap_or("");
                    // A font missing from the resources is read as an unknown standard one.
                    state.font = Some(
                        match font_resources.and_then(|f| f.get(name.as_bytes()).ok()) {
                            Some(object) => self.fonts.get(doc, object, name),
                            None => std::rc::Rc::new(read_font(doc, None, name)),
                        },
                    );
                    state.size = num(1);
                }
                "Tc" => state.char_spacing = num(0),
                "Tw" => state.word_spacing = num(0),
                "Tz" => state.scale = num(0) / 100.0,
                "TL" => state.leading = num(0),
                "Ts" => state.rise = num(0),
                "Td" | "TD" => {
                    let (tx, ty) = (num(0), num(1));
                    if op == "TD" {
                        state.leading = -ty;
                    }
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                    tm = tlm;
                }
                "Tm" if operands.len() >= 6 => {
                    tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Obj::Str(s)) = operands.last() {
                        self.show(&[Obj::Str(s.clone())], &state, &mut tm, &ctm);
                    }
                }
                "'" | "\"" => {
                    if op == "\"" && operands.len() >= 3 {
                        state.word_spacing = num(0);
                        state.char_spacing = num(1);
                    }
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                    if let Some(Obj::Str(s)) = operands.last() {
                        self.show(&[Obj::Str(s.clone())], &state, &mut tm, &ctm);
                    }
                }
                "TJ" => {
                    if let Some(Obj::Array(parts)) = operands.last() {
                        let parts = parts.clone();
                        self.show(&parts, &state, &mut tm, &ctm);
                    }
                }
                "Do" if depth < MAX_FORMS => {
                    let name = operands.first().and_then(Obj::name).unwrap_or("");
                    let form = dict_of(doc, resources.and_then(|r| r.get(b"XObject").ok()))
                        .and_then(|x| x.get(name.as_bytes()).ok())
                        .and_then(|o| deref(doc, o))
                        .and_then(|o| o.as_stream().ok())
                        .filter(|s| {
                            s.dict.get(b"Subtype").and_then(lopdf::Object::as_name).ok()
                                == Some(&b"Form"[..])
                        });
                    if let Some(form) = form {
                        let data = decode_stream(doc, form)?;
                        let matrix = match form.dict.get(b"Matrix").ok().and_then(|m| deref(doc, m))
                        {
                            Some(lopdf::Object::Array(v)) if v.len() == 6 => {
                                let n: Vec<f64> =
                                    v.iter().map(|o| number(o).unwrap_or(0.0)).collect();
                                [n[0], n[1], n[2], n[3], n[4], n[5]]
                            }
                            _ => IDENTITY,
                        };
                        let own = dict_of(doc, form.dict.get(b"Resources").ok()).or(resources);
                        self.run(&data, own, multiply(&matrix, &ctm), depth + 1)?;
                    }
                }
                "BI" => {
                    // Skip an inline image: its data is binary up to `EI`.
                    let rest = content.get(lexer.pos..).unwrap_or(&[]);
                    lexer.pos += find(rest, b"EI").map_or(rest.len(), |i| i + 2);
                }
                _ => {}
            }
            operands.clear();
        }
        Ok(())
    }

    /// Shows strings and kerning numbers (a `TJ` array; `Tj` is one string), advancing `tm`.
    fn show(&mut self, parts: &[Obj], state: &TextState, tm: &mut Matrix, ctm: &Matrix) {
        let estimated;
        let font: &Font = match &state.font {
            Some(font) => font,
            None => {
                estimated = read_font(self.doc, None, "");
                &estimated
            }
        };
        let size = state.size;
        self.show += 1;
        for part in parts {
            match part {
                Obj::Num(n) => {
                    let tx = -n / 1000.0 * size * state.scale;
                    // A gap of a fifth of an em or more between words of a TJ array is a space.
                    if *n <= -200.0 {
                        self.append(" ", font, state, tm, ctm, 0.0);
                    }
                    *tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                }
                Obj::Str(bytes) => {
                    for code in font.codes(bytes) {
                        self.shown += 1;
                        let text = font.text(code);
                        if text.is_none() {
                            self.unmapped += 1;
                        }
                        let mut w = font.width(code) / 1000.0 * size + state.char_spacing;
                        if code == 32 && !font.two_byte {
                            w += state.word_spacing;
                        }
                        let tx = w * state.scale;
                        self.append(text.as_deref().unwrap_or(""), font, state, tm, ctm, tx);
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    }
                }
                _ => {}
            }
        }
    }

    /// Adds one glyph's text, drawn at `tm` and `advance` wide in text space, to the runs:
    /// to the last run when it continues it on the same line, else as a new run.
    fn append(
        &mut self,
        text: &str,
        font: &Font,
        state: &TextState,
        tm: &Matrix,
        ctm: &Matrix,
        advance: f64,
    ) {
        let m = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, state.rise], &multiply(tm, ctm));
        let font_size = (state.size * m[2].hypot(m[3])).abs();
        let x = m[4] - self.origin.0;
        let baseline = self.origin.1 - m[5];
        let end_x = x + advance * m[0].hypot(m[1]);
        let text = expand_ligatures(text);
        let blank = text.trim().is_empty();
        if let Some(last) = self.runs.last_mut() {
            let same_show = last.show == self.show;
            let same_line = (last.baseline - baseline).abs() <= font_size.max(1.0) * 0.3
                && (last.run.font_size - font_size).abs() <= 0.5;
            let gap = x - last.end_x;
            // Real widths tell glyphs of one word from the next word, so pieces drawn close
            // together on a line join; with estimated widths each text-showing operator
            // stays a run of its own, as the emulator always did.
            let near = same_line
                && last.measured
                && font.measured
                && gap > -font_size * 0.5
                && gap < font_size * 0.8;
            if same_show || near {
                let spaced = !same_show && gap > font_size * 0.15;
                if (blank || spaced) && !last.run.text.ends_with(' ') {
                    last.run.text.push(' ');
                }
                if !blank {
                    last.run.text.push_str(&text);
                }
                last.end_x = last.end_x.max(end_x);
                last.run.width = last.end_x - last.run.x;
                last.show = self.show;
                return;
            }
        }
        if blank {
            return;
        }
        let (font_name, font_style) = split_font(&font.base);
        self.runs.push(Piece {
            run: Run {
                text,
                font_name,
                font_style,
                font_size,
                x,
                // PDF measures up from the bottom to the baseline; PDF.co from the top to
                // the top of the line.
                y: baseline - font_size * 0.8,
                width: end_x - x,
                height: font_size * 1.15,
            },
            end_x,
            baseline,
            measured: font.measured,
            show: self.show,
        });
    }
}

/// Ligature characters as the letters they join (`ﬁ` as `fi`), as text extraction gives them.
fn expand_ligatures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            '\0' => {}
            other => out.push(other),
        }
    }
    out
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

    /// A one-page PDF (612 x 792) with this content, fonts and XObjects, written by lopdf.
    fn one_page(content: &str, fonts: lopdf::Dictionary, xobjects: lopdf::Dictionary) -> Vec<u8> {
        let stream = lopdf::Stream::new(dictionary! {}, content.as_bytes().to_vec());
        one_page_with(stream, fonts, xobjects)
    }

    /// The same with the content stream as given (filters and all).
    fn one_page_with(
        content: lopdf::Stream,
        fonts: lopdf::Dictionary,
        xobjects: lopdf::Dictionary,
    ) -> Vec<u8> {
        use lopdf::Object;
        let mut doc = lopdf::Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let mut font_refs = lopdf::Dictionary::new();
        for (name, font) in fonts.iter() {
            font_refs.set(name.clone(), doc.add_object(font.clone()));
        }
        let mut xobject_refs = lopdf::Dictionary::new();
        for (name, xobject) in xobjects.iter() {
            xobject_refs.set(name.clone(), doc.add_object(xobject.clone()));
        }
        let content_id = doc.add_object(content.with_compression(false));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "Font" => font_refs, "XObject" => xobject_refs },
            "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    /// A simple font whose every glyph is 500 thousandths wide.
    fn measured_font(encoding: lopdf::Object) -> lopdf::Object {
        let widths: Vec<lopdf::Object> = (0..256).map(|_| 500.into()).collect();
        lopdf::Object::Dictionary(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Test-Bold",
            "FirstChar" => 0, "Widths" => widths, "Encoding" => encoding,
        })
    }

    fn only_texts(data: &[u8]) -> Vec<Vec<String>> {
        read(data, None).unwrap().pages[0]
            .rows
            .iter()
            .map(|row| row.iter().map(|run| run.text.clone()).collect())
            .collect()
    }

    #[test]
    fn to_unicode_maps_read_bfchar_and_bfrange() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar
            2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<00E9> <D83DDE00>] endbfrange
            endcmap CMapName currentdict /CMap defineresource pop end end";
        let map = parse_to_unicode(cmap);
        let at = |c: u32| map.get(&c).map(String::as_str);
        assert_eq!(
            (at(3), at(0x11), at(0x24), at(0x26), at(0x30), at(0x31)),
            (
                Some(" "),
                Some("fi"),
                Some("A"),
                Some("C"),
                Some("é"),
                Some("\u{1F600}")
            )
        );
        assert_eq!(at(0x27), None);
    }

    #[test]
    fn tj_kerning_gaps_are_spaces_and_pieces_of_a_word_join() {
        // "Hel" and "lo" kerned apart by 20/1000 em are one word; a 300/1000 gap is a space;
        // what the next operator draws right after it continues the run (its leading space
        // included), and text far along the line is a run of its own.
        let fonts = dictionary! { "F1" => measured_font("WinAnsiEncoding".into()) };
        let content = "BT /F1 10 Tf 72 700 Td [(Hel) -20 (lo) -300 (world)] TJ ( again) Tj ET \
                       BT /F1 10 Tf 300 700 Td (far) Tj ET";
        let pdf = one_page(content, fonts, dictionary! {});
        assert_eq!(only_texts(&pdf), vec![vec!["Hello world again", "far"]]);
        let run = &read(&pdf, None).unwrap().pages[0].rows[0][0];
        assert_eq!(
            (run.x, run.font_name.as_str(), run.font_style.as_deref()),
            (72.0, "Test", Some("Bold"))
        );
    }

    #[test]
    fn simple_font_differences_name_glyphs_without_a_to_unicode_map() {
        // An encoding dictionary without /Type, glyph names from the glyph list, uniXXXX and
        // a ligature name.
        let encoding = lopdf::Object::Dictionary(dictionary! {
            "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![
                65.into(),
                lopdf::Object::Name(b"eacute".to_vec()),
                lopdf::Object::Name(b"uni03A9".to_vec()),
                lopdf::Object::Name(b"f_i".to_vec()),
            ],
        });
        let fonts = dictionary! { "F1" => measured_font(encoding) };
        let pdf = one_page("BT /F1 12 Tf 72 700 Td (ABCD) Tj ET", fonts, dictionary! {});
        assert_eq!(only_texts(&pdf), vec![vec!["\u{e9}\u{3a9}fiD".to_string()]]);
    }

    #[test]
    fn text_in_form_xobjects_is_placed_through_the_ctm() {
        let fonts = dictionary! { "F1" => measured_font("WinAnsiEncoding".into()) };
        let form = lopdf::Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 0.into(), 20.into()],
            },
            b"BT /F1 10 Tf 0 0 Td (inside) Tj ET".to_vec(),
        );
        let xobjects = dictionary! { "Fm1" => lopdf::Object::Stream(form) };
        // Scaled by two and moved: the text lands at (100, 50 + 2 * 20) at size 20.
        let pdf = one_page("q 2 0 0 2 100 50 cm /Fm1 Do Q", fonts, xobjects);
        let doc = read(&pdf, None).unwrap();
        let run = &doc.pages[0].rows[0][0];
        assert_eq!(
            (run.text.as_str(), run.x, run.font_size),
            ("inside", 100.0, 20.0)
        );
        assert_eq!(run.y, 792.0 - 90.0 - 20.0 * 0.8);
    }

    #[test]
    fn text_that_no_map_can_read_is_refused_not_dropped() {
        // A CID font with Identity-H codes and no ToUnicode map.
        let descendant = lopdf::Object::Dictionary(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Mystery",
        });
        let fonts = dictionary! {
            "F1" => lopdf::Object::Dictionary(dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Mystery",
                "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant],
            }),
        };
        let pdf = one_page(
            "BT /F1 12 Tf 72 700 Td <00240025> Tj ET",
            fonts,
            dictionary! {},
        );
        match read(&pdf, None) {
            Err(PdfError::Unsupported(what)) => assert!(what.contains("page 1"), "{what}"),
            other => panic!("{other:?}"),
        }
        // The object layer still opens it (pdf/info, merges).
        assert_eq!(load(&pdf, None).unwrap().get_pages().len(), 1);
    }

    #[test]
    fn empty_compressed_content_is_an_empty_page_and_corrupt_content_is_refused() {
        let flate = |data: &[u8]| {
            lopdf::Stream::new(dictionary! { "Filter" => "FlateDecode" }, data.to_vec())
        };
        // zlib's encoding of nothing: a blank page, not a damaged one.
        let empty = flate(&[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        let doc = read(&one_page_with(empty, dictionary! {}, dictionary! {}), None).unwrap();
        assert!(doc.pages[0].rows.is_empty());
        for corrupt in [
            &b"not zlib"[..],
            b"this is not zlib data, nor anything else",
        ] {
            let pdf = one_page_with(flate(corrupt), dictionary! {}, dictionary! {});
            match read(&pdf, None) {
                Err(PdfError::Damaged(why)) => assert!(why.contains("page 1"), "{why}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn truncated_and_mangled_real_files_never_panic() {
        let files: [&[u8]; 3] = [
            include_bytes!("../../fixtures/real/qpdf-objstreams.pdf"),
            include_bytes!("../../fixtures/real/groff.pdf"),
            include_bytes!("../../fixtures/real/encrypted-aes-128.pdf"),
        ];
        for data in files {
            for cut in (0..data.len()).step_by(97) {
                let _ = read(&data[..cut], Some("open-sesame"));
            }
            let mut mangled = data.to_vec();
            for i in (0..mangled.len()).step_by(89) {
                mangled[i] = mangled[i].wrapping_mul(31).wrapping_add(7);
                let _ = read(&mangled, Some("open-sesame"));
            }
        }
    }
}
