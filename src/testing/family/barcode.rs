//! The emulator's Barcodes (`barcode/generate`, `barcode/read/from/url`) and files
//! (`file/upload`, `file/upload/base64`, `file/upload/url`, `file/hash`; `file/delete` is
//! the API's own).
//!
//! Barcodes use the emulator's own symbology, not the real one of the type asked for: a
//! square-ish grid of dark and light modules (4 × 4 pixels each) inside a one-module dark
//! frame, a one-module light ring and a four-module quiet zone. Its bits, row by row, most
//! significant first, are the payload's length (32 bits), the payload (the type's name as
//! `barcode/generate` spells it, a zero byte, the value's UTF-8) and the payload's CRC-32.
//! `barcode/generate` draws it into an 8-bit greyscale PNG; `barcode/read/from/url` finds it
//! in a PNG, or in the images (`/XObject`s, 8-bit grey or RGB, Flate-compressed or not) of a
//! PDF's pages, and reports it only when its type is among `types`.
//!
//! What the emulator cannot reproduce, answered in PDF.co's documented shapes instead:
//! - Real symbologies: a QR code or Code 128 from PDF.co does not decode here, and the
//!   emulator's images do not scan with a real reader.
//! - `decorationImage` is checked to be an http(s) URL but not drawn; `inline` changes
//!   nothing (PDF.co does not document its inline answer).
//! - `RawData` is empty, `Type` repeats the name of `TypeName`, `Confidence` is always 1,
//!   and `Rect` is in the image's pixels (for a PDF, the embedded image's own pixels, not
//!   page coordinates).
//! - Images other than PNG (JPEG, TIFF...) hold no barcodes for the emulator.
//! - `permanent` files are kept like any other (for the emulator's lifetime).

use std::time::Instant;

use lopdf::{Dictionary, Object, Stream};
use serde_json::{Value, json};

use super::super::Core;
use super::super::api::{self, Params};
use super::super::edit::{self, Failure, Made};
use super::super::image;
use super::super::pdf;
use super::super::render::crc32;
use super::super::server::Reply;
use crate::Pages;
use crate::family::barcode::BarcodeType;

/// Pixels per module side.
const MODULE: usize = 4;
/// Light modules around the frame.
const QUIET: usize = 4;
/// The longest value drawn, in bytes.
const MAX_VALUE: usize = 4096;
/// The most pixels decoded from one image, so that a huge image cannot exhaust memory.
const MAX_PIXELS: u64 = 64 * 1024 * 1024;

/// Answers a request to one of this family's paths (`/v1/...`, `/v2/...`), or `None` for
/// another path.
pub(super) fn route(core: &Core, params: &Params, method: &str, path: &str) -> Option<Reply> {
    if !matches!(method, "GET" | "POST") {
        return None;
    }
    let reply = match path {
        "/v1/barcode/generate" => generate(core, params),
        "/v1/barcode/read/from/url" => read(core, params),
        "/v1/file/upload" if method == "POST" => upload_multipart(core, params),
        "/v1/file/upload/base64" if method == "POST" => upload_base64(core, params),
        "/v1/file/upload/url" => upload_url(core, params),
        "/v1/file/hash" => hash(core, params),
        _ => return None,
    };
    Some(reply)
}

fn missing(name: &str) -> Reply {
    api::api_error(
        400,
        &format!("Bad request: the {name} parameter is required"),
    )
}

/// `barcode/generate`: a PNG of the value in the emulator's symbology.
fn generate(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let Some(value) = params.get("value") else {
        return missing("value");
    };
    let wanted = params.get("type").unwrap_or("QRCode");
    let Some(name) = wanted
        .parse::<BarcodeType>()
        .ok()
        .and_then(BarcodeType::generate_name)
    else {
        return api::api_error(400, &format!("Invalid barcode type: {wanted}"));
    };
    if value.len() > MAX_VALUE {
        return api::api_error(400, "The barcode value is too long");
    }
    if let Some(image) = params.get("decorationimage") {
        if !(image.starts_with("http://") || image.starts_with("https://")) {
            return api::api_error(400, "Invalid decorationImage: expected an http(s) URL");
        }
    }
    let png = draw(name, value);
    let file = params.get("name").unwrap_or("barcode.png").to_string();
    edit::finish(
        core,
        params,
        started,
        &file,
        Ok(Made::file(png, "image/png", 1)),
    )
}

