//! The emulator's results: PDF.co's JSON document and a real XLSX workbook, both derived from
//! the pages of the input.

use serde_json::{Map, Value, json};

use super::pdf::{Page, Run};

/// PDF.co collapses a single child to an object and keeps several as an array.
fn one_or_many(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

fn text_node(run: &Run) -> Value {
    let mut text = Map::new();
    text.insert("@fontName".into(), run.font_name.clone().into());
    text.insert("@fontSize".into(), format!("{:.1}", run.font_size).into());
    if let Some(style) = &run.font_style {
        text.insert("@fontStyle".into(), style.clone().into());
    }
    text.insert("@x".into(), format!("{:.2}", run.x).into());
    text.insert("@y".into(), format!("{:.2}", run.y).into());
    text.insert("@width".into(), format!("{:.2}", run.width).into());
    text.insert("@height".into(), format!("{:.2}", run.height).into());
    text.insert("#text".into(), run.text.clone().into());
    Value::Object(text)
}

/// The `document` value for the selected pages: `page` → `row` → `column` → `text`, with
/// attributes as strings prefixed `@`, as PDF.co's JSON output has them.
pub(crate) fn json_document(pages: &[(u32, &Page)]) -> Value {
    let pages: Vec<Value> = pages
        .iter()
        .map(|(index, page)| {
            let rows: Vec<Value> = page
                .rows
                .iter()
                .map(|row| {
                    let columns = row
                        .iter()
                        .map(|run| json!({ "text": text_node(run) }))
                        .collect();
                    json!({ "column": one_or_many(columns) })
                })
                .collect();
            let mut node = Map::new();
            node.insert("@index".into(), index.to_string().into());
            node.insert("@width".into(), format!("{:.2}", page.width).into());
            node.insert("@height".into(), format!("{:.2}", page.height).into());
            if !rows.is_empty() {
                node.insert("row".into(), one_or_many(rows));
            }
            Value::Object(node)
        })
        .collect();
    json!({ "document": { "page": one_or_many(pages) } })
}

/// The JSON result file's bytes.
pub(crate) fn json_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    serde_json::to_vec_pretty(&json_document(pages)).unwrap_or_default()
}

