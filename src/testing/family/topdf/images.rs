//! Images: their format and size, read from their headers.

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
        return Some(("JPEG", jpeg_size(data)));
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

/// A JPEG's size, from its first start-of-frame marker.
fn jpeg_size(data: &[u8]) -> Option<(u32, u32)> {
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
            return Some((u32::from(w), u32::from(h)));
        }
        at += 2 + len;
    }
    None
}
