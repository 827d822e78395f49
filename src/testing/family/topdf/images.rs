//! Images to PDF pages: their format and size read from their headers; JPEG and 8-bit grey
//! or RGB PNG drawn as they are (PDF takes a JPEG's data with `DCTDecode`, and a PNG's
//! compressed data with `FlateDecode` and PNG predictors).

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use super::super::super::edit::{self, Failure};
use super::super::super::write;

/// The largest page side PDF allows, in points.
const MAX_SIDE: f64 = 14400.0;

/// A PDF of `images` (name and bytes), a page each, in order, and its page count; 442 for
/// a file that is not an image.
pub(super) fn images_pdf(images: &[(String, Vec<u8>)]) -> Result<(Vec<u8>, u32), Failure> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mut kids = Vec::with_capacity(images.len());
    for (i, (name, data)) in images.iter().enumerate() {
        let Some((format, size)) = image_info(data) else {
            return Err(edit::damaged(&format!("{name} is not an image")));
        };
        let (width, height) = size.map_or(write::LETTER, |(w, h)| {
            let side = |v: u32| f64::from(v).clamp(1.0, MAX_SIDE);
            (side(w), side(h))
        });
        let mut operations = Vec::new();
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => font_id } };
        if let Some(image) = drawable(data) {
            let image_id = doc.add_object(image);
            resources.set("XObject", dictionary! { "Im1" => image_id });
            operations.extend([
                Operation::new("q", vec![]),
                Operation::new(
                    "cm",
                    vec![
                        width.into(),
                        0.into(),
                        0.into(),
                        height.into(),
                        0.into(),
                        0.into(),
                    ],
                ),
                Operation::new("Do", vec!["Im1".into()]),
                Operation::new("Q", vec![]),
            ]);
        }
        let size = size.map_or("size unknown".to_string(), |(w, h)| {
            format!("{w} x {h} pixels")
        });
        let lines = [
            format!("Image {}: {name}", i + 1),
            format!("{format}, {size}"),
        ];
        for (n, line) in lines.iter().enumerate() {
            let mut text = write::text_at(2.0, height - 10.0 * (n as f64 + 1.0), 8.0, line);
            // Invisible (rendering mode 3), as a scanned page's text layer is.
            text.insert(1, Operation::new("Tr", vec![3.into()]));
            operations.extend(text);
        }
        let content = Content { operations }.encode().unwrap_or_default();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), width.into(), height.into()],
            "Resources" => resources,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as u32;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => i64::from(count),
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| (500, format!("Internal server error: {e}")))?;
    Ok((out, count.max(1)))
}

/// An image XObject of a whole JPEG, or of an 8-bit grey or RGB PNG without interlacing, holding
/// the file's own compressed data; `None` for other images.
fn drawable(data: &[u8]) -> Option<Stream> {
    let image = |width: u32, height: u32, colors: &str| {
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => i64::from(width),
            "Height" => i64::from(height),
            "ColorSpace" => colors,
            "BitsPerComponent" => 8,
        }
    };
    if data.starts_with(b"\xff\xd8\xff") {
        // Only a JPEG with its scan (start-of-scan marker), not a header alone.
        if !data.windows(2).any(|w| w == [0xff, 0xda]) {
            return None;
        }
        let (width, height, components) = jpeg_frame(data)?;
        let colors = match components {
            1 => "DeviceGray",
            3 => "DeviceRGB",
            4 => "DeviceCMYK",
            _ => return None,
        };
        let mut dict = image(width, height, colors);
        dict.set("Filter", "DCTDecode");
        return Some(Stream::new(dict, data.to_vec()).with_compression(false));
    }
    let png = png_parts(data)?;
    let (colors, count) = match png.color_type {
        0 => ("DeviceGray", 1),
        2 => ("DeviceRGB", 3),
        _ => return None,
    };
    if png.depth != 8 || png.interlaced || png.data.is_empty() {
        return None;
    }
    let mut dict: Dictionary = image(png.width, png.height, colors);
    dict.set("Filter", "FlateDecode");
    dict.set(
        "DecodeParms",
        dictionary! {
            "Predictor" => 15,
            "Colors" => count,
            "BitsPerComponent" => 8,
            "Columns" => i64::from(png.width),
        },
    );
    Some(Stream::new(dict, png.data).with_compression(false))
}

/// What a PNG's chunks say.
struct Png {
    width: u32,
    height: u32,
    depth: u8,
    color_type: u8,
    interlaced: bool,
    /// The `IDAT` chunks' data, joined: one zlib stream.
    data: Vec<u8>,
}

fn png_parts(data: &[u8]) -> Option<Png> {
    let rest = data.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    let mut at = 0;
    let mut png: Option<Png> = None;
    while at + 8 <= rest.len() {
        let b = &rest[at..at + 4];
        let len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let kind = &rest[at + 4..at + 8];
        let body = rest.get(at + 8..(at + 8).checked_add(len)?)?;
        match kind {
            b"IHDR" if body.len() >= 13 => {
                png = Some(Png {
                    width: u32::from_be_bytes([body[0], body[1], body[2], body[3]]),
                    height: u32::from_be_bytes([body[4], body[5], body[6], body[7]]),
                    depth: body[8],
                    color_type: body[9],
                    interlaced: body[12] != 0,
                    data: Vec::new(),
                });
            }
            b"IDAT" => png.as_mut()?.data.extend_from_slice(body),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    png
}

/// An image's format and, where its header says, its size in pixels.
pub(super) fn image_info(data: &[u8]) -> Option<(&'static str, Option<(u32, u32)>)> {
    let be32 = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le16 = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 2)?;
        Some(u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("PNG", be32(16).zip(be32(20))));
    }
    if data.starts_with(b"\xff\xd8\xff") {
        let size = jpeg_frame(data).map(|(w, h, _)| (w, h));
        return Some(("JPEG", size));
    }
    if data.starts_with(b"GIF8") {
        return Some(("GIF", le16(6).zip(le16(8))));
    }
    if data.starts_with(b"BM") {
        let le32 = |at: usize| -> Option<u32> {
            let b = data.get(at..at + 4)?;
            Some(i32::from_le_bytes([b[0], b[1], b[2], b[3]]).unsigned_abs())
        };
        return Some(("BMP", le32(18).zip(le32(22))));
    }
    if data.starts_with(b"II*\0") || data.starts_with(b"MM\0*") {
        return Some(("TIFF", None));
    }
    if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP") {
        return Some(("WebP", None));
    }
    None
}

/// A JPEG's width, height and number of components, from its first start-of-frame marker.
fn jpeg_frame(data: &[u8]) -> Option<(u32, u32, u8)> {
    let mut at = 2;
    while at + 9 < data.len() {
        if data[at] != 0xff {
            return None;
        }
        let marker = data[at + 1];
        let len = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        if (0xc0..=0xcf).contains(&marker) && !matches!(marker, 0xc4 | 0xc8 | 0xcc) {
            let h = u16::from_be_bytes([data[at + 5], data[at + 6]]);
            let w = u16::from_be_bytes([data[at + 7], data[at + 8]]);
            return Some((u32::from(w), u32::from(h), data[at + 9]));
        }
        at += 2 + len;
    }
    None
}
