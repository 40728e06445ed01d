//! Renders a [`HandoutInput`] to PDF with Typst, used as a library.
//!
//! The template (`handout.typ`) is fixed at build time. The handout's values reach it
//! only as one JSON string in `sys.inputs`, and the logo only as the virtual file
//! "/logo": nothing is ever spliced into Typst source, so a patient called
//! `#read("/etc/passwd")` is printed as exactly that. The template can read no other
//! file: the only file the engine knows is the template itself.
//!
//! The fonts (DejaVu Sans, from `core/fonts`) are compiled into the binary, so the
//! handout looks the same on every computer. Parsing them and setting up Typst's
//! library happens once per process; Typst's own memoisation (comemo) then keeps warm
//! renders to a few milliseconds.
//!
//! The same input gives the same bytes: the PDF's date is `created_at`, not the clock.

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

use super::HandoutInput;
use crate::{Error, Result};

static TEMPLATE: &str = include_str!("handout.typ");

/// The four faces the template uses (regular, bold, italic, bold italic).
static FONTS: [&[u8]; 4] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Oblique.ttf"),
    include_bytes!("../../fonts/DejaVuSans-BoldOblique.ttf"),
];

/// The logo's virtual path. It has no extension on purpose: Typst then detects PNG or
/// JPEG from the bytes, whereas "/logo.png" would make it refuse a JPEG.
const LOGO_PATH: &str = "/logo";

/// Memoised results older than this many renders are dropped, so memory stays bounded
/// while the template's unchanged parts stay warm.
const CACHE_RENDERS: usize = 10;

/// Renders the handout as PDF bytes.
///
/// Fails with [`Error::Validation`] on `createdAt` if it is not an RFC 3339 date-time,
/// and with [`Error::Internal`] (Typst's diagnostics in the message) if Typst cannot
/// compile the handout, e.g. because the logo is not a PNG or JPEG.
pub fn render_pdf(input: &HandoutInput) -> Result<Vec<u8>> {
    let (created, today) = created_at(&input.created_at)?;

    let mut data = serde_json::to_value(input).map_err(|e| Error::Internal(e.to_string()))?;
    let fields = data.as_object_mut().expect("a struct serialises to an object");
    fields.remove("logo");
    fields.insert("hasLogo".into(), input.logo.is_some().into());
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.to_string().into_value());

    let engine = engine();
    let world = HandoutWorld {
        inner: engine.world_builder().with_inputs(inputs).build().map_err(|e| Error::Internal(e.to_string()))?,
        logo_id: LOGO_PATH.into_file_id(),
        logo: input.logo.clone().map(Bytes::new),
        today,
    };
    let document = typst::compile::<PagedDocument>(&world).output.map_err(typst_failed);
    typst::comemo::evict(CACHE_RENDERS);

    let options = PdfOptions { timestamp: Some(Timestamp::new_utc(created)), ..PdfOptions::default() };
    typst_pdf::pdf(&document?, &options).map_err(typst_failed)
}

/// The creation time as Typst's date-time (for the PDF) and date (for "today").
fn created_at(iso: &str) -> Result<(Datetime, Datetime)> {
    use chrono::{Datelike, Timelike};
    let bad = || Error::invalid("createdAt", "The handout's creation time is not a valid date and time.");
    let t = chrono::DateTime::parse_from_rfc3339(iso).map_err(|_| bad())?.naive_utc();
    // chrono's month, day, hour, minute and second all fit a u8.
    let (y, m, d) = (t.year(), t.month() as u8, t.day() as u8);
    let date_time = Datetime::from_ymd_hms(y, m, d, t.hour() as u8, t.minute() as u8, t.second() as u8);
    date_time.zip(Datetime::from_ymd(y, m, d)).ok_or_else(bad)
}

fn typst_failed(diagnostics: impl IntoIterator<Item = SourceDiagnostic>) -> Error {
    let messages: Vec<String> = diagnostics
        .into_iter()
        .map(|d| {
            let hints = d.hints.iter().map(|h| format!(" (hint: {})", h.v));
            std::iter::once(d.message.to_string()).chain(hints).collect()
        })
        .collect();
    Error::Internal(format!("The handout could not be typeset: {}", messages.join("; ")))
}

/// The engine holds the parsed template, the fonts and Typst's standard library, all
/// immutable, so one per process serves every render.
fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| TypstEngine::builder().main_file(("/handout.typ", TEMPLATE)).fonts(FONTS).build())
}

/// The engine's world for one render, plus what differs per handout and that
/// typst-as-lib cannot take per render: the logo file and a fixed "today".
struct HandoutWorld<'a> {
    inner: TypstWorld<'a>,
    logo_id: FileId,
    logo: Option<Bytes>,
    today: Datetime,
}

impl World for HandoutWorld<'_> {
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

    /// The handout's creation date rather than the clock's, so that even a template
    /// using `datetime.today()` gives the same bytes for the same input.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
