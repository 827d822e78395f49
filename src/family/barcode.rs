//! Barcodes (`barcode/generate`, `barcode/read/from/url`) and files (`file/upload`,
//! `file/upload/base64`, `file/upload/url`, `file/hash`, `file/delete`).
//!
//! - [`Request::barcode`] makes a barcode image of a [`BarcodeType`];
//!   [`Request::read_barcodes`] finds barcodes in a PDF or image, read into [`Barcodes`].
//! - [`Request::upload_base64`] and [`Request::upload_data_uri`] store bytes sent in the
//!   request itself, [`Request::upload_from_url`] has PDF.co copy a file from a URL,
//!   [`Request::file_hash`] asks for a stored file's hash ([`FileHash`]) and
//!   [`Request::delete_file`] deletes a file.
//!
//! `file/upload` (a `multipart/form-data` body of at most 100 KB) is not a [`Request`]: a
//! request is a JSON object of parameters, and the crate's own [`Client::upload`] (a
//! presigned `PUT`, up to 2 GB, streamed from disk) is the way to upload a file of any size.
//! [`Request::new("file/upload")`](Request::new) sends its parameters as JSON, which PDF.co
//! does not read as a file.
//!
//! [`Client::upload`]: crate::Client::upload

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::error::Error;
use crate::json::{not_shaped, number};
use crate::request::Request;

/// This family's request kinds, re-exported in [`crate::kind`].
pub mod kind {
    /// `barcode/generate` ([`Request::barcode`](crate::Request::barcode)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct BarcodeGenerate;

    /// `barcode/read/from/url` ([`Request::read_barcodes`](crate::Request::read_barcodes)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct BarcodeRead;

    /// `file/upload/base64` ([`Request::upload_base64`](crate::Request::upload_base64),
    /// [`Request::upload_data_uri`](crate::Request::upload_data_uri)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct UploadBase64;

    /// `file/upload/url` ([`Request::upload_from_url`](crate::Request::upload_from_url)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct UploadUrl;

    /// `file/hash` ([`Request::file_hash`](crate::Request::file_hash)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FileHash;

    /// `file/delete` ([`Request::delete_file`](crate::Request::delete_file)).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct FileDelete;
}

/// The largest request PDF.co accepts (4 MB), which bounds a base64 upload.
const MAX_REQUEST: usize = 4 * 1024 * 1024;

