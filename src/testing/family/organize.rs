//! The emulator's split, compress and optimize (`pdf/split`, `pdf/split2`,
//! `/v2/pdf/compress`, `pdf/optimize`) and security (`pdf/security/add`,
//! `pdf/security/remove`); `pdf/merge` and `pdf/merge2` are answered by the emulator's
//! `edit.rs`. Real PDFs are read and written with lopdf, and answered synchronously or as
//! jobs through the same machinery as the rest of the emulator.
//!
//! - `pdf/split`: one real PDF per 1-based range of `pages` (`*` one per page, `!1` the last
//!   page), each holding exactly that range's pages; a range past the end is 450.
//! - `pdf/split2`: splits at each page whose text holds `searchString` (case-insensitive
//!   unless `caseSensitive`), leaving those key pages out unless `excludeKeyPages` is false.
//! - `/v2/pdf/compress` and `pdf/optimize`: a valid PDF with every stream Flate-compressed
//!   and unused objects dropped, its `fileSize` in the answer; `config` must be a JSON object
//!   (400 otherwise).
//! - `pdf/security/add`: a real encrypted PDF (RC4 40 and 128 bit, AES 128 and 256 bit) with
//!   the owner and user passwords and the permissions asked for, which lopdf and qpdf open with
//!   either password; `pdf/security/remove` decrypts with `password` (441 without).
//!
//! Not reproduced offline:
//! - `pdf/split2`'s `regexSearch`: the search string is matched as plain text.
//! - `pdf/split2`'s barcode syntax (`[[barcode:...]]`): the emulator reads no barcodes from
//!   pages, so nothing matches and the answer is one part holding every page.
//! - `pdf/split2`'s `lang` (OCR of scanned pages): only the pages' text is searched.
//! - A document encrypted with RC4 40-bit (revision 2) opens from its user password, but
//!   lopdf 0.42, which the emulator reads with, decrypts it wrongly from its owner password
//!   (qpdf and poppler open it with either).
//! - `/v2/pdf/compress`'s image settings and `pdf/optimize`'s `profiles`: images are not
//!   downsampled or recompressed; only the streams are compressed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use lopdf::encryption::crypt_filters::{Aes128CryptFilter, Aes256CryptFilter, CryptFilter};
use lopdf::{Document, EncryptionState, EncryptionVersion, Object, Permissions, StringFormat};
use serde_json::Value;

use super::super::Core;
use super::super::api::{self, Params};
use super::super::crypto::md5;
use super::super::edit::{self, Failure, Made};
use super::super::pdf;
use super::super::server::Reply;

/// The endpoints of this file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Split,
    SplitBySearch,
    Compress,
    Optimize,
    Protect,
    Unprotect,
}

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    if !matches!(method, "GET" | "POST") {
        return None;
    }
    let op = match path {
        "/v1/pdf/split" => Op::Split,
        "/v1/pdf/split2" => Op::SplitBySearch,
        "/v2/pdf/compress" => Op::Compress,
        "/v1/pdf/optimize" => Op::Optimize,
        "/v1/pdf/security/add" => Op::Protect,
        "/v1/pdf/security/remove" => Op::Unprotect,
        _ => return None,
    };
    Some(answer(core, params, op))
}

fn bad_request(message: &str) -> Reply {
    api::api_error(400, &format!("Bad request: {message}"))
}

fn answer(core: &Core, params: &Params, op: Op) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return bad_request("the url parameter is required");
    };
    // What each endpoint requires, checked before the input is fetched.
    match op {
        Op::Split if params.get("pages").is_none() => {
            return bad_request("the pages parameter is required");
        }
        Op::SplitBySearch if params.get("searchstring").is_none() => {
            return bad_request("the searchString parameter is required");
        }
        Op::Compress => {
            if let Err(message) = compress_config(params) {
                return bad_request(&message);
            }
        }
        Op::Protect => {
            if let Err(message) = security_of(params) {
                return bad_request(&message);
            }
        }
        _ => {}
    }
    let (data, input_name) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let stem = params
        .get("name")
        .unwrap_or(&input_name)
        .rsplit_once('.')
        .map_or(input_name.as_str(), |(stem, _)| stem)
        .to_string();
    let stem = if stem.is_empty() {
        "result".to_string()
    } else {
        stem
    };
    let password = params.get("password");
    let made = match op {
        Op::Split => split(&data, password, params.get("pages").unwrap_or(""), &stem),
        Op::SplitBySearch => split_by_search(&data, password, params, &stem),
        Op::Compress | Op::Optimize => compress(&data, password),
        Op::Protect => protect(core, &data, password, params),
        Op::Unprotect => unprotect(&data, password),
    };
    drop(data);
    let name = params
        .get("name")
        .map_or_else(|| format!("{stem}.pdf"), str::to_string);
    edit::finish(core, params, started, &name, made)
}

