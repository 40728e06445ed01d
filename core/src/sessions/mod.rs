//! Injection sessions: what an injector records for each treatment — consent, the
//! contraindication screen, each point on the face chart with its vial and dose,
//! adverse events, notes, follow-up and next-due dates. A session is a draft, saved as
//! the injector goes, until an injector signs it; then the database itself refuses any
//! change (migration 0003) and corrections are appended as amendments.
//!
//! This module holds the types that cross IPC, the validation and the derived figures
//! (totals per area and per product — never one total across products — and the soft
//! warnings); `ops` holds the SQL.

mod areas;
mod ops;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::calendar::DateFormat;
use crate::error::FieldError;
use crate::products::{DoseUnit, TreatmentKind};
use crate::stock::round;
use crate::text;
use crate::{Error, Result};
pub(crate) use areas::label as area_label;
pub use areas::{face_areas, FaceArea};
pub(crate) use ops::load as load_session;
pub use ops::{amend_session, list_sessions, open_session, save_session, sign_session, start_session};

/// Days after a session for the default follow-up review.
pub const FOLLOW_UP_DAYS: u64 = 14;
/// Days after a toxin session for the default next-due date.
pub const NEXT_DUE_DAYS: u64 = 90;
/// Re-treatment with a toxin sooner than this many days is warned about.
pub const RETREATMENT_DAYS: i64 = 90;

/// One injection point: where on the face chart, which vial, how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PointInput {
    pub vial_id: i64,
    /// An area code of [`face_areas`].
    pub area: String,
    /// Position on the face chart: 0..1 across, 0..1 down.
    pub x: f64,
    pub y: f64,
    /// In the product's unit (U or mL).
    pub dose: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

impl Severity {
    fn as_str(self) -> &'static str {
        match self {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Severe => "severe",
        }
    }

    fn parse(s: &str) -> Severity {
        match s {
            "severe" => Severity::Severe,
            "moderate" => Severity::Moderate,
            _ => Severity::Mild,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AdverseEvent {
    pub what: String,
    pub severity: Severity,
    pub action_taken: String,
}

/// Everything the injector edits on the session screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionForm {
    pub kind: TreatmentKind,
    pub consent_confirmed: bool,
    /// Which consent form the patient signed, e.g. "Neurotoxin consent v3".
    pub consent_version: String,
    /// The allergies, flags and contraindications were reviewed with the patient.
    pub screen_acknowledged: bool,
    pub points: Vec<PointInput>,
    pub adverse_events: Vec<AdverseEvent>,
    pub notes: String,
    /// `YYYY-MM-DD` or empty.
    pub follow_up_date: String,
    /// `YYYY-MM-DD` or empty.
    pub next_due_date: String,
}

/// A point as shown: with its area's name, its product and lot, and the volume to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PointDetail {
    /// 1, 2, 3 … as numbered on the face chart.
    pub number: i64,
    pub area: String,
    pub area_label: String,
    pub vial_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub lot_number: String,
    pub dose: f64,
    pub unit: DoseUnit,
    /// mL to draw for the dose, from the vial's dilution.
    pub volume_ml: Option<f64>,
}

/// The total of one product in one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AreaTotal {
    pub area: String,
    pub area_label: String,
    pub product_name: String,
    pub dose: f64,
    pub unit: DoseUnit,
}

/// The total of one product in a session, with the lots it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductTotal {
    pub product_name: String,
    pub dose: f64,
    pub unit: DoseUnit,
    pub lot_numbers: Vec<String>,
}

/// A correction appended to a signed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Amendment {
    pub id: i64,
    pub author_name: String,
    /// UTC, ISO-8601.
    pub at: String,
    pub reason: String,
    pub text: String,
}

/// A session in the chart's timeline: enough for the front desk (no clinical notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub id: i64,
    /// UTC, ISO-8601.
    pub started_at: String,
    pub kind: TreatmentKind,
    pub signed: bool,
    pub injector_name: String,
    pub areas: Vec<AreaTotal>,
    pub products: Vec<ProductTotal>,
    pub amendments: i64,
}

/// A whole session, as the injector sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: i64,
    pub patient_id: i64,
    pub injector_name: String,
    /// UTC, ISO-8601.
    pub started_at: String,
    pub form: SessionForm,
    /// UTC, ISO-8601; `None` while a draft.
    pub signed_at: Option<String>,
    pub signed_by_name: Option<String>,
    /// In the order of `form.points`.
    pub points: Vec<PointDetail>,
    pub area_totals: Vec<AreaTotal>,
    pub product_totals: Vec<ProductTotal>,
    /// The vials and syringes the points come from, with their dilution.
    pub vials: Vec<crate::stock::Vial>,
    /// Soft warnings: advice, never a block.
    pub warnings: Vec<String>,
    pub amendments: Vec<Amendment>,
    /// The patient's previous signed session.
    pub last_visit: Option<SessionSummary>,
}

