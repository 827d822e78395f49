//! Typed requests and results, one file per family of PDF.co endpoints (the sections of
//! `pdfco-endpoints.md`). Each family adds typed constructors to [`Request`](crate::Request)
//! with a kind of its own (in [`crate::kind`]), typed setters for that kind, and result types
//! read from the answer's JSON (`from_value`, as [`Document`](crate::Document) does).
//!
//! Every typed request is an ordinary [`Request`](crate::Request): it runs the same way as one
//! made by path, through the same upload, start, wait and download.

pub(crate) mod barcode;
pub(crate) mod data;
pub(crate) mod edit;
pub(crate) mod organize;
pub(crate) mod parse;
pub(crate) mod topdf;

// Each family's public types, re-exported at the crate root.
pub use barcode::{Barcode, BarcodeRect, BarcodeType, Barcodes, FileHash};
pub use data::{
    FormField, FormFields, FoundTable, PdfInfo, Tables, TextHit, TextHits, WordMatching,
};
pub use edit::{Alignment, Annotation, AnnotationType, FieldValue, ImageStamp, Rotation};
pub use organize::{
    CompressConfig, EncryptionAlgorithm, ImageCompression, PageRanges, PrintQuality,
};
pub use parse::{
    Classes, ClassifierLogic, ClassifierRule, Email, EmailAttachment, EmailAttachments,
    EmailMessage, Invoice, ParsedDocument, ParsedObject, ParsedObjectKind, ParsedRow,
    ParserOutputFormat, ParserTemplate, ParserTemplateInfo, ParserTemplates, Smtp,
};
pub use topdf::{
    HtmlTemplate, HtmlTemplates, MediaType, Orientation, PaperSize, SpreadsheetFormat,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{ENDPOINTS, normalize};
    use crate::{OutputFormat, Request};
    use std::collections::BTreeSet;

    /// The endpoint each typed constructor calls, by its table path.
    fn typed_paths() -> BTreeSet<String> {
        let data = serde_json::json!({ "name": "x" });
        let smtp = Smtp::new("smtp.example.com", 587, "me", "pw");
        let message = EmailMessage::new("a@example.com", "b@example.com", "hi");
        let mut paths: Vec<String> = vec![
            // §1, the pdf/convert/to/* family.
            Request::convert(OutputFormat::Json).path().to_string(),
            // §2, §3, §14.
            Request::from_document().path().to_string(),
            Request::from_csv().path().to_string(),
            Request::from_images().path().to_string(),
            Request::from_url("https://example.com").path().to_string(),
            Request::from_html("<p>x</p>").path().to_string(),
            Request::from_template(1, &data).path().to_string(),
            Request::from_email().path().to_string(),
            Request::html_templates().path().to_string(),
            Request::html_template(7).path().to_string(),
            // §4, §6.
            Request::merge().path().to_string(),
            Request::merge_any().path().to_string(),
            Request::split(PageRanges::every_page()).path().to_string(),
            Request::split_by_text("x").path().to_string(),
            Request::compress().path().to_string(),
            Request::optimize().path().to_string(),
            Request::protect("owner").path().to_string(),
            Request::unprotect().path().to_string(),
            // §5, §8.
            Request::add_content().path().to_string(),
            Request::replace_text("a", "b").path().to_string(),
            Request::replace_text_with_image("a", "https://example.com/i.png")
                .path()
                .to_string(),
            Request::delete_text("a").path().to_string(),
            Request::rotate(Rotation::Clockwise90).path().to_string(),
            Request::auto_rotate().path().to_string(),
            Request::delete_pages("1").path().to_string(),
            Request::make_searchable().path().to_string(),
            Request::make_unsearchable().path().to_string(),
            // §7, §9, §12.
            Request::info().path().to_string(),
            Request::form_fields().path().to_string(),
            Request::find_text("a").path().to_string(),
            Request::find_tables().path().to_string(),
            Request::extract_attachments().path().to_string(),
            // §10, §15.
            Request::barcode(BarcodeType::QRCode, "x")
                .path()
                .to_string(),
            Request::read_barcodes(&[BarcodeType::QRCode])
                .path()
                .to_string(),
            Request::upload_base64(b"x").path().to_string(),
            Request::upload_from_url("https://example.com/a.pdf")
                .path()
                .to_string(),
            Request::file_hash().path().to_string(),
            Request::delete_file("https://example.com/a.pdf")
                .path()
                .to_string(),
            // §11, §13.
            Request::parse_document(ParserTemplate::Id(1))
                .path()
                .to_string(),
            Request::parser_templates().path().to_string(),
            Request::parser_template(1).path().to_string(),
            Request::parse_invoice().path().to_string(),
            Request::classify("a,OR,b").path().to_string(),
            Request::send_email(smtp, message).path().to_string(),
            Request::decode_email().path().to_string(),
            Request::extract_email_attachments().path().to_string(),
        ];
        for format in OutputFormat::ALL {
            paths.push(Request::convert(*format).path().to_string());
        }
        for format in [
            SpreadsheetFormat::Pdf,
            SpreadsheetFormat::Csv,
            SpreadsheetFormat::Json,
            SpreadsheetFormat::Html,
            SpreadsheetFormat::Txt,
            SpreadsheetFormat::Xml,
        ] {
            paths.push(Request::spreadsheet(format).path().to_string());
        }
        paths
            .iter()
            .map(|p| {
                let row = crate::endpoint::Endpoint::find(p)
                    .unwrap_or_else(|| panic!("{p} is not in the endpoint table"));
                normalize(row.path)
            })
            .collect()
    }

    #[test]
    fn every_endpoint_has_a_typed_request_or_a_client_method() {
        // The steps of the workflow, which the client itself calls.
        let by_client = [
            "file/upload/get-presigned-url", // Client::upload
            "file/upload",                   // Client::upload (multipart is not a Request)
            "job/check",                     // Client::check and Client::wait
            "account/credit/balance",        // Client::balance
        ];
        let typed = typed_paths();
        let missing: Vec<&str> = ENDPOINTS
            .iter()
            .map(|row| row.path)
            .filter(|path| !typed.contains(&normalize(path)) && !by_client.contains(path))
            .collect();
        assert!(missing.is_empty(), "no typed request for {missing:?}");
        assert_eq!(typed.len() + by_client.len(), ENDPOINTS.len());
    }
}