/// Declares [`BarcodeType`]: each variant with its spelling for `barcode/generate` (`type`)
/// and for `barcode/read/from/url` (`types`), `None` where that endpoint does not list it.
macro_rules! barcode_types {
    ($($(#[$doc:meta])* $variant:ident => $generate:expr, $read:expr;)*) => {
        /// A barcode symbology, as PDF.co spells it.
        ///
        /// PDF.co's two barcode endpoints list different sets, and spell some types
        /// differently (`I2of5` to generate, `Interleaved2of5` to read; `MicroPDF417` and
        /// `MicroPDF`; `GS1_DataBar_Expanded` and `GS1DataBarExpanded`). One variant stands
        /// for one symbology and is sent with the spelling of the endpoint it is sent to;
        /// [`generate_name`](Self::generate_name) and [`read_name`](Self::read_name) say
        /// which it has. A type the endpoint does not list is refused locally.
        ///
        /// # Example
        ///
        /// ```
        /// use pdfco::BarcodeType;
        ///
        /// assert_eq!(BarcodeType::Interleaved2of5.generate_name(), Some("I2of5"));
        /// assert_eq!(BarcodeType::Interleaved2of5.read_name(), Some("Interleaved2of5"));
        /// assert_eq!("qrcode".parse::<BarcodeType>().ok(), Some(BarcodeType::QRCode));
        /// assert_eq!("GS1_DataBar_Expanded".parse().ok(), Some(BarcodeType::GS1DataBarExpanded));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[allow(non_camel_case_types)]
        pub enum BarcodeType {
            $($(#[$doc])* $variant,)*
        }

        impl BarcodeType {
            /// Every type, in PDF.co's order (the types to generate, then those only read).
            pub const ALL: &'static [BarcodeType] = &[$(BarcodeType::$variant,)*];

            /// The spelling `barcode/generate` takes, or `None` if it cannot make this type.
            pub fn generate_name(self) -> Option<&'static str> {
                match self {
                    $(BarcodeType::$variant => $generate,)*
                }
            }

            /// The spelling `barcode/read/from/url` takes, or `None` if it does not read this
            /// type.
            pub fn read_name(self) -> Option<&'static str> {
                match self {
                    $(BarcodeType::$variant => $read,)*
                }
            }
        }
    };
}

barcode_types! {
    /// Code 128.
    Code128 => Some("Code128"), Some("Code128");
    /// Code 39.
    Code39 => Some("Code39"), Some("Code39");
    /// USPS POSTNET.
    Postnet => Some("Postnet"), Some("PostNet");
    /// UPC-A.
    UPCA => Some("UPCA"), Some("UPCA");
    /// EAN-8.
    EAN8 => Some("EAN8"), Some("EAN8");
    /// ISBN.
    ISBN => Some("ISBN"), None;
    /// Codabar.
    Codabar => Some("Codabar"), Some("Codabar");
    /// Interleaved 2 of 5 (`I2of5` to generate, `Interleaved2of5` to read).
    Interleaved2of5 => Some("I2of5"), Some("Interleaved2of5");
    /// Code 93.
    Code93 => Some("Code93"), Some("Code93");
    /// EAN-13.
    EAN13 => Some("EAN13"), Some("EAN13");
    /// JAN-13.
    JAN13 => Some("JAN13"), None;
    /// Bookland.
    Bookland => Some("Bookland"), None;
    /// UPC-E.
    UPCE => Some("UPCE"), Some("UPCE");
    /// PDF417.
    PDF417 => Some("PDF417"), Some("PDF417");
    /// Truncated PDF417.
    PDF417Truncated => Some("PDF417Truncated"), None;
    /// Data Matrix.
    DataMatrix => Some("DataMatrix"), Some("DataMatrix");
    /// QR Code: PDF.co's default to generate.
    QRCode => Some("QRCode"), Some("QRCode");
    /// Aztec.
    Aztec => Some("Aztec"), Some("Aztec");
    /// USPS PLANET.
    Planet => Some("Planet"), None;
    /// EAN-128.
    EAN128 => Some("EAN128"), None;
    /// GS1-128.
    GS1_128 => Some("GS1_128"), None;
    /// USPS sack label.
    USPSSackLabel => Some("USPSSackLabel"), None;
    /// USPS tray label.
    USPSTrayLabel => Some("USPSTrayLabel"), None;
    /// Deutsche Post Identcode.
    DeutschePostIdentcode => Some("DeutschePostIdentcode"), None;
    /// Deutsche Post Leitcode.
    DeutschePostLeitcode => Some("DeutschePostLeitcode"), None;
    /// Numly.
    Numly => Some("Numly"), None;
    /// Pharmazentralnummer.
    PZN => Some("PZN"), Some("PZN");
    /// Optical product code.
    OpticalProduct => Some("OpticalProduct"), None;
    /// Swiss Post parcel.
    SwissPostParcel => Some("SwissPostParcel"), None;
    /// Royal Mail 4-state.
    RoyalMail => Some("RoyalMail"), Some("RoyalMail");
    /// Dutch KIX (to generate; [`RoyalMailKIX`](Self::RoyalMailKIX) to read).
    DutchKix => Some("DutchKix"), None;
    /// Singapore postal code.
    SingaporePostalCode => Some("SingaporePostalCode"), None;
    /// EAN-2 add-on.
    EAN2 => Some("EAN2"), Some("EAN2");
    /// EAN-5 add-on.
    EAN5 => Some("EAN5"), Some("EAN5");
    /// EAN-14.
    EAN14 => Some("EAN14"), None;
    /// Macro PDF417.
    MacroPDF417 => Some("MacroPDF417"), None;
    /// Micro PDF417 (`MicroPDF417` to generate, `MicroPDF` to read).
    MicroPDF417 => Some("MicroPDF417"), Some("MicroPDF");
    /// GS1 Data Matrix.
    GS1DataMatrix => Some("GS1_DataMatrix"), None;
    /// Telepen.
    Telepen => Some("Telepen"), None;
    /// USPS Intelligent Mail.
    IntelligentMail => Some("IntelligentMail"), Some("IntelligentMail");
    /// GS1 DataBar omnidirectional.
    GS1DataBarOmnidirectional => Some("GS1_DataBar_Omnidirectional"), Some("GS1DataBarOmnidirectional");
    /// GS1 DataBar truncated.
    GS1DataBarTruncated => Some("GS1_DataBar_Truncated"), None;
    /// GS1 DataBar stacked.
    GS1DataBarStacked => Some("GS1_DataBar_Stacked"), Some("GS1DataBarStacked");
    /// GS1 DataBar stacked omnidirectional.
    GS1DataBarStackedOmnidirectional => Some("GS1_DataBar_Stacked_Omnidirectional"), None;
    /// GS1 DataBar limited.
    GS1DataBarLimited => Some("GS1_DataBar_Limited"), Some("GS1DataBarLimited");
    /// GS1 DataBar expanded.
    GS1DataBarExpanded => Some("GS1_DataBar_Expanded"), Some("GS1DataBarExpanded");
    /// GS1 DataBar expanded stacked.
    GS1DataBarExpandedStacked => Some("GS1_DataBar_Expanded_Stacked"), Some("GS1DataBarExpandedStacked");
    /// MaxiCode.
    MaxiCode => Some("MaxiCode"), Some("MaxiCode");
    /// Plessey.
    Plessey => Some("Plessey"), None;
    /// MSI.
    MSI => Some("MSI"), Some("MSI");
    /// ITF-14.
    ITF14 => Some("ITF14"), Some("ITF14");
    /// GTIN-12.
    GTIN12 => Some("GTIN12"), Some("GTIN12");
    /// GTIN-8.
    GTIN8 => Some("GTIN8"), Some("GTIN8");
    /// GTIN-13.
    GTIN13 => Some("GTIN13"), Some("GTIN13");
    /// GTIN-14.
    GTIN14 => Some("GTIN14"), Some("GTIN14");
    /// Australia Post 4-state (read only).
    AustralianPostCode => None, Some("AustralianPostCode");
    /// Circular interleaved 2 of 5 (read only).
    CircularI2of5 => None, Some("CircularI2of5");
    /// Codablock F (read only).
    CodablockF => None, Some("CodablockF");
    /// Code 16K (read only).
    Code16K => None, Some("Code16K");
    /// Code 39 extended (read only).
    Code39Extended => None, Some("Code39Extended");
    /// Code 39 with the mod 43 check digit (read only).
    Code39Mod43 => None, Some("Code39Mod43");
    /// Code 39 extended with the mod 43 check digit (read only).
    Code39Mod43Extended => None, Some("Code39Mod43Extended");
    /// GS1 (read only).
    GS1 => None, Some("GS1");
    /// MICR (read only).
    MICR => None, Some("MICR");
    /// Patch code (read only).
    PatchCode => None, Some("PatchCode");
    /// Pharmacode (read only).
    Pharmacode => None, Some("Pharmacode");
    /// Royal Mail KIX (read only; [`DutchKix`](Self::DutchKix) to generate).
    RoyalMailKIX => None, Some("RoyalMailKIX");
    /// Trioptic (read only).
    Trioptic => None, Some("Trioptic");
    /// UPU (read only).
    UPU => None, Some("UPU");
}

impl BarcodeType {
    /// The name PDF.co gives this type: its spelling to generate, or to read for a type
    /// only read.
    pub fn name(self) -> &'static str {
        self.generate_name().or(self.read_name()).unwrap_or("")
    }
}

impl fmt::Display for BarcodeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BarcodeType {
    type Err = Error;

    /// Either of PDF.co's spellings, in any case, with or without underscores, spaces or
    /// dashes (`QRCode`, `qr code`, `GS1_DataBar_Expanded`, `Interleaved2of5`, `I2of5`); a
    /// name that is none of PDF.co's types is [`Error::InvalidOption`] (option `type`).
    fn from_str(name: &str) -> Result<BarcodeType, Error> {
        let key = |s: &str| -> String {
            s.chars()
                .filter(|c| !matches!(c, '_' | ' ' | '-'))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = key(name);
        BarcodeType::ALL
            .iter()
            .copied()
            .find(|t| {
                [t.generate_name(), t.read_name()]
                    .into_iter()
                    .flatten()
                    .any(|n| key(n) == wanted)
            })
            .ok_or_else(|| Error::InvalidOption {
                option: "type",
                reason: format!("unknown barcode type `{}`", name.trim()),
            })
    }
}

impl Request {
    /// A barcode image of `value`, as `barcode/generate` makes it (a PNG at the result's
    /// link). `value` and `type` are sent as given; a type PDF.co cannot generate (one only
    /// read) and an empty value are refused before any request.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{BarcodeType, Request};
    ///
    /// let request = Request::barcode(BarcodeType::Code128, "PO-1234").name("po.png");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains(r#"\"type\":\"Code128\""#));
    /// assert!(format!("{request:?}").contains(r#"\"value\":\"PO-1234\""#));
    /// let read_only = Request::barcode(BarcodeType::Pharmacode, "123");
    /// assert!(matches!(
    ///     read_only.validate(),
    ///     Err(pdfco::Error::InvalidOption { option: "type", .. })
    /// ));
    /// ```
    pub fn barcode(
        barcode_type: BarcodeType,
        value: impl Into<String>,
    ) -> Request<kind::BarcodeGenerate> {
        let value = value.into();
        let mut request = Request::of_kind("barcode/generate");
        if value.is_empty() {
            request = request.reject("value", "a barcode needs a value");
        }
        match barcode_type.generate_name() {
            Some(name) => request = request.set("type", name),
            None => {
                request = request.reject(
                    "type",
                    format!("PDF.co reads {barcode_type} barcodes but cannot generate them"),
                )
            }
        }
        request.set("value", value)
    }

    /// Finds and decodes barcodes of the given `types` in a PDF or an image
    /// (`barcode/read/from/url`), read with [`Barcodes::from_value`]. The document is the
    /// request's [`url`](Request::url) or a run's input; pages count from 0. At least one
    /// type, and only types PDF.co reads, else refused before any request.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::{BarcodeType, Request};
    ///
    /// let request = Request::read_barcodes(&[BarcodeType::QRCode, BarcodeType::Interleaved2of5])
    ///     .url("https://example.com/labels.pdf")
    ///     .pages("0-2");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains(r#"\"types\":\"QRCode,Interleaved2of5\""#));
    /// assert!(Request::read_barcodes(&[]).validate().is_err());
    /// ```
    pub fn read_barcodes(types: &[BarcodeType]) -> Request<kind::BarcodeRead> {
        let mut request = Request::of_kind("barcode/read/from/url");
        if types.is_empty() {
            request = request.reject("types", "name at least one barcode type to look for");
        }
        let mut names: Vec<&str> = Vec::with_capacity(types.len());
        for t in types {
            match t.read_name() {
                Some(name) if !names.contains(&name) => names.push(name),
                Some(_) => {}
                None => {
                    request = request.reject(
                        "types",
                        format!("PDF.co generates {t} barcodes but does not read them"),
                    )
                }
            }
        }
        request.set("types", names.join(","))
    }

    /// Stores `data` at PDF.co (`file/upload/base64`), sent base64-encoded in the request;
    /// the answer's `url` is the stored file, for later requests. For small files: a request
    /// is at most 4 MB, so about 3 MB of data, refused locally above that;
    /// [`Client::upload`](crate::Client::upload) takes any size.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::upload_base64(b"hello").name("hello.txt");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains(r#"\"file\":\"aGVsbG8=\""#));
    /// ```
    pub fn upload_base64(data: &[u8]) -> Request<kind::UploadBase64> {
        let request = Request::of_kind("file/upload/base64");
        if data.len().div_ceil(3) * 4 > MAX_REQUEST {
            return request.reject("file", "larger than PDF.co's 4 MB request limit");
        }
        request.set("file", crate::base64::encode(data))
    }

    /// Stores the file of a `data:` URI such as `data:text/plain;base64,aGVsbG8=` at PDF.co
    /// (`file/upload/base64`), sent as given. A text that is not a base64 data URI, or
    /// longer than PDF.co's 4 MB request limit, is refused before any request.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::upload_data_uri("data:text/plain;base64,aGVsbG8=");
    /// assert!(request.validate().is_ok());
    /// assert!(Request::upload_data_uri("hello").validate().is_err());
    /// ```
    pub fn upload_data_uri(uri: impl Into<String>) -> Request<kind::UploadBase64> {
        let uri = uri.into();
        let request = Request::of_kind("file/upload/base64");
        let payload = uri
            .strip_prefix("data:")
            .and_then(|rest| rest.split_once(','))
            .filter(|(head, _)| head.ends_with(";base64"))
            .map(|(_, data)| data);
        match payload {
            None => request.reject("file", "expected a `data:...;base64,...` URI"),
            Some(data) if !is_base64(data) => {
                request.reject("file", "the data URI's payload is not base64")
            }
            Some(_) if uri.len() > MAX_REQUEST => {
                request.reject("file", "larger than PDF.co's 4 MB request limit")
            }
            Some(_) => request.set("file", uri),
        }
    }

    /// Has PDF.co copy the file at `url` into its storage (`file/upload/url`); the answer's
    /// `url` is the copy. A URL that needs basic authentication takes
    /// [`http_auth`](Request::http_auth).
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::upload_from_url("https://example.com/a.pdf").name("a.pdf");
    /// assert!(request.validate().is_ok());
    /// assert!(format!("{request:?}").contains("https://example.com/a.pdf"));
    /// assert!(Request::upload_from_url("ftp://example.com/a.pdf").validate().is_err());
    /// ```
    pub fn upload_from_url(url: impl Into<String>) -> Request<kind::UploadUrl> {
        Request::of_kind("file/upload/url").url(url)
    }

    /// The hash of a stored file (`file/hash`), read with [`FileHash::from_value`]: the
    /// file is the request's [`url`](Request::url) or a run's input.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::file_hash().url("https://example.com/a.pdf");
    /// assert_eq!(request.path(), "file/hash");
    /// assert!(request.validate().is_ok());
    /// assert!(!request.is_asynchronous(), "answered at once");
    /// ```
    pub fn file_hash() -> Request<kind::FileHash> {
        Request::of_kind("file/hash")
    }

    /// Deletes the file at `url` from PDF.co's storage (`file/delete`); the answer only says
    /// it succeeded.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::Request;
    ///
    /// let request = Request::delete_file("https://example.com/a.pdf");
    /// assert_eq!(request.path(), "file/delete");
    /// assert!(request.validate().is_ok());
    /// ```
    pub fn delete_file(url: impl Into<String>) -> Request<kind::FileDelete> {
        Request::of_kind("file/delete").url(url)
    }
}

impl Request<kind::BarcodeGenerate> {
    /// An image PDF.co draws in the middle of a QR code, such as a logo, fetched from `url`
    /// (`decorationImage`). Checked before any request: an http(s) URL.
    ///
    /// Defaults to none.
    pub fn decoration_image(self, url: impl Into<String>) -> Self {
        let url = url.into();
        if url.starts_with("https://") || url.starts_with("http://") {
            self.set("decorationImage", url)
        } else {
            self.reject("decorationImage", "must be an http(s) URL")
        }
    }
}

impl Request<kind::UploadBase64> {
    /// Whether PDF.co keeps the file in its permanent storage rather than for an hour
    /// (`permanent`).
    ///
    /// Defaults to `false`.
    pub fn permanent(self, permanent: bool) -> Self {
        self.set("permanent", permanent)
    }
}

/// Whether `text` is base64 (standard or URL-safe alphabet, padding at the end only).
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    text.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// The barcodes `barcode/read/from/url` found: what [`Run::json`](crate::Run::json) returns
/// for it (the `barcodes` array), or a whole answer or job result holding `barcodes`.
///
/// # Example
///
/// ```
/// use pdfco::{BarcodeType, Barcodes};
///
/// let answer = serde_json::json!({ "barcodes": [{
///     "Value": "abcdef123456", "RawData": "", "Type": 15,
///     "Rect": "{X=100,Y=50,Width=200,Height=80}", "Page": 0,
///     "File": "sample.pdf", "Confidence": 1, "TypeName": "QRCode"
/// }], "pageCount": 1 });
/// let barcodes = Barcodes::from_value(&answer)?;
/// let first = &barcodes.as_slice()[0];
/// assert_eq!(first.value(), Some("abcdef123456"));
/// assert_eq!(first.barcode_type(), Some(BarcodeType::QRCode));
/// assert_eq!(first.rect().map(|r| r.width), Some(200.0));
/// assert_eq!(barcodes.page_count(), Some(1));
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Barcodes {
    items: Vec<Barcode>,
    raw: Value,
}

impl Barcodes {
    /// Reads the barcodes from the `barcodes` array, or from an object holding it (an
    /// answer, a job's result file, or a `body`).
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] for JSON that holds no `barcodes` array, or a barcode that is not
    /// an object.
    pub fn from_value(value: &Value) -> Result<Barcodes, Error> {
        let list = match value {
            Value::Array(list) => Some(list),
            Value::Object(fields) => fields
                .get("barcodes")
                .or_else(|| value.get("body").and_then(|b| b.get("barcodes")))
                .and_then(Value::as_array),
            _ => None,
        }
        .ok_or_else(|| not_shaped("no `barcodes` array in the JSON", value))?;
        let items = list
            .iter()
            .map(|item| match item {
                Value::Object(_) => Ok(Barcode { raw: item.clone() }),
                other => Err(not_shaped("a barcode is not a JSON object", other)),
            })
            .collect::<Result<_, _>>()?;
        Ok(Barcodes {
            items,
            raw: value.clone(),
        })
    }

    /// The barcodes, in PDF.co's order.
    pub fn as_slice(&self) -> &[Barcode] {
        &self.items
    }

    /// The barcodes, in PDF.co's order.
    pub fn iter(&self) -> std::slice::Iter<'_, Barcode> {
        self.items.iter()
    }

    /// How many barcodes were found.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether none was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pages searched (`pageCount`), when the JSON read was a whole answer.
    pub fn page_count(&self) -> Option<u64> {
        number(self.raw.get("pageCount")).map(|n| n.max(0.0) as u64)
    }

    /// The JSON read, as it came.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

impl<'a> IntoIterator for &'a Barcodes {
    type Item = &'a Barcode;
    type IntoIter = std::slice::Iter<'a, Barcode>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// One barcode found by `barcode/read/from/url`. Every field is optional: PDF.co's own
/// examples and samples show them all, but nothing promises each is present.
#[derive(Debug, Clone)]
pub struct Barcode {
    raw: Value,
}

impl Barcode {
    fn text(&self, name: &str) -> Option<&str> {
        self.raw.get(name).and_then(Value::as_str)
    }

    /// The decoded value (`Value`).
    pub fn value(&self) -> Option<&str> {
        self.text("Value")
    }

    /// The raw data (`RawData`), as PDF.co writes it.
    pub fn raw_data(&self) -> Option<&str> {
        self.text("RawData")
    }

    /// PDF.co's name of the type found (`TypeName`, or `Type` when it is a name).
    pub fn type_name(&self) -> Option<&str> {
        self.text("TypeName").or_else(|| self.text("Type"))
    }

    /// The type found, when its name is one of [`BarcodeType`]'s.
    pub fn barcode_type(&self) -> Option<BarcodeType> {
        self.type_name().and_then(|name| name.parse().ok())
    }

    /// The page the barcode is on, counted from 0 (`Page`).
    pub fn page(&self) -> Option<u32> {
        number(self.raw.get("Page"))
            .filter(|n| *n >= 0.0)
            .map(|n| n as u32)
    }

    /// Where the barcode is (`Rect`): from PDF.co's `"{X=..,Y=..,Width=..,Height=..}"`
    /// text, an object with those fields, or an array `[x, y, width, height]`.
    pub fn rect(&self) -> Option<BarcodeRect> {
        BarcodeRect::from_value(self.raw.get("Rect")?)
    }

    /// The file the barcode was found in (`File`).
    pub fn file(&self) -> Option<&str> {
        self.text("File")
    }

    /// How sure the reader is (`Confidence`).
    pub fn confidence(&self) -> Option<f64> {
        number(self.raw.get("Confidence"))
    }

    /// The barcode's JSON, as it came.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// Where a barcode is, as PDF.co gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarcodeRect {
    /// Left edge (`X`).
    pub x: f64,
    /// Top edge (`Y`).
    pub y: f64,
    /// `Width`.
    pub width: f64,
    /// `Height`.
    pub height: f64,
}

impl BarcodeRect {
    /// From PDF.co's text `"{X=10,Y=20,Width=30,Height=40}"` (names in any case, in any
    /// order), an object `{"X": 10, ...}`, or an array `[10, 20, 30, 40]`; `None` for
    /// anything else.
    ///
    /// # Example
    ///
    /// ```
    /// use pdfco::BarcodeRect;
    /// use serde_json::json;
    ///
    /// let rect = BarcodeRect::from_value(&json!("{X=10,Y=20,Width=30,Height=40}")).unwrap();
    /// assert_eq!((rect.x, rect.y, rect.width, rect.height), (10.0, 20.0, 30.0, 40.0));
    /// assert_eq!(BarcodeRect::from_value(&json!({ "x": 10, "y": 20, "width": 30, "height": 40 })), Some(rect));
    /// assert_eq!(BarcodeRect::from_value(&json!([10, 20, 30, 40])), Some(rect));
    /// assert_eq!(BarcodeRect::from_value(&json!("{X=10}")), None);
    /// ```
    pub fn from_value(value: &Value) -> Option<BarcodeRect> {
        let mut found = [None; 4];
        let slot = |name: &str| match name.trim().to_ascii_lowercase().as_str() {
            "x" | "left" => Some(0),
            "y" | "top" => Some(1),
            "width" => Some(2),
            "height" => Some(3),
            _ => None,
        };
        match value {
            Value::String(text) => {
                let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
                for pair in inner.split([',', ';']) {
                    let (name, number) = pair.split_once(['=', ':'])?;
                    if let Some(i) = slot(name) {
                        found[i] = number.trim().parse::<f64>().ok();
                    }
                }
            }
            Value::Object(fields) => {
                for (name, v) in fields {
                    if let Some(i) = slot(name) {
                        found[i] = number(Some(v));
                    }
                }
            }
            Value::Array(items) if items.len() == 4 => {
                for (i, v) in items.iter().enumerate() {
                    found[i] = number(Some(v));
                }
            }
            _ => return None,
        }
        match found {
            [Some(x), Some(y), Some(width), Some(height)]
                if [x, y, width, height].iter().all(|v| v.is_finite()) =>
            {
                Some(BarcodeRect {
                    x,
                    y,
                    width,
                    height,
                })
            }
            _ => None,
        }
    }
}

/// A stored file's hash, from `file/hash`: what [`Run::json`](crate::Run::json) returns for
/// it (the `hash` text), or a whole answer holding `hash`. PDF.co calls it MD5 in one place
/// but its example is 64 hex digits, a SHA-256; the text is kept as sent.
///
/// # Example
///
/// ```
/// let answer = serde_json::json!({ "hash": "D942E5", "error": false });
/// let hash = pdfco::FileHash::from_value(&answer)?;
/// assert_eq!(hash.hex(), "d942e5");
/// assert_eq!(hash.as_str(), "D942E5");
/// # Ok::<(), pdfco::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileHash {
    hash: String,
    raw: Value,
}

impl FileHash {
    /// Reads the hash from the `hash` text or an object holding it.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] for JSON that holds no `hash` text.
    pub fn from_value(value: &Value) -> Result<FileHash, Error> {
        let hash = match value {
            Value::String(hash) => Some(hash.as_str()),
            Value::Object(fields) => fields.get("hash").and_then(Value::as_str),
            _ => None,
        }
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .ok_or_else(|| not_shaped("no `hash` text in the JSON", value))?;
        Ok(FileHash {
            hash: hash.to_string(),
            raw: value.clone(),
        })
    }

    /// The hash as PDF.co sent it.
    pub fn as_str(&self) -> &str {
        &self.hash
    }

    /// The hash in lowercase hex, for comparing with a locally computed digest.
    pub fn hex(&self) -> String {
        self.hash.to_ascii_lowercase()
    }

    /// The JSON read, as it came.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_has_a_spelling_and_parses_back() {
        let generated = BarcodeType::ALL
            .iter()
            .filter(|t| t.generate_name().is_some())
            .count();
        let read = BarcodeType::ALL
            .iter()
            .filter(|t| t.read_name().is_some())
            .count();
        // The counts of PDF.co's two lists.
        assert_eq!((generated, read), (55, 46));
        for t in BarcodeType::ALL {
            for name in [t.generate_name(), t.read_name()].into_iter().flatten() {
                assert_eq!(name.parse::<BarcodeType>().ok(), Some(*t), "{name}");
            }
        }
        assert!("nope".parse::<BarcodeType>().is_err());
    }

    #[test]
    fn encoded_values_are_recognised_as_base64() {
        for encoded in ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg=="] {
            assert!(is_base64(encoded));
        }
        assert!(!is_base64("a b"));
    }

    #[test]
    fn results_take_every_documented_shape() {
        let barcode = json!({ "Value": "v", "Page": "2", "Confidence": "0.5", "Type": "Code128",
                              "Rect": { "X": 1, "Y": 2, "Width": 3, "Height": 4 } });
        for shape in [
            json!([barcode.clone()]),
            json!({ "barcodes": [barcode.clone()] }),
            json!({ "body": { "barcodes": [barcode.clone()] } }),
        ] {
            let found = Barcodes::from_value(&shape).unwrap();
            let first = &found.as_slice()[0];
            assert_eq!(first.page(), Some(2));
            assert_eq!(first.confidence(), Some(0.5));
            assert_eq!(first.barcode_type(), Some(BarcodeType::Code128));
            assert_eq!(first.rect().map(|r| r.height), Some(4.0));
        }
        assert!(Barcodes::from_value(&json!({ "body": 1 })).is_err());
        assert!(Barcodes::from_value(&json!([1])).is_err());
        assert!(FileHash::from_value(&json!("ab")).is_ok());
        assert!(FileHash::from_value(&json!({ "hash": 1 })).is_err());
        assert!(FileHash::from_value(&json!({ "hash": "" })).is_err());
    }
}