/// `barcode/read/from/url`: the emulator's barcodes in a PNG or a PDF's images.
fn read(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return missing("url");
    };
    let mut wanted = Vec::new();
    for name in params.get("types").unwrap_or("").split(',').map(str::trim) {
        if name.is_empty() {
            continue;
        }
        match name.parse::<BarcodeType>() {
            Ok(t) if t.read_name().is_some() => wanted.push(t),
            _ => return api::api_error(400, &format!("Invalid barcode type: {name}")),
        }
    }
    let pages = match Pages::parse(params.get("pages").unwrap_or("")) {
        Ok(p) => p,
        Err(e) => return api::api_error(400, &format!("Invalid page range: {e}")),
    };
    let (data, file) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let made = find(&data, params.get("password"), &pages).map(|(found, count)| {
        let barcodes: Vec<Value> = found
            .into_iter()
            .filter_map(|(page, symbol)| {
                let t = symbol.kind.parse::<BarcodeType>().ok()?;
                if !wanted.is_empty() && !wanted.contains(&t) {
                    return None;
                }
                let type_name = t.read_name().unwrap_or(t.name());
                Some(json!({
                    "Value": symbol.value,
                    "RawData": "",
                    "Type": type_name,
                    "Rect": format!(
                        "{{X={},Y={},Width={},Height={}}}",
                        symbol.rect[0], symbol.rect[1], symbol.rect[2], symbol.rect[3]
                    ),
                    "Page": page,
                    "File": file,
                    "Confidence": 1,
                    "TypeName": type_name,
                }))
            })
            .collect();
        let mut made = Made::data("barcodes", Value::Array(barcodes), count);
        made.fields.insert("pageCount".into(), count.into());
        made.file = serde_json::to_vec(&made.fields).unwrap_or_default();
        made
    });
    drop(data);
    let stem = file.rsplit_once('.').map_or(file.as_str(), |(s, _)| s);
    let name = match params.get("name") {
        Some(name) => name.to_string(),
        None if stem.is_empty() => "result.json".to_string(),
        None => format!("{stem}.json"),
    };
    edit::finish(core, params, started, &name, made)
}

/// Stores `bytes` as a result of its own, answered at once with its `url`.
fn store(core: &Core, params: &Params, name: &str, bytes: Vec<u8>) -> Reply {
    let started = Instant::now();
    let content_type = match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if e == "pdf" => "application/pdf",
        Some(e) if e == "png" => "image/png",
        Some(e) if e == "json" => "application/json",
        Some(e) if e == "txt" => "text/plain",
        _ => "application/octet-stream",
    };
    edit::finish(
        core,
        params,
        started,
        name,
        Ok(Made::file(bytes, content_type, 1)),
    )
}

/// `file/upload`: the multipart body's `file` part.
fn upload_multipart(core: &Core, params: &Params) -> Reply {
    let Some(file) = params.part("file").filter(|f| !f.is_empty()) else {
        return missing("file");
    };
    let name = params.get("name").unwrap_or("upload.bin").to_string();
    store(core, params, &name, file.to_vec())
}

/// `file/upload/base64`: `file` is base64, or a `data:` URI holding base64.
fn upload_base64(core: &Core, params: &Params) -> Reply {
    let Some(file) = params.get("file") else {
        return missing("file");
    };
    let (mime, payload) = match file.strip_prefix("data:").and_then(|r| r.split_once(',')) {
        Some((head, payload)) => match head.strip_suffix(";base64") {
            Some(mime) => (Some(mime), payload),
            None => return api::api_error(400, "Invalid file: expected a base64 data URI"),
        },
        None => (None, file),
    };
    let Some(bytes) = crate::base64::decode(payload) else {
        return api::api_error(400, "Invalid file: not base64");
    };
    let name = match (params.get("name"), mime) {
        (Some(name), _) => name.to_string(),
        (None, Some("application/pdf")) => "uploadfile.pdf".to_string(),
        (None, Some("image/png")) => "uploadfile.png".to_string(),
        (None, Some(m)) if m.starts_with("text/") => "uploadfile.txt".to_string(),
        (None, _) => "uploadfile.bin".to_string(),
    };
    store(core, params, &name, bytes)
}

