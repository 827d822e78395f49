//! The help of the tool and of each command, printed by `--help` and `pdfco help COMMAND`.

pub(crate) const HELP: &str = "pdfco: PDF.co from the command line

usage:
  pdfco convert --to FORMAT INPUT OUTPUT [options]
  pdfco merge OUTPUT INPUT INPUT... [--any]
  pdfco info INPUT [--password P]
  pdfco call ENDPOINT [--input FILE_OR_URL]... [--param NAME=VALUE]... [--json NAME=JSON]...
             [--output PATH]
  pdfco split INPUT OUTDIR --pages RANGES
  pdfco rotate INPUT OUTPUT --angle 90|180|270 [--pages P]
  pdfco delete-pages INPUT OUTPUT --pages P
  pdfco compress INPUT OUTPUT
  pdfco protect INPUT OUTPUT --owner-password-env VAR [--user-password-env VAR]
  pdfco unprotect INPUT OUTPUT --password-env VAR
  pdfco to-pdf INPUT... OUTPUT
  pdfco barcode VALUE OUTPUT [--type TYPE]
  pdfco check JOB_ID
  pdfco balance
  pdfco help [COMMAND]

options of every command:
  --timeout SECS    give up after SECS seconds (exit 5); a started job keeps running at PDF.co
  --help            this help

environment:
  PDFCO_API_KEY     your PDF.co API key (required)
  PDFCO_BASE_URL    another API base URL, such as an emulator's (optional)

exit codes:
  0 done, 1 network or other failure, 2 bad input (usage, a missing file, a bad option, no
  key), 3 refused by PDF.co or storage, 4 the job failed, 5 timeout, 130 interrupted (SIGINT or
  SIGTERM; temporary files removed, an existing output left as it was, the job id printed)";

pub(crate) const HELP_CONVERT: &str = "usage: pdfco convert --to FORMAT INPUT OUTPUT [options]

Converts INPUT (a local file, or an http(s) URL that PDF.co fetches itself) into OUTPUT. Page
images (png, jpg, webp) go into the folder OUTPUT. OUTPUT may be /dev/stdout or /dev/null.

formats: json, json2, json-meta, csv, xml, text, text-simple, html, xlsx, xls, png, jpg, webp, tiff

options:
  --pages P             pages to convert, 0-based as PDF.co takes them: 0,2-5,7-
  --password P          the input's password (or --password-env VAR to read it from VAR)
  --rect X,Y,W,H        only this area of each page, in points
  --lang L              OCR language, such as eng or eng+deu
  --sync                convert synchronously (PDF.co allows about 30 s)
  --checkpoint FILE     write the job to FILE before waiting; a rerun continues that job
  --skip-unchanged      do nothing when OUTPUT is up to date with INPUT and the options
  --timeout SECS        give up after SECS seconds (exit 5)";

pub(crate) const HELP_MERGE: &str =
    "usage: pdfco merge OUTPUT INPUT INPUT... [--any] [--timeout SECS]

Merges the PDFs INPUT... (local files or http(s) URLs), in order, into OUTPUT (pdf/merge).
With --any, the inputs may also be images, Office documents or ZIP files (pdf/merge2).";

pub(crate) const HELP_INFO: &str = "usage: pdfco info INPUT [--password P] [--timeout SECS]

Prints what PDF.co reads from the PDF INPUT (a local file or an http(s) URL): page count,
page size, title, author, producer, encryption, permissions... (pdf/info), as JSON on stdout.";

pub(crate) const HELP_CALL: &str =
    "usage: pdfco call ENDPOINT [--input FILE_OR_URL]... [--param NAME=VALUE]...
                  [--json NAME=JSON]... [--output PATH] [--timeout SECS]

Calls any PDF.co endpoint. ENDPOINT is the path after /v1/ (pdf/edit/rotate, pdf/split,
barcode/generate...) or a path from the API root (/v2/pdf/compress).

  --input FILE_OR_URL   a document: a local file is uploaded first; several are sent in order,
                        comma-joined in `url`
  --param NAME=VALUE    a parameter, sent as a JSON string
  --json NAME=JSON      a parameter given as JSON: a number, true, an array, an object...
  --output PATH         save the result: one file to PATH; several (page images, split parts)
                        into the folder PATH as {input stem}-1.ext, -2.ext...; data as JSON

Requests run as background jobs unless --param async=false; the command waits for the job.
Without --output, the final answer (the job check or the synchronous answer) is printed as
JSON on stdout.";