/// The pages of `doc` numbered in `keep` (from 1, in order), as a PDF of their own.
fn part_of(doc: &Document, keep: &[u32]) -> Result<Vec<u8>, Failure> {
    let mut part = doc.clone();
    let count = u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX);
    let drop: Vec<u32> = (1..=count).filter(|n| !keep.contains(n)).collect();
    part.delete_pages(&drop);
    part.prune_objects();
    save(&mut part)
}

fn save(doc: &mut Document) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| (500, format!("Cannot write the document: {e}")))?;
    Ok(bytes)
}

fn page_count(doc: &Document) -> u32 {
    u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX)
}

/// 1-based ranges (`1-2,3-`, `!1`, `*`) resolved against `count` pages: each range's first
/// and last page, and its text for the part's name.
fn ranges(text: &str, count: u32) -> Result<Vec<(u32, u32, String)>, Failure> {
    let invalid = |why: String| (450, format!("Invalid page range `{text}`: {why}"));
    let text = text.trim();
    if text == "*" {
        return Ok((1..=count).map(|n| (n, n, n.to_string())).collect());
    }
    let page = |s: &str| -> Result<u32, Failure> {
        let s = s.trim();
        let (from_end, digits) = match s.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let n: u32 = digits
            .parse()
            .map_err(|_| invalid(format!("`{s}` is not a page number")))?;
        if n == 0 || n > count {
            return Err(invalid(format!(
                "page `{s}` is out of range for a document of {count} pages (the first is 1)"
            )));
        }
        Ok(if from_end { count - n + 1 } else { n })
    };
    let mut out = Vec::new();
    for item in text.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(invalid("empty range".into()));
        }
        let (first, last) = match item.split_once('-') {
            None => {
                let n = page(item)?;
                (n, n)
            }
            Some((a, b)) if b.trim().is_empty() => (page(a)?, count),
            Some((a, b)) => (page(a)?, page(b)?),
        };
        if first > last {
            return Err(invalid(format!("range `{item}` runs backwards")));
        }
        out.push((first, last, item.to_string()));
    }
    Ok(out)
}

/// `pdf/split`: one PDF per range.
fn split(data: &[u8], password: Option<&str>, pages: &str, stem: &str) -> Result<Made, Failure> {
    let doc = edit::open(data, password)?;
    let count = page_count(&doc);
    let mut parts = Vec::new();
    for (first, last, item) in ranges(pages, count)? {
        let keep: Vec<u32> = (first..=last).collect();
        let name = format!("{stem}_page{}.pdf", item.replace(['!', ' '], ""));
        parts.push((name, "application/pdf", part_of(&doc, &keep)?));
    }
    Ok(Made::parts(parts, count))
}

/// `pdf/split2`: a new part at each page whose text holds the search string.
fn split_by_search(
    data: &[u8],
    password: Option<&str>,
    params: &Params,
    stem: &str,
) -> Result<Made, Failure> {
    let mut doc = edit::open(data, password)?;
    let count = page_count(&doc);
    let search = params.get("searchstring").unwrap_or("");
    let case_sensitive = params.flag("casesensitive");
    let exclude = params
        .get("excludekeypages")
        .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    // Barcode searches match nothing here: the emulator reads no barcodes from pages.
    let barcode = search.trim_start().starts_with("[[barcode:");
    let key_pages: Vec<bool> = if barcode {
        vec![false; count as usize]
    } else {
        // The decrypted document, read by the emulator's own reader.
        doc.encryption_state = None;
        let plain = save(&mut doc)?;
        let read = pdf::read(&plain, None).map_err(|e| edit::damaged(&format!("{e:?}")))?;
        let fold = |s: &str| {
            if case_sensitive {
                s.to_string()
            } else {
                s.to_lowercase()
            }
        };
        let needle = fold(search);
        read.pages
            .iter()
            .map(|page| {
                let text: Vec<String> = page
                    .rows
                    .iter()
                    .map(|row| {
                        let runs: Vec<&str> = row.iter().map(|r| r.text.as_str()).collect();
                        runs.join(" ")
                    })
                    .collect();
                fold(&text.join("\n")).contains(&needle)
            })
            .collect()
    };
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    for n in 1..=count {
        let key = key_pages.get(n as usize - 1).copied().unwrap_or(false);
        if key {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
            if exclude {
                continue;
            }
        }
        current.push(n);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    let mut parts = Vec::new();
    for (i, keep) in groups.iter().enumerate() {
        let name = format!("{stem}_{}.pdf", i + 1);
        parts.push((name, "application/pdf", part_of(&doc, keep)?));
    }
    if parts.is_empty() {
        return Err((
            400,
            "Bad request: every page matched, nothing is left".into(),
        ));
    }
    Ok(Made::parts(parts, count))
}

/// `/v2/pdf/compress`'s `config`: absent, or a JSON object (sent as one, or as its text).
fn compress_config(params: &Params) -> Result<Option<Value>, String> {
    let Some(text) = params.get("config") else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(Some(value)),
        _ => Err("config must be a JSON object".into()),
    }
}