/// `file/upload/url`: a copy of the file at `url`.
fn upload_url(core: &Core, params: &Params) -> Reply {
    let Some(input) = params.get("url") else {
        return missing("url");
    };
    match api::fetch_input(core, input, params) {
        Ok((bytes, found)) => {
            let name = params.get("name").map(str::to_string).unwrap_or(found);
            let name = if name.is_empty() {
                "file".to_string()
            } else {
                name
            };
            store(core, params, &name, bytes)
        }
        Err((code, message)) => api::api_error(code, &message),
    }
}

/// `file/hash`: the SHA-256 of the file at `url`, in lowercase hex.
fn hash(core: &Core, params: &Params) -> Reply {
    let started = Instant::now();
    let Some(input) = params.get("url") else {
        return missing("url");
    };
    let (data, _) = match api::fetch_input(core, input, params) {
        Ok(found) => found,
        Err((code, message)) => return api::api_error(code, &message),
    };
    let mut digest = crate::hash::Sha256::new();
    digest.update(&data);
    let made = Made::data("hash", Value::from(digest.hex()), 1);
    edit::finish(core, params, started, "hash.json", Ok(made))
}

/// An image as 8-bit greys, row by row.
struct Grey {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Grey {
    fn dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.height && self.pixels[y * self.width + x] < 128
    }
}

/// One symbol found: its type's name, its value and where it is (x, y, width, height).
struct Symbol {
    kind: String,
    value: String,
    rect: [usize; 4],
}

/// The payload's bits with their length before and CRC-32 after.
fn bits_of(kind: &str, value: &str) -> Vec<bool> {
    let mut payload = kind.as_bytes().to_vec();
    payload.push(0);
    payload.extend_from_slice(value.as_bytes());
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(&payload);
    bytes.extend_from_slice(&crc32(&payload).to_be_bytes());
    bytes
        .iter()
        .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
        .collect()
}

/// The symbol of `value` as a greyscale PNG.
fn draw(kind: &str, value: &str) -> Vec<u8> {
    let bits = bits_of(kind, value);
    let columns = (bits.len() as f64).sqrt().ceil().max(8.0) as usize;
    let rows = bits.len().div_ceil(columns);
    let side = |n: usize| (n + 2 * (QUIET + 2)) * MODULE;
    let (width, height) = (side(columns), side(rows));
    let mut pixels = vec![255u8; width * height];
    let mut fill = |mx: usize, my: usize| {
        for y in my * MODULE..(my + 1) * MODULE {
            pixels[y * width + mx * MODULE..y * width + (mx + 1) * MODULE].fill(0);
        }
    };
    // The frame: its modules run from QUIET to QUIET + columns + 3.
    let (last_x, last_y) = (QUIET + columns + 3, QUIET + rows + 3);
    for mx in QUIET..=last_x {
        fill(mx, QUIET);
        fill(mx, last_y);
    }
    for my in QUIET..=last_y {
        fill(QUIET, my);
        fill(last_x, my);
    }
    for (i, _) in bits.iter().enumerate().filter(|(_, bit)| **bit) {
        fill(QUIET + 2 + i % columns, QUIET + 2 + i / columns);
    }
    image::grey_png(width as u32, height as u32, &pixels)
}

