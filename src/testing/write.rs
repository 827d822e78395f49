//! Writes simple real PDFs for the emulator's endpoints that make one (HTML, documents,
//! images and emails to PDF; barcodes; edits that add text): pages of text lines in
//! Helvetica, which the emulator's own reader, qpdf and poppler read back.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, dictionary};

/// The US Letter page, in points.
pub(crate) const LETTER: (f64, f64) = (612.0, 792.0);

/// A PDF of `pages`, each a list of text lines, on pages of `size` points; an empty list
/// makes one blank page.
pub(crate) fn text_pdf(pages: &[Vec<String>], size: (f64, f64)) -> Vec<u8> {
    let mut doc = text_document(pages, size);
    let mut out = Vec::new();
    match doc.save_to(&mut out) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// [`text_pdf`] as a lopdf document, to edit further before saving.
pub(crate) fn text_document(pages: &[Vec<String>], size: (f64, f64)) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let blank = [Vec::new()];
    let pages = if pages.is_empty() { &blank[..] } else { pages };
    let mut kids = Vec::with_capacity(pages.len());
    for lines in pages {
        let mut operations = Vec::new();
        let mut y = size.1 - 72.0;
        for line in lines {
            operations.extend(text_at(72.0, y, 12.0, line));
            y -= 16.0;
        }
        let content = Content { operations }.encode().unwrap_or_default();
        let content_id = doc.add_object(lopdf::Stream::new(dictionary! {}, content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), size.0.into(), size.1.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc
}

/// The operations that show `text` at (`x`, `y`) in font `F1` (Helvetica, which the page's
/// resources must name) at `size` points; characters outside Latin-1 become `?`.
pub(crate) fn text_at(x: f64, y: f64, size: f64, text: &str) -> Vec<Operation> {
    vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), size.into()]),
        Operation::new("Td", vec![x.into(), y.into()]),
        Operation::new("Tj", vec![Object::string_literal(latin1(text))]),
        Operation::new("ET", vec![]),
    ]
}

/// `text` in WinAnsi (Latin-1 here), `?` for what it cannot hold.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u8::try_from(u32::from(c)) {
            Ok(b) if !c.is_control() => b,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulator_reads_back_what_it_writes() {
        let pages = vec![
            vec!["Hello world".to_string(), "second line".to_string()],
            vec!["Page two café".to_string()],
        ];
        let pdf = text_pdf(&pages, LETTER);
        let doc = super::super::pdf::read(&pdf, None).expect("readable");
        assert_eq!(doc.pages.len(), 2);
        let text: Vec<String> = doc
            .pages
            .iter()
            .map(|p| {
                let runs = p.rows.iter().flatten();
                runs.map(|r| r.text.clone()).collect::<Vec<_>>().join(" ")
            })
            .collect();
        assert!(text[0].contains("Hello world"), "{text:?}");
        assert!(text[1].contains("Page two"), "{text:?}");
    }
}