/// `/v2/pdf/compress` and `pdf/optimize`: every stream compressed, unused objects dropped.
fn compress(data: &[u8], password: Option<&str>) -> Result<Made, Failure> {
    let mut doc = edit::open(data, password)?;
    let count = page_count(&doc);
    doc.encryption_state = None;
    doc.compress();
    doc.delete_zero_length_streams();
    doc.prune_objects();
    doc.renumber_objects();
    let bytes = save(&mut doc)?;
    let size = bytes.len();
    let mut made = Made::file(bytes, "application/pdf", count);
    made.fields.insert("fileSize".into(), Value::from(size));
    Ok(made)
}

/// What `pdf/security/add` was asked for.
struct Security {
    owner: String,
    user: String,
    algorithm: &'static str,
    permissions: Permissions,
}

fn security_of(params: &Params) -> Result<Security, String> {
    let owner = params.get("ownerpassword").unwrap_or("");
    let user = params.get("userpassword").unwrap_or("");
    if owner.is_empty() && user.is_empty() {
        return Err("the ownerPassword parameter is required".into());
    }
    let algorithm = match params.get("encryptionalgorithm").unwrap_or("AES_128bit") {
        a if a.eq_ignore_ascii_case("AES_128bit") => "AES_128bit",
        a if a.eq_ignore_ascii_case("AES_256bit") => "AES_256bit",
        a if a.eq_ignore_ascii_case("RC4_40bit") => "RC4_40bit",
        a if a.eq_ignore_ascii_case("RC4_128bit") => "RC4_128bit",
        _ => {
            return Err(
                "encryptionAlgorithm must be AES_128bit, AES_256bit, RC4_40bit or RC4_128bit"
                    .into(),
            );
        }
    };
    let high = match params.get("printquality").unwrap_or("LowResolution") {
        q if q.eq_ignore_ascii_case("LowResolution") => false,
        q if q.eq_ignore_ascii_case("HighResolution") => true,
        _ => return Err("printQuality must be LowResolution or HighResolution".into()),
    };
    // Every permission is allowed unless set to false.
    let allowed = |name: &str| {
        params
            .get(name)
            .is_none_or(|v| !v.eq_ignore_ascii_case("false"))
    };
    let mut permissions = Permissions::empty();
    for (name, flag) in [
        ("allowprintdocument", Permissions::PRINTABLE),
        ("allowmodifydocument", Permissions::MODIFIABLE),
        ("allowcontentextraction", Permissions::COPYABLE),
        ("allowmodifyannotations", Permissions::ANNOTABLE),
        ("allowfillforms", Permissions::FILLABLE),
        (
            "allowaccessibilitysupport",
            Permissions::COPYABLE_FOR_ACCESSIBILITY,
        ),
        ("allowassemblydocument", Permissions::ASSEMBLABLE),
    ] {
        if allowed(name) {
            permissions |= flag;
        }
    }
    if high && permissions.contains(Permissions::PRINTABLE) {
        permissions |= Permissions::PRINTABLE_IN_HIGH_QUALITY;
    }
    Ok(Security {
        owner: if owner.is_empty() { user } else { owner }.to_string(),
        user: user.to_string(),
        algorithm,
        permissions,
    })
}

