//! Typesets a fixed Typst template to PDF, used as a library: the aftercare handouts
//! and the front desk's paperwork (call list, day sheet) share this one pipeline.
//!
//! A [`Template`] is fixed at build time. Its values reach it only as one JSON string
//! in `sys.inputs.data`, and an image (the clinic's logo) only as the virtual file
//! "/logo": nothing is ever spliced into Typst source, so a patient called
//! `#read("/etc/passwd")` is printed as exactly that. A template can read no other
//! file: the only file its engine knows is the template itself.
//!
//! The fonts (DejaVu Sans, from `core/fonts`) are compiled into the binary, so a
//! document looks the same on every computer. Each template's engine (fonts, Typst's
//! library) is set up once per process; Typst's own memoisation (comemo) then keeps
//! warm renders to a few milliseconds.
//!
//! The same data gives the same bytes: the PDF's date is the `created_at` given, not
//! the clock.

use std::sync::OnceLock;

use typst::diag::{FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, IntoValue};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};
use typst_as_lib::conversions::IntoFileId;
use typst_as_lib::{TypstEngine, TypstTemplateMainFile, TypstWorld};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::{Error, Result};

/// The four faces the templates use (regular, bold, italic, bold italic).
static FONTS: [&[u8]; 4] = [
    include_bytes!("../fonts/DejaVuSans.ttf"),
    include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../fonts/DejaVuSans-BoldOblique.ttf"),
];

/// The image's virtual path. It has no extension on purpose: Typst then detects PNG or
/// JPEG from the bytes, whereas "/logo.png" would make it refuse a JPEG.
pub const LOGO_PATH: &str = "/logo";

/// Memoised results older than this many renders are dropped, so memory stays bounded
/// while the templates' unchanged parts stay warm.
const CACHE_RENDERS: usize = 10;

/// A Typst template compiled into the binary, with its engine, built on first use.
pub struct Template {
    /// The template's file name, e.g. "/handout.typ".
    path: &'static str,
    source: &'static str,
    /// What it makes, for messages: "handout", "call list".
    what: &'static str,
    engine: OnceLock<TypstEngine<TypstTemplateMainFile>>,
}

impl Template {
    /// A template named `path` with the Typst `source`, making a `what`.
    pub const fn new(path: &'static str, source: &'static str, what: &'static str) -> Template {
        Template { path, source, what, engine: OnceLock::new() }
    }

    /// The engine holds the parsed template, the fonts and Typst's standard library,
    /// all immutable, so one per template serves every render.
    fn engine(&self) -> &TypstEngine<TypstTemplateMainFile> {
        self.engine.get_or_init(|| TypstEngine::builder().main_file((self.path, self.source)).fonts(FONTS).build())
    }

    /// Typesets `data` (given to the template as JSON in `sys.inputs.data`) with the
    /// optional `logo` (PNG or JPEG bytes, the file "/logo"), dated `created_at`.
    ///
    /// Fails with [`Error::Validation`] on `createdAt` if it is not an RFC 3339
    /// date-time, and with [`Error::Internal`] (Typst's diagnostics in the message) if
    /// Typst cannot compile it, e.g. because the logo is not a PNG or JPEG.
    pub fn render(&self, data: &serde_json::Value, logo: Option<&[u8]>, created_at: &str) -> Result<Vec<u8>> {
        let (created, today) = self.created_at(created_at)?;
        let mut inputs = Dict::new();
        inputs.insert("data".into(), data.to_string().into_value());
        let world = OneRender {
            inner: self
                .engine()
                .world_builder()
                .with_inputs(inputs)
                .build()
                .map_err(|e| Error::Internal(e.to_string()))?,
            logo_id: LOGO_PATH.into_file_id(),
            logo: logo.map(|bytes| Bytes::new(bytes.to_vec())),
            today,
        };
        let document = typst::compile::<PagedDocument>(&world).output.map_err(|d| self.failed(d));
        typst::comemo::evict(CACHE_RENDERS);

        let options = PdfOptions { timestamp: Some(Timestamp::new_utc(created)), ..PdfOptions::default() };
        typst_pdf::pdf(&document?, &options).map_err(|d| self.failed(d))
    }

    /// The creation time as Typst's date-time (for the PDF) and date (for "today").
    fn created_at(&self, iso: &str) -> Result<(Datetime, Datetime)> {
        use chrono::{Datelike, Timelike};
        let bad =
            || Error::invalid("createdAt", format!("The {}'s creation time is not a valid date and time.", self.what));
        let t = chrono::DateTime::parse_from_rfc3339(iso).map_err(|_| bad())?.naive_utc();
        // chrono's month, day, hour, minute and second all fit a u8.
        let (y, m, d) = (t.year(), t.month() as u8, t.day() as u8);
        let date_time = Datetime::from_ymd_hms(y, m, d, t.hour() as u8, t.minute() as u8, t.second() as u8);
        date_time.zip(Datetime::from_ymd(y, m, d)).ok_or_else(bad)
    }

    fn failed(&self, diagnostics: impl IntoIterator<Item = SourceDiagnostic>) -> Error {
        let messages: Vec<String> = diagnostics
            .into_iter()
            .map(|d| {
                let hints = d.hints.iter().map(|h| format!(" (hint: {})", h.v));
                std::iter::once(d.message.to_string()).chain(hints).collect()
            })
            .collect();
        Error::Internal(format!("The {} could not be typeset: {}", self.what, messages.join("; ")))
    }
}

/// The engine's world for one render, plus what differs per document and that
/// typst-as-lib cannot take per render: the logo file and a fixed "today".
struct OneRender<'a> {
    inner: TypstWorld<'a>,
    logo_id: FileId,
    logo: Option<Bytes>,
    today: Datetime,
}

impl World for OneRender<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.inner.library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.inner.book()
    }

    fn main(&self) -> FileId {
        self.inner.main()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.inner.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match &self.logo {
            Some(logo) if id == self.logo_id => Ok(logo.clone()),
            _ => self.inner.file(id),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.inner.font(index)
    }

    /// The document's creation date rather than the clock's, so that even a template
    /// using `datetime.today()` gives the same bytes for the same data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
