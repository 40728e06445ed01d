//! Renders a [`HandoutInput`] to PDF with the shared Typst pipeline
//! ([`crate::typeset`]): the template `handout.typ`, the handout's values as JSON, the
//! clinic's logo as the virtual file "/logo".
//!
//! The same input gives the same bytes: the PDF's date is `created_at`, not the clock.

use super::HandoutInput;
use crate::typeset::Template;
use crate::{Error, Result};

static HANDOUT: Template = Template::new("/handout.typ", include_str!("handout.typ"), "handout");

/// Renders the handout as PDF bytes.
///
/// Fails with [`Error::Validation`] on `createdAt` if it is not an RFC 3339 date-time,
/// and with [`Error::Internal`] (Typst's diagnostics in the message) if Typst cannot
/// compile the handout, e.g. because the logo is not a PNG or JPEG.
pub fn render_pdf(input: &HandoutInput) -> Result<Vec<u8>> {
    let mut data = serde_json::to_value(input).map_err(|e| Error::Internal(e.to_string()))?;
    let fields = data.as_object_mut().expect("a struct serialises to an object");
    fields.remove("logo");
    fields.insert("hasLogo".into(), input.logo.is_some().into());
    HANDOUT.render(&data, input.logo.as_deref(), &input.created_at)
}