/// `pdf/security/add`: the document encrypted with the standard security handler.
fn protect(
    core: &Core,
    data: &[u8],
    password: Option<&str>,
    params: &Params,
) -> Result<Made, Failure> {
    let security = security_of(params).map_err(|m| (400, format!("Bad request: {m}")))?;
    let mut doc = edit::open(data, password)?;
    let count = page_count(&doc);
    doc.encryption_state = None;
    // The file identifier the encryption key depends on.
    let seed = core.new_id();
    let id = md5(format!("pdfco emulator file id {seed}").as_bytes()).to_vec();
    let id_string = || Object::String(id.clone(), StringFormat::Hexadecimal);
    doc.trailer
        .set("ID", Object::Array(vec![id_string(), id_string()]));
    let (owner, user) = (security.owner.as_str(), security.user.as_str());
    let permissions = security.permissions;
    let standard = |filter: Arc<dyn CryptFilter>| {
        (
            BTreeMap::from([(b"StdCF".to_vec(), filter)]),
            b"StdCF".to_vec(),
        )
    };
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(&md5(format!("pdfco emulator key a {seed}").as_bytes()));
    key[16..].copy_from_slice(&md5(format!("pdfco emulator key b {seed}").as_bytes()));
    let version = match security.algorithm {
        "RC4_40bit" => EncryptionVersion::V1 {
            document: &doc,
            owner_password: owner,
            user_password: user,
            permissions,
        },
        "RC4_128bit" => EncryptionVersion::V2 {
            document: &doc,
            owner_password: owner,
            user_password: user,
            key_length: 128,
            permissions,
        },
        "AES_256bit" => {
            let (crypt_filters, name) = standard(Arc::new(Aes256CryptFilter));
            EncryptionVersion::V5 {
                encrypt_metadata: true,
                crypt_filters,
                file_encryption_key: &key,
                stream_filter: name.clone(),
                string_filter: name,
                owner_password: owner,
                user_password: user,
                permissions,
            }
        }
        _ => {
            let (crypt_filters, name) = standard(Arc::new(Aes128CryptFilter));
            EncryptionVersion::V4 {
                document: &doc,
                encrypt_metadata: true,
                crypt_filters,
                stream_filter: name.clone(),
                string_filter: name,
                owner_password: owner,
                user_password: user,
                permissions,
            }
        }
    };
    let cannot = |e: lopdf::Error| (500, format!("Cannot encrypt the document: {e}"));
    let state = EncryptionState::try_from(version).map_err(cannot)?;
    doc.encrypt(&state).map_err(cannot)?;
    if security.algorithm.starts_with("AES") {
        complete_aes_dictionary(&mut doc, security.algorithm == "AES_256bit");
    }
    let bytes = save(&mut doc)?;
    Ok(Made::file(bytes, "application/pdf", count))
}

/// Adds what lopdf leaves out of an AES encryption dictionary and some readers need to find
/// the key's length (poppler reads an AES-256 file as garbage without them): `Length` in
/// bits, and the crypt filter's `Length` in bytes and `AuthEvent`; and the PDF version AES
/// needs.
fn complete_aes_dictionary(doc: &mut Document, aes_256: bool) {
    let (bits, version) = if aes_256 { (256, "2.0") } else { (128, "1.6") };
    doc.version = version.to_string();
    let Ok(id) = doc.trailer.get(b"Encrypt").and_then(Object::as_reference) else {
        return;
    };
    let Ok(dict) = doc.get_dictionary_mut(id) else {
        return;
    };
    dict.set("Length", bits);
    if let Ok(filters) = dict.get_mut(b"CF").and_then(Object::as_dict_mut) {
        for (_, filter) in filters.iter_mut() {
            if let Ok(filter) = filter.as_dict_mut() {
                filter.set("Length", bits / 8);
                filter.set("AuthEvent", Object::Name(b"DocOpen".to_vec()));
            }
        }
    }
}

/// `pdf/security/remove`: the document decrypted with `password` (or none, for a document
/// with only an owner password).
fn unprotect(data: &[u8], password: Option<&str>) -> Result<Made, Failure> {
    let mut doc = edit::open(data, password)?;
    let count = page_count(&doc);
    doc.encryption_state = None;
    let bytes = save(&mut doc)?;
    Ok(Made::file(bytes, "application/pdf", count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_from_one() {
        let got = |text: &str| {
            ranges(text, 4).map(|r| r.into_iter().map(|(a, b, _)| (a, b)).collect::<Vec<_>>())
        };
        assert_eq!(got("1-2,3-").unwrap(), [(1, 2), (3, 4)]);
        assert_eq!(got("*").unwrap(), [(1, 1), (2, 2), (3, 3), (4, 4)]);
        assert_eq!(got("!1,1-!2").unwrap(), [(4, 4), (1, 3)]);
        for bad in ["0", "5", "3-2", "x", "1,,2", "!5"] {
            assert_eq!(got(bad).unwrap_err().0, 450, "{bad}");
        }
    }
}
