//! The emulator's page images: real, decodable PNG, JPEG, WebP and TIFF files, one pixel per
//! point. PNG and TIFF show each text run as a grey box on a white page; the JPEG and WebP
//! encoders here only write a uniform white page, which keeps them a few lines long.

use super::pdf::Page;
use super::render::crc32;

/// A page as 8-bit greys, row by row: white, with a grey box where each text run is.
pub(crate) struct Raster {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) pixels: Vec<u8>,
}

/// The largest side drawn, so that a huge page size in a PDF cannot exhaust memory.
const MAX_SIDE: f64 = 4000.0;

/// The size in pixels of `page`, one pixel per point, at least 1 and at most [`MAX_SIDE`].
fn size_of(page: &Page) -> (u32, u32) {
    let side = |v: f64| {
        if v.is_finite() {
            v.round().clamp(1.0, MAX_SIDE) as u32
        } else {
            1
        }
    };
    (side(page.width), side(page.height))
}

impl Raster {
    pub(crate) fn of(page: &Page) -> Raster {
        let (width, height) = size_of(page);
        let mut pixels = vec![255u8; width as usize * height as usize];
        for run in page.rows.iter().flatten() {
            let clamp_x = |v: f64| (v.max(0.0) as u32).min(width);
            let clamp_y = |v: f64| (v.max(0.0) as u32).min(height);
            let (x0, x1) = (clamp_x(run.x), clamp_x(run.x + run.width));
            let (y0, y1) = (clamp_y(run.y), clamp_y(run.y + run.height));
            for y in y0..y1 {
                let row = y as usize * width as usize;
                pixels[row + x0 as usize..row + x1 as usize].fill(0x60);
            }
        }
        Raster {
            width,
            height,
            pixels,
        }
    }
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let mut blocks = data.chunks(65535).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        out.push(u8::from(blocks.peek().is_none()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// An 8-bit greyscale PNG of the page.
pub(crate) fn png(page: &Page) -> Vec<u8> {
    let raster = Raster::of(page);
    grey_png(raster.width, raster.height, &raster.pixels)
}

/// An 8-bit greyscale PNG of `pixels` (`width` a row), in stored deflate blocks.
pub(crate) fn grey_png(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    let mut scanlines = Vec::with_capacity(pixels.len() + height as usize);
    for row in pixels.chunks(width.max(1) as usize) {
        scanlines.push(0); // filter: none
        scanlines.extend_from_slice(row);
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey, deflate, no interlace
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &zlib_stored(&scanlines));
    chunk(b"IEND", &[]);
    out
}

/// Writes bits most significant first, stuffing a zero byte after each 0xFF as JPEG's
/// entropy-coded data requires.
struct JpegBits {
    out: Vec<u8>,
    byte: u8,
    used: u8,
}

impl JpegBits {
    fn put(&mut self, value: u32, count: u8) {
        for i in (0..count).rev() {
            self.byte = (self.byte << 1) | ((value >> i) & 1) as u8;
            self.used += 1;
            if self.used == 8 {
                self.out.push(self.byte);
                if self.byte == 0xFF {
                    self.out.push(0);
                }
                (self.byte, self.used) = (0, 0);
            }
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            let pad = 8 - self.used;
            self.put((1 << pad) - 1, pad);
        }
        self.out
    }
}

/// A baseline greyscale JPEG of a white page. Every 8x8 block has only a DC coefficient: the
/// first codes the white level, the rest a difference of zero.
pub(crate) fn jpeg(page: &Page) -> Vec<u8> {
    let (width, height) = size_of(page);
    // White (255) shifted by 128, times 8 for the DCT's DC gain, with a quantiser of 1.
    const WHITE_DC: u32 = 127 * 8;
    let mut out = vec![0xFF, 0xD8];
    let mut segment = |marker: u8, data: &[u8]| {
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&((data.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(data);
    };
    let mut quant = vec![0u8];
    quant.extend_from_slice(&[1; 64]);
    segment(0xDB, &quant);
    let mut frame = vec![8];
    frame.extend_from_slice(&(height as u16).to_be_bytes());
    frame.extend_from_slice(&(width as u16).to_be_bytes());
    frame.extend_from_slice(&[1, 1, 0x11, 0]);
    segment(0xC0, &frame);
    // DC table: code `0` for a difference of category 0, `10` for category 10.
    // AC table: code `0` for end-of-block, `10` for a run of sixteen zeros (unused).
    let mut tables = Vec::new();
    for (class, symbols) in [(0x00u8, [0u8, 10]), (0x10, [0x00, 0xF0])] {
        tables.push(class);
        let mut counts = [0u8; 16];
        counts[0] = 1;
        counts[1] = 1;
        tables.extend_from_slice(&counts);
        tables.extend_from_slice(&symbols);
    }
    segment(0xC4, &tables);
    segment(0xDA, &[1, 1, 0x00, 0, 63, 0]);
    let blocks = width.div_ceil(8) * height.div_ceil(8);
    let mut bits = JpegBits {
        out: Vec::new(),
        byte: 0,
        used: 0,
    };
    for block in 0..blocks {
        if block == 0 {
            bits.put(0b10, 2);
            bits.put(WHITE_DC, 10);
        } else {
            bits.put(0, 1);
        }
        bits.put(0, 1); // end of block
    }
    out.extend_from_slice(&bits.finish());
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// Writes bits least significant first, as WebP's lossless format reads them.
#[derive(Default)]
struct WebpBits {
    out: Vec<u8>,
    acc: u64,
    used: u32,
}

impl WebpBits {
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.used;
        self.used += count;
        while self.used >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.used -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A lossless WebP (VP8L) of a white page. Each of the five prefix codes is a "simple" code
/// with a single symbol, which takes no bits per pixel, so the pixel data is empty.
pub(crate) fn webp(page: &Page) -> Vec<u8> {
    let (width, height) = size_of(page);
    let (width, height) = (width.min(16384), height.min(16384));
    let mut bits = WebpBits::default();
    bits.put(width - 1, 14);
    bits.put(height - 1, 14);
    bits.put(0, 1); // alpha is not used
    bits.put(0, 3); // version 0
    bits.put(0, 1); // no transform
    bits.put(0, 1); // no colour cache
    bits.put(0, 1); // no meta prefix codes
    // green, red, blue, alpha: the one symbol 255; distance: the one symbol 0.
    for symbol in [255u32, 255, 255, 255, 0] {
        bits.put(1, 1); // a simple code
        bits.put(0, 1); // of one symbol
        if symbol > 1 {
            bits.put(1, 1);
            bits.put(symbol, 8);
        } else {
            bits.put(0, 1);
            bits.put(symbol, 1);
        }
    }
    let mut data = vec![0x2F];
    data.extend_from_slice(&bits.finish());
    let padded = data.len() + data.len() % 2;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + 8 + padded) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBPVP8L");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    out
}

/// A multi-page TIFF: one uncompressed 8-bit greyscale image per page, little-endian.
pub(crate) fn tiff(pages: &[&Page]) -> Vec<u8> {
    let mut out = b"II*\0".to_vec();
    // Where the pointer to the next image directory goes.
    let mut next_pointer = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    for page in pages {
        let raster = Raster::of(page);
        let pixels_at = out.len() as u32;
        out.extend_from_slice(&raster.pixels);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let resolution_at = out.len() as u32;
        for v in [72u32, 1] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let directory_at = out.len() as u32;
        out[next_pointer..next_pointer + 4].copy_from_slice(&directory_at.to_le_bytes());
        // (tag, type: 3 short / 4 long / 5 rational, value)
        let entries: [(u16, u16, u32); 12] = [
            (256, 4, raster.width),
            (257, 4, raster.height),
            (258, 3, 8),
            (259, 3, 1),
            (262, 3, 1),
            (273, 4, pixels_at),
            (277, 3, 1),
            (278, 4, raster.height),
            (279, 4, raster.pixels.len() as u32),
            (282, 5, resolution_at),
            (283, 5, resolution_at),
            (296, 3, 2),
        ];
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&1u32.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        next_pointer = out.len();
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::pdf;

    const SAMPLE: &[u8] = include_bytes!("../../fixtures/sample.pdf");

    fn first_page() -> Page {
        pdf::read(SAMPLE, None).unwrap().pages.remove(0)
    }

    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn png_holds_the_page_raster_with_valid_checksums() {
        let page = first_page();
        let png = png(&page);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((width, height), size_of(&page));
        // Walk the chunks, checking each CRC, and inflate the stored blocks by hand.
        let (mut at, mut idat) = (8, Vec::new());
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let body = &png[at + 4..at + 8 + len];
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc32(body), crc);
            if &body[..4] == b"IDAT" {
                idat.extend_from_slice(&body[4..]);
            }
            at += 12 + len;
        }
        let (mut pos, mut raw) = (2, Vec::new());
        loop {
            let last = idat[pos] & 1 == 1;
            let len = u16::from_le_bytes([idat[pos + 1], idat[pos + 2]]) as usize;
            raw.extend_from_slice(&idat[pos + 5..pos + 5 + len]);
            pos += 5 + len;
            if last {
                break;
            }
        }
        assert_eq!(adler32(&raw).to_be_bytes(), idat[pos..pos + 4]);
        assert_eq!(raw.len(), (width as usize + 1) * height as usize);
        let raster = Raster::of(&page);
        assert!(raster.pixels.contains(&0x60), "text runs are drawn");
        assert!(raster.pixels.contains(&255));
    }

    #[test]
    fn jpeg_has_its_markers_and_block_count() {
        let page = first_page();
        let jpeg = jpeg(&page);
        assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], [0xFF, 0xD9]);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let height = u16::from_be_bytes([jpeg[sof + 5], jpeg[sof + 6]]);
        let width = u16::from_be_bytes([jpeg[sof + 7], jpeg[sof + 8]]);
        assert_eq!((u32::from(width), u32::from(height)), size_of(&page));
        // 13 bits for the first block, 2 for each other one, padded to whole bytes.
        let blocks = u32::from(width).div_ceil(8) * u32::from(height).div_ceil(8);
        let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let data = &jpeg[sos + 2 + 8..jpeg.len() - 2];
        let unstuffed = data.len() - data.windows(2).filter(|w| *w == [0xFF, 0]).count();
        assert_eq!(unstuffed as u32, (13 + 2 * (blocks - 1)).div_ceil(8));
    }

    #[test]
    fn webp_is_a_riff_with_the_page_size() {
        let page = first_page();
        let webp = webp(&page);
        assert_eq!((&webp[..4], &webp[8..16]), (&b"RIFF"[..], &b"WEBPVP8L"[..]));
        let riff_len = u32::from_le_bytes(webp[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff_len + 8, webp.len());
        assert_eq!(webp[20], 0x2F);
        let header = u32::from_le_bytes(webp[21..25].try_into().unwrap());
        let (w, h) = ((header & 0x3FFF) + 1, ((header >> 14) & 0x3FFF) + 1);
        assert_eq!((w, h), size_of(&page));
    }

    #[test]
    fn tiff_chains_one_directory_per_page() {
        let page = first_page();
        let tiff = tiff(&[&page, &page, &page]);
        assert_eq!(&tiff[..4], b"II*\0");
        let read32 = |at: usize| u32::from_le_bytes(tiff[at..at + 4].try_into().unwrap());
        let (mut at, mut directories) = (read32(4) as usize, 0);
        while at != 0 {
            directories += 1;
            let count = u16::from_le_bytes([tiff[at], tiff[at + 1]]) as usize;
            assert_eq!(
                read32(at + 2 + 8),
                size_of(&page).0,
                "the first entry is the width"
            );
            at = read32(at + 2 + count * 12) as usize;
        }
        assert_eq!(directories, 3);
    }
}