/// Finds the emulator's symbol in an image: the frame's top-left corner is the first dark
/// pixel, the module size the run of dark pixels down its diagonal.
fn decode(image: &Grey) -> Option<Symbol> {
    let first = image.pixels.iter().position(|p| *p < 128)?;
    let (x0, y0) = (first % image.width, first / image.width);
    let module = (0..).take_while(|i| image.dark(x0 + i, y0 + i)).count();
    let across = (0..).take_while(|i| image.dark(x0 + i, y0)).count();
    let down = (0..).take_while(|i| image.dark(x0, y0 + i)).count();
    if module == 0 || across < 12 * module || down < 5 * module {
        return None;
    }
    let columns = (across / module).checked_sub(4)?;
    let rows = (down / module).checked_sub(4)?;
    let bit = |i: usize| {
        let (c, r) = (i % columns, i / columns);
        image.dark(
            x0 + (c + 2) * module + module / 2,
            y0 + (r + 2) * module + module / 2,
        )
    };
    let byte = |at: usize| (0..8).fold(0u8, |b, i| b << 1 | u8::from(bit(at * 8 + i)));
    let capacity = columns * rows / 8;
    let len = u32::from_be_bytes([byte(0), byte(1), byte(2), byte(3)]) as usize;
    if len + 8 > capacity {
        return None;
    }
    let payload: Vec<u8> = (4..4 + len).map(byte).collect();
    let crc = u32::from_be_bytes([0, 1, 2, 3].map(|i| byte(4 + len + i)));
    if crc != crc32(&payload) {
        return None;
    }
    let split = payload.iter().position(|b| *b == 0)?;
    Some(Symbol {
        kind: String::from_utf8(payload[..split].to_vec()).ok()?,
        value: String::from_utf8(payload[split + 1..].to_vec()).ok()?,
        rect: [x0, y0, across, down],
    })
}

/// The symbols in a PNG or a PDF (with the page each is on) and the pages read.
fn find(
    data: &[u8],
    password: Option<&str>,
    pages: &Pages,
) -> Result<(Vec<(u32, Symbol)>, u32), Failure> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        let image = read_png(data).ok_or_else(|| edit::damaged("unreadable PNG"))?;
        let found = decode(&image).map(|s| (0, s)).into_iter().collect();
        return Ok((found, 1));
    }
    if !pdf::is_pdf(data) {
        let image = [&b"\xff\xd8\xff"[..], b"GIF8", b"BM", b"II*\0", b"MM\0*"];
        if image.iter().any(|m| data.starts_with(m)) {
            return Ok((Vec::new(), 1));
        }
        return Err(edit::damaged("not a PDF or an image"));
    }
    let doc = edit::open(data, password)?;
    let page_ids = doc.get_pages();
    let indexes = pages
        .resolve(page_ids.len() as u32)
        .map_err(|e| (400, format!("Invalid page range: {e}")))?;
    let mut found = Vec::new();
    for &index in &indexes {
        let Some(&id) = page_ids.get(&(index + 1)) else {
            continue;
        };
        for image in doc.get_page_images(id).unwrap_or_default() {
            let stream = Stream::new(image.origin_dict.clone(), image.content.to_vec());
            if let Some(symbol) = pdf_image(&stream).as_ref().and_then(decode) {
                found.push((index, symbol));
            }
        }
    }
    Ok((found, indexes.len() as u32))
}

/// An 8-bit grey or RGB image XObject as greys, or `None` for another kind.
fn pdf_image(stream: &Stream) -> Option<Grey> {
    let dict: &Dictionary = &stream.dict;
    let number = |key: &[u8]| dict.get(key).ok().and_then(|o| o.as_i64().ok());
    let (width, height) = (number(b"Width")?, number(b"Height")?);
    if number(b"BitsPerComponent") != Some(8) {
        return None;
    }
    let channels = match dict.get(b"ColorSpace").ok()? {
        Object::Name(name) if name == b"DeviceGray" => 1,
        Object::Name(name) if name == b"DeviceRGB" => 3,
        _ => return None,
    };
    let data = stream.decompressed_content().ok()?;
    to_grey(width, height, channels, false, &data)
}