pub(crate) const HELP_SPLIT: &str =
    "usage: pdfco split INPUT OUTDIR --pages RANGES [--timeout SECS]

Splits the PDF INPUT (a local file or an http(s) URL) into one PDF per range, saved into the
folder OUTDIR as {input stem}-1.pdf, -2.pdf... (pdf/split). RANGES count pages from 1, as
PDF.co takes them here: 1-2,3- makes two files; !1 is the last page; * makes one file per
page.";

pub(crate) const HELP_ROTATE: &str =
    "usage: pdfco rotate INPUT OUTPUT --angle 90|180|270 [--pages P] [--timeout SECS]

Rotates pages of the PDF INPUT clockwise by the angle into OUTPUT (pdf/edit/rotate). --pages
counts from 0 here, as PDF.co takes it: 0,2-5,7-; every page by default.";

pub(crate) const HELP_DELETE_PAGES: &str =
    "usage: pdfco delete-pages INPUT OUTPUT --pages P [--timeout SECS]

Removes pages from the PDF INPUT, saving the rest to OUTPUT (pdf/edit/delete-pages). --pages
counts from 1 here, as PDF.co takes it: 1,3-4; !1 is the last page.";

pub(crate) const HELP_COMPRESS: &str = "usage: pdfco compress INPUT OUTPUT [--timeout SECS]

Makes the PDF INPUT smaller, saving it to OUTPUT (/v2/pdf/compress, PDF.co's default settings).";

pub(crate) const HELP_PROTECT: &str = "usage: pdfco protect INPUT OUTPUT --owner-password-env VAR
                    [--user-password-env VAR] [--timeout SECS]

Encrypts the PDF INPUT into OUTPUT (pdf/security/add, PDF.co's default AES 128-bit). The
passwords are read from environment variables, so they never show in the process list: the
owner password (full rights) and, optionally, the user password needed to open the file.";

pub(crate) const HELP_UNPROTECT: &str =
    "usage: pdfco unprotect INPUT OUTPUT --password-env VAR [--timeout SECS]

Removes the password and restrictions of the PDF INPUT, saving it to OUTPUT
(pdf/security/remove); the password is read from the environment variable VAR.";

pub(crate) const HELP_TO_PDF: &str = "usage: pdfco to-pdf INPUT... OUTPUT [--timeout SECS]

Converts INPUT into the PDF OUTPUT, by its kind: a web page (http(s) URL: pdf/convert/from/url),
HTML (.html, .htm: pdf/convert/from/html), a document (.doc, .docx, .rtf, .txt, .xps:
pdf/convert/from/doc), a spreadsheet (.csv, .xls, .xlsx: xls/convert/to/pdf), images (.png,
.jpg, .jpeg, .gif, .bmp, .tif, .tiff, .webp: pdf/convert/from/image, several into one PDF) or an
email (.eml, .msg: pdf/convert/from/email).";

pub(crate) const HELP_BARCODE: &str =
    "usage: pdfco barcode VALUE OUTPUT [--type TYPE] [--timeout SECS]

Draws a barcode holding VALUE into the PNG OUTPUT (barcode/generate). TYPE is PDF.co's name,
such as QRCode (the default), Code128, Code39, DataMatrix, PDF417, EAN13 or UPCA.";

pub(crate) const HELP_CHECK: &str = "usage: pdfco check JOB_ID [--timeout SECS]

Prints the job's state (working, success, failed, aborted, unknown) on stdout, and PDF.co's
message, if any, on stderr. Never prints the signed result URL.";

pub(crate) const HELP_BALANCE: &str = "usage: pdfco balance [--timeout SECS]

Prints the credits left on the account on stdout.";

/// A command's help.
pub(crate) fn help_of(command: &str) -> Option<&'static str> {
    Some(match command {
        "convert" => HELP_CONVERT,
        "merge" => HELP_MERGE,
        "info" => HELP_INFO,
        "call" => HELP_CALL,
        "split" => HELP_SPLIT,
        "rotate" => HELP_ROTATE,
        "delete-pages" => HELP_DELETE_PAGES,
        "compress" => HELP_COMPRESS,
        "protect" => HELP_PROTECT,
        "unprotect" => HELP_UNPROTECT,
        "to-pdf" => HELP_TO_PDF,
        "barcode" => HELP_BARCODE,
        "check" => HELP_CHECK,
        "balance" => HELP_BALANCE,
        _ => return None,
    })
}