const TEXT_MAX: usize = 1000;
const NOTES_MAX: usize = 20_000;
const POINTS_MAX: usize = 200;

impl SessionForm {
    /// Checks what a draft may hold; returns it trimmed, or every problem found.
    /// Signing asks for more ([`SessionForm::check_signable`]). A message about a date
    /// shows it the clinic's way (`dates`).
    pub fn validated(&self, session_day: NaiveDate, dates: DateFormat) -> Result<SessionForm> {
        let mut f = self.clone();
        let mut problems = Vec::new();
        let mut problem = |field, message: String| problems.push(FieldError { field, message });
        f.consent_version = f.consent_version.trim().to_string();
        f.notes = f.notes.trim().to_string();
        if f.consent_version.chars().count() > 100 {
            problem("consentVersion", "The consent version is one line of at most 100 characters.".into());
        } else if let Some(message) = text::line_problem(&f.consent_version) {
            problem("consentVersion", message);
        }
        if f.notes.chars().count() > NOTES_MAX {
            problem("notes", format!("Notes are too long (at most {NOTES_MAX} characters)."));
        } else if let Some(message) = text::text_problem(&f.notes) {
            problem("notes", message);
        }
        if f.points.len() > POINTS_MAX {
            problem("points", format!("A session holds at most {POINTS_MAX} points."));
        }
        for (i, p) in f.points.iter().enumerate() {
            let n = i + 1;
            match areas::area(&p.area) {
                None => problem("points", format!("Point {n}: choose an area of the face chart.")),
                Some(a) if !area_fits(a, f.kind) => {
                    problem("points", format!("Point {n}: {} is not an area for this kind of treatment.", a.1))
                }
                _ => {}
            }
            if !(p.dose.is_finite() && p.dose > 0.0 && p.dose <= 1000.0) {
                problem("points", format!("Point {n}: the dose must be a number above 0."));
            }
            if !((0.0..=1.0).contains(&p.x) && (0.0..=1.0).contains(&p.y)) {
                problem("points", format!("Point {n} lies outside the face chart."));
            }
        }
        for (i, e) in f.adverse_events.iter_mut().enumerate() {
            e.what = e.what.trim().to_string();
            e.action_taken = e.action_taken.trim().to_string();
            if e.what.is_empty() {
                problem("adverseEvents", format!("Adverse event {}: say what happened.", i + 1));
            }
            if e.what.chars().count() > TEXT_MAX || e.action_taken.chars().count() > TEXT_MAX {
                problem(
                    "adverseEvents",
                    format!(
                        "Adverse event {}: what happened and what was done are at most {TEXT_MAX} characters each.",
                        i + 1
                    ),
                );
            } else if let Some(message) = text::text_problem(&e.what).or_else(|| text::text_problem(&e.action_taken)) {
                problem("adverseEvents", format!("Adverse event {}: {message}", i + 1));
            }
        }
        for (value, field, label) in
            [(&mut f.follow_up_date, "followUpDate", "follow-up"), (&mut f.next_due_date, "nextDueDate", "next-due")]
        {
            *value = value.trim().to_string();
            if value.is_empty() {
                continue;
            }
            match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Err(_) => problem(
                    field,
                    format!("The {label} date is not a valid date (write it as {}).", dates.hint(2027, 1, 15)),
                ),
                Ok(day) if day < session_day => problem(field, format!("The {label} date is before the session.")),
                Ok(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(f)
        } else {
            Err(Error::Validation(problems))
        }
    }

    /// What signing needs beyond a valid draft: consent, the screen, at least one point.
    fn check_signable(&self) -> Result<()> {
        let mut problems = Vec::new();
        let mut problem = |field, message: &str| problems.push(FieldError { field, message: message.into() });
        if !self.consent_confirmed {
            problem("consentConfirmed", "Confirm that the patient has given consent before signing.");
        }
        if self.consent_version.is_empty() {
            problem("consentVersion", "Enter which consent form version the patient signed.");
        }
        if !self.screen_acknowledged {
            problem(
                "screenAcknowledged",
                "Review the allergies, medical flags and contraindications with the patient, then tick the box.",
            );
        }
        if self.points.is_empty() {
            problem("points", "Place at least one injection point on the face chart before signing.");
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(problems))
        }
    }
}

fn area_fits(area: &areas::AreaRow, kind: TreatmentKind) -> bool {
    match kind {
        TreatmentKind::Neurotoxin => area.2,
        TreatmentKind::Filler => area.3,
        TreatmentKind::Other => true,
    }
}