/// Samples of `channels` per pixel (a last one for alpha when `alpha`) as greys over white.
fn to_grey(width: i64, height: i64, channels: usize, alpha: bool, data: &[u8]) -> Option<Grey> {
    let (width, height) = (usize::try_from(width).ok()?, usize::try_from(height).ok()?);
    if width == 0 || height == 0 || (width as u64) * (height as u64) > MAX_PIXELS {
        return None;
    }
    let needed = width.checked_mul(height)?.checked_mul(channels)?;
    let data = data.get(..needed)?;
    let colours = if alpha { channels - 1 } else { channels };
    let pixels = data
        .chunks(channels)
        .map(|p| {
            let grey = p[..colours].iter().map(|v| u32::from(*v)).sum::<u32>() / colours as u32;
            match alpha {
                true => {
                    let a = u32::from(p[colours]);
                    ((grey * a + 255 * (255 - a)) / 255) as u8
                }
                false => grey as u8,
            }
        })
        .collect();
    Some(Grey {
        width,
        height,
        pixels,
    })
}

/// A non-interlaced 8-bit PNG (grey, RGB, palette, with or without alpha) as greys. Its
/// image data is inflated and unfiltered by lopdf, as the PNG predictor of a PDF stream.
fn read_png(data: &[u8]) -> Option<Grey> {
    let mut at = 8;
    let (mut header, mut palette, mut zlib) = (None, Vec::new(), Vec::new());
    while at + 12 <= data.len() {
        let len = u32::from_be_bytes(data[at..at + 4].try_into().ok()?) as usize;
        let kind = &data[at + 4..at + 8];
        let body = data.get(at + 8..at + 8 + len)?;
        match kind {
            b"IHDR" if len >= 13 => header = Some(body.to_vec()),
            b"PLTE" => palette = body.to_vec(),
            b"IDAT" => zlib.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let header = header?;
    let width = u32::from_be_bytes(header[0..4].try_into().ok()?);
    let height = u32::from_be_bytes(header[4..8].try_into().ok()?);
    let (depth, colour, interlace) = (header[8], header[9], header[12]);
    if depth != 8 || interlace != 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return None;
    }
    let channels: i64 = match colour {
        0 | 3 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => return None,
    };
    let params = Dictionary::from_iter([
        ("Predictor", Object::Integer(15)),
        ("Colors", Object::Integer(channels)),
        ("BitsPerComponent", Object::Integer(8)),
        ("Columns", Object::Integer(i64::from(width))),
    ]);
    let dict = Dictionary::from_iter([
        ("Filter", Object::Name(b"FlateDecode".to_vec())),
        ("DecodeParms", Object::Dictionary(params)),
    ]);
    let samples = Stream::new(dict, zlib).decompressed_content().ok()?;
    let (w, h) = (i64::from(width), i64::from(height));
    match colour {
        3 => {
            let rgb: Option<Vec<u8>> = samples
                .iter()
                .flat_map(|&i| (0..3).map(move |c| usize::from(i) * 3 + c))
                .map(|at| palette.get(at).copied())
                .collect();
            to_grey(w, h, 3, false, &rgb?)
        }
        4 | 6 => to_grey(w, h, channels as usize, true, &samples),
        _ => to_grey(w, h, channels as usize, false, &samples),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawn_symbol_decodes_back() {
        for value in ["", "x", "ünïcode ✓", &"long value ".repeat(100)] {
            let png = draw("QRCode", value);
            let image = read_png(&png).expect("the PNG reads back");
            let symbol = decode(&image).expect("the symbol decodes");
            assert_eq!(
                (symbol.kind.as_str(), symbol.value.as_str()),
                ("QRCode", value)
            );
            assert_eq!(symbol.rect[0], QUIET * MODULE);
        }
    }

    #[test]
    fn a_damaged_symbol_does_not_decode() {
        let png = draw("QRCode", "value");
        let mut image = read_png(&png).unwrap();
        // Invert one module's worth of pixels in the middle: one data module's centre.
        let (x, y) = (image.width / 2, image.height / 2);
        for dy in 0..MODULE {
            for dx in 0..MODULE {
                let at = (y - MODULE / 2 + dy) * image.width + x - MODULE / 2 + dx;
                image.pixels[at] = 255 - image.pixels[at];
            }
        }
        assert!(decode(&image).is_none());
        let blank = Grey {
            width: 10,
            height: 10,
            pixels: vec![255; 100],
        };
        assert!(decode(&blank).is_none());
    }
}