/// CSV: one line per row, one field per column, pages one after the other; fields with a
/// comma, quote or line break are quoted.
pub(crate) fn csv_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let field = |text: &str| {
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for (_, page) in pages {
        for row in &page.rows {
            let fields: Vec<String> = row.iter().map(|run| field(&run.text)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// XML: the document shape PDF.co's JSON is mapped from, attributes unprefixed.
pub(crate) fn xml_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<document>\n");
    for (index, page) in pages {
        out.push_str(&format!(
            "  <page index=\"{index}\" width=\"{:.2}\" height=\"{:.2}\">\n",
            page.width, page.height
        ));
        for row in &page.rows {
            out.push_str("    <row>\n");
            for run in row {
                let style = run
                    .font_style
                    .as_deref()
                    .map(|s| format!(" fontStyle=\"{}\"", xml_escape(s)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "      <column><text fontName=\"{}\" fontSize=\"{:.1}\"{style} x=\"{:.2}\" y=\"{:.2}\" \
                     width=\"{:.2}\" height=\"{:.2}\">{}</text></column>\n",
                    xml_escape(&run.font_name),
                    run.font_size,
                    run.x,
                    run.y,
                    run.width,
                    run.height,
                    xml_escape(&run.text)
                ));
            }
            out.push_str("    </row>\n");
        }
        out.push_str("  </page>\n");
    }
    out.push_str("</document>\n");
    out.into_bytes()
}

/// Text that keeps the layout: each row on a line, columns at their horizontal position
/// (about 6 points a character), pages separated by a form feed, lines ending `\r\n`.
pub(crate) fn text_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let mut out = String::new();
    for (i, (_, page)) in pages.iter().enumerate() {
        if i > 0 {
            out.push('\u{c}');
        }
        for row in &page.rows {
            let mut line = String::new();
            for run in row {
                let column = (run.x / 6.0).max(0.0) as usize;
                let width = line.chars().count();
                line.push_str(
                    &" ".repeat(column.saturating_sub(width).max(usize::from(width > 0))),
                );
                line.push_str(&run.text);
            }
            out.push_str(&line);
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// Plain text: the words of each row separated by single spaces, a line per row.
pub(crate) fn text_simple_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let mut out = String::new();
    for (_, page) in pages {
        for row in &page.rows {
            let words: Vec<&str> = row.iter().map(|run| run.text.as_str()).collect();
            out.push_str(&words.join(" "));
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

/// HTML: a table per page, a table row per text row.
pub(crate) fn html_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Converted document</title></head><body>\n",
    );
    for (index, page) in pages {
        out.push_str(&format!(
            "<div class=\"page\" data-index=\"{index}\"><table>\n"
        ));
        for row in &page.rows {
            out.push_str("<tr>");
            for run in row {
                let text = xml_escape(&run.text);
                if run
                    .font_style
                    .as_deref()
                    .is_some_and(|s| s.contains("Bold"))
                {
                    out.push_str(&format!("<td><b>{text}</b></td>"));
                } else {
                    out.push_str(&format!("<td>{text}</td>"));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table></div>\n");
    }
    out.push_str("</body></html>\n");
    out.into_bytes()
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8_lossy(&letters).into_owned()
}

fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.parse::<f64>().is_ok_and(f64::is_finite)
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-'))
}

fn sheet_xml(page: &Page) -> String {
    let mut rows = String::new();
    for (r, row) in page.rows.iter().enumerate() {
        rows.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, run) in row.iter().enumerate() {
            let cell = format!("{}{}", column_letters(c), r + 1);
            if is_number(&run.text) {
                rows.push_str(&format!("<c r=\"{cell}\"><v>{}</v></c>", run.text.trim()));
            } else {
                rows.push_str(&format!(
                    "<c r=\"{cell}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                    xml_escape(&run.text)
                ));
            }
        }
        rows.push_str("</row>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData>{rows}</sheetData></worksheet>"
    )
}

/// A workbook with one worksheet per selected page, named `Page N` (1-based, after the
/// page's index in the document); numbers become numeric cells.
pub(crate) fn xlsx_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

    let mut overrides = String::new();
    let mut sheets = String::new();
    let mut rels = String::new();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (index, page)) in pages.iter().enumerate() {
        let n = i + 1;
        overrides.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" \
             ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
        sheets.push_str(&format!(
            "<sheet name=\"Page {}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            index + 1
        ));
        rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" \
             Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        entries.push((
            format!("xl/worksheets/sheet{n}.xml"),
            sheet_xml(page).into_bytes(),
        ));
    }
    let content_types = format!(
        "{head}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" \
         ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         {overrides}</Types>"
    );
    let root_rels = format!(
        "{head}<Relationships xmlns=\"{PKG_REL}\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"xl/workbook.xml\"/>\
         </Relationships>"
    );
    let workbook = format!(
        "{head}<workbook xmlns=\"{MAIN}\" xmlns:r=\"{REL}\"><sheets>{sheets}</sheets></workbook>"
    );
    let workbook_rels = format!("{head}<Relationships xmlns=\"{PKG_REL}\">{rels}</Relationships>");

    let mut files = vec![
        (
            "[Content_Types].xml".to_string(),
            content_types.into_bytes(),
        ),
        ("_rels/.rels".to_string(), root_rels.into_bytes()),
        ("xl/workbook.xml".to_string(), workbook.into_bytes()),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            workbook_rels.into_bytes(),
        ),
    ];
    files.extend(entries);
    zip_stored(&files)
}

/// A legacy Excel file as Excel 2003 XML (SpreadsheetML), one worksheet per page. Excel
/// opens it as an `.xls`; it is not the binary BIFF8 format PDF.co writes.
pub(crate) fn xls_file(pages: &[(u32, &Page)]) -> Vec<u8> {
    let mut out = String::from(
        "<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n\
         <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" \
         xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">\n",
    );
    for (index, page) in pages {
        out.push_str(&format!(
            "<Worksheet ss:Name=\"Page {}\"><Table>\n",
            index + 1
        ));
        for row in &page.rows {
            out.push_str("<Row>");
            for run in row {
                let kind = if is_number(&run.text) {
                    "Number"
                } else {
                    "String"
                };
                out.push_str(&format!(
                    "<Cell><Data ss:Type=\"{kind}\">{}</Data></Cell>",
                    xml_escape(&run.text)
                ));
            }
            out.push_str("</Row>\n");
        }
        out.push_str("</Table></Worksheet>\n");
    }
    out.push_str("</Workbook>\n");
    out.into_bytes()
}

pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A ZIP archive whose entries are stored uncompressed (method 0), which every XLSX reader
/// accepts.
fn zip_stored(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    // 2026-01-01 00:00 in DOS time and date.
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = ((2026 - 1980) << 9) | (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_len = name.len() as u16;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, 0, DOS_TIME, DOS_DATE] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, DOS_TIME, DOS_DATE] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            central.extend_from_slice(&v.to_le_bytes());
        }
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    let count = files.len() as u16;
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::pdf;

    const SAMPLE: &[u8] = include_bytes!("../../fixtures/sample.pdf");

    #[test]
    fn json_collapses_single_children_like_pdf_co() {
        let doc = pdf::read(SAMPLE, None).unwrap();
        let one = json_document(&[(2, &doc.pages[2])]);
        let page = &one["document"]["page"];
        assert!(page.is_object(), "a single page is an object");
        assert_eq!(page["@index"], "2");
        assert_eq!(page["row"][0]["column"]["text"]["#text"], "Summary");
        assert_eq!(page["row"][1]["column"][1]["text"]["#text"], "209.90");
        assert_eq!(page["row"][0]["column"]["text"]["@fontStyle"], "Bold");
        let two = json_document(&[(0, &doc.pages[0]), (1, &doc.pages[1])]);
        assert!(two["document"]["page"].is_array());
    }

    #[test]
    fn text_formats_carry_the_table() {
        let doc = pdf::read(SAMPLE, None).unwrap();
        let page = [(1, &doc.pages[1])];
        let csv = String::from_utf8(csv_file(&page)).unwrap();
        assert!(
            csv.contains("Item,Quantity,Price\r\nWidget,4,12.50\r\n"),
            "{csv}"
        );
        let xml = String::from_utf8(xml_file(&page)).unwrap();
        assert!(
            xml.contains("<page index=\"1\"") && xml.contains(">Gizmo (large)</text>"),
            "{xml}"
        );
        let text = String::from_utf8(text_file(&page)).unwrap();
        let widget = text.lines().find(|l| l.contains("Widget")).unwrap();
        assert!(
            widget.find('4').unwrap() > widget.find("Widget").unwrap() + 10,
            "columns keep their place: {widget:?}"
        );
        let simple = String::from_utf8(text_simple_file(&page)).unwrap();
        assert!(simple.contains("Widget 4 12.50\r\n"), "{simple}");
        let html = String::from_utf8(html_file(&page)).unwrap();
        assert!(
            html.contains("<td><b>Item</b></td>") && html.contains("<td>Widget</td>"),
            "{html}"
        );
        assert_eq!(csv_file(&[]), b"");
        let quoted =
            String::from_utf8(text_file(&[(0, &doc.pages[0]), (2, &doc.pages[2])])).unwrap();
        assert_eq!(
            quoted.matches('\u{c}').count(),
            1,
            "a form feed between pages"
        );
    }

    #[test]
    fn column_letters_follow_spreadsheet_order() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn crc32_known_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn xlsx_is_a_zip_with_a_sheet_per_page_and_escaped_text() {
        let doc = pdf::read(SAMPLE, None).unwrap();
        let bytes = xlsx_file(&[(1, &doc.pages[1])]);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("<sheet name=\"Page 2\""));
        assert!(text.contains("Gizmo (large)"));
        assert!(text.contains("<v>99.90</v>"), "numbers are numeric cells");
        assert!(!text.contains("sheet2.xml"));
        assert_eq!(xml_escape("a<b&\"c\u{1}"), "a&lt;b&amp;&quot;c");
    }
}
