//! What a printed aftercare handout says: plain data, filled in by the caller from the
//! session, the clinic's settings and the chosen articles. Rich text is a small tree of
//! blocks and spans (bold, italic), never markup, so nothing a user types can change
//! the layout or reach the renderer as code.

use serde::{Deserialize, Serialize};
use specta::Type;

pub use crate::markdown::{Block, Span};

/// The paper size the clinic prints on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Paper {
    A4,
    Letter,
}

/// The clinic's letterhead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClinicHeader {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// A patient-education article printed after the personal part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HandoutArticle {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Where the article comes from, printed small under it.
    pub source: String,
}

/// Everything printed on one patient's aftercare handout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HandoutInput {
    pub paper: Paper,
    pub clinic: ClinicHeader,
    /// PNG or JPEG bytes of the clinic's logo, if it has one (not serialised to the
    /// template as text; given to Typst as a virtual file).
    pub logo: Option<Vec<u8>>,
    pub patient_name: String,
    /// As the clinic writes dates, e.g. "29/11/2026"
    pub session_date: String,
    /// The handout's heading, printed as written, e.g. "Aftercare after your neurotoxin
    /// treatment" (an aftercare template's title).
    pub title: String,
    /// What was treated, one line each, e.g. "Glabella 20 U, Forehead 10 U — Botox
    /// Cosmetic 100 U, lot C1234"
    pub treated: Vec<String>,
    pub instructions: Vec<Block>,
    /// Warning signs and what to do (e.g. for toxins the emergency line), printed in a box.
    pub warnings: Vec<Block>,
    /// e.g. "13 December 2026", or empty
    pub follow_up_date: String,
    pub articles: Vec<HandoutArticle>,
    /// UTC ISO-8601: the handout's creation time, written as the PDF's date so the same
    /// input always gives the same bytes.
    pub created_at: String,
    /// Footer line, e.g. "Given by Nadia Needle on 29/11/2026 · Glabella Demo Clinic"
    pub footer: String,
}