/// Totals per (area, product) in chart order, and per product with its lots: doses of
/// different products are never added together.
fn totals(points: &[PointDetail]) -> (Vec<AreaTotal>, Vec<ProductTotal>) {
    let mut by_area: Vec<AreaTotal> = Vec::new();
    let mut by_product: BTreeMap<(String, i64), ProductTotal> = BTreeMap::new();
    for p in points {
        match by_area.iter_mut().find(|t| t.area == p.area && t.product_name == p.product_name) {
            Some(t) => t.dose = round(t.dose + p.dose),
            None => by_area.push(AreaTotal {
                area: p.area.clone(),
                area_label: p.area_label.clone(),
                product_name: p.product_name.clone(),
                dose: p.dose,
                unit: p.unit,
            }),
        }
        let t = by_product.entry((p.product_name.clone(), p.product_id)).or_insert_with(|| ProductTotal {
            product_name: p.product_name.clone(),
            dose: 0.0,
            unit: p.unit,
            lot_numbers: Vec::new(),
        });
        t.dose = round(t.dose + p.dose);
        if !t.lot_numbers.contains(&p.lot_number) {
            t.lot_numbers.push(p.lot_number.clone());
        }
    }
    (by_area, by_product.into_values().collect())
}

/// The typical-dose advice for one product in one area, if it is outside the range:
/// the range is in Botox units, scaled by the product's `dose_scale` (Dysport 2.5–3).
fn dose_advice(total: &AreaTotal, scale: (Option<f64>, Option<f64>)) -> Option<String> {
    let (_, label, _, _, typical) = areas::area(&total.area)?;
    let (min, max) = (*typical)?;
    let (Some(scale_min), Some(scale_max)) = scale else { return None };
    let (low, high) = (round(min * scale_min), round(max * scale_max));
    let side = if total.area.ends_with("_left") || total.area.ends_with("_right") { " per side" } else { "" };
    let where_ = if total.dose < low {
        "below"
    } else if total.dose > high {
        "above"
    } else {
        return None;
    };
    Some(format!(
        "{label}: {} {} of {} is {where_} the typical {low}–{high} {}{side}. This is advice, not a limit.",
        total.dose,
        total.unit.symbol(),
        total.product_name,
        total.unit.symbol(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(area: &str, product: &str, product_id: i64, lot: &str, dose: f64) -> PointDetail {
        PointDetail {
            number: 0,
            area: area.into(),
            area_label: areas::label(area),
            vial_id: 1,
            product_id,
            product_name: product.into(),
            lot_number: lot.into(),
            dose,
            unit: DoseUnit::Units,
            volume_ml: None,
        }
    }

    #[test]
    fn totals_are_per_area_and_per_product_never_across_products() {
        let points = [
            point("glabella", "Botox Cosmetic 100 U", 2, "C1234", 4.0),
            point("glabella", "Botox Cosmetic 100 U", 2, "C1234", 4.0),
            point("glabella", "Botox Cosmetic 100 U", 2, "C9999", 4.1),
            point("forehead", "Botox Cosmetic 100 U", 2, "C1234", 2.0),
            point("glabella", "Dysport 300 U", 3, "D77", 10.0),
        ];
        let (areas, products) = totals(&points);
        let glabella: Vec<_> = areas.iter().filter(|t| t.area == "glabella").collect();
        assert_eq!(glabella.len(), 2, "Botox and Dysport units in the glabella stay apart");
        assert_eq!((glabella[0].product_name.as_str(), glabella[0].dose), ("Botox Cosmetic 100 U", 12.1));
        assert_eq!((glabella[1].product_name.as_str(), glabella[1].dose), ("Dysport 300 U", 10.0));
        assert_eq!(products.len(), 2);
        assert_eq!(products[0].dose, 14.1);
        assert_eq!(products[0].lot_numbers, ["C1234", "C9999"]);
        assert_eq!(products[1].dose, 10.0);
    }

    #[test]
    fn dose_advice_scales_with_the_brand_and_never_blocks() {
        let botox = |area: &str, dose| AreaTotal {
            area: area.into(),
            area_label: areas::label(area),
            product_name: "Botox Cosmetic 100 U".into(),
            dose,
            unit: DoseUnit::Units,
        };
        assert_eq!(dose_advice(&botox("glabella", 20.0), (Some(1.0), Some(1.0))), None);
        let high = dose_advice(&botox("glabella", 40.0), (Some(1.0), Some(1.0))).unwrap();
        assert!(high.contains("above the typical 15–25 U"), "{high}");
        let low = dose_advice(&botox("crows_feet_left", 4.0), (Some(1.0), Some(1.0))).unwrap();
        assert!(low.contains("below the typical 10–15 U per side"), "{low}");
        // 50 Dysport units in the glabella are within 2.5–3 × the Botox range.
        assert_eq!(
            dose_advice(
                &AreaTotal { product_name: "Dysport 300 U".into(), ..botox("glabella", 50.0) },
                (Some(2.5), Some(3.0))
            ),
            None
        );
        assert_eq!(dose_advice(&botox("upper_lip", 50.0), (Some(1.0), Some(1.0))), None, "no typical range");
        assert_eq!(dose_advice(&botox("glabella", 90.0), (None, None)), None, "no advice without a scale");
    }
}
