//! The named areas of the face chart, which treatments they belong to, and the typical
//! neurotoxin doses of PRODUCT.md (in Botox units; advice and soft warnings, never
//! limits). Paired areas are per side, so their typical dose is per side too.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One area of the face chart, as the UI lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FaceArea {
    /// Stored code, e.g. `crows_feet_left` (the patient's left).
    pub code: String,
    pub label: String,
    pub neurotoxin: bool,
    pub filler: bool,
    /// Typical total for the area in Botox units, e.g. 15–25 for the glabella.
    pub typical_min: Option<f64>,
    pub typical_max: Option<f64>,
}

/// (code, label, neurotoxin, filler, typical Botox units).
pub(super) type AreaRow = (&'static str, &'static str, bool, bool, Option<(f64, f64)>);

const AREAS: &[AreaRow] = &[
    ("glabella", "Glabella", true, false, Some((15.0, 25.0))),
    ("forehead", "Forehead", true, false, Some((10.0, 30.0))),
    ("crows_feet_right", "Crow's feet (right)", true, false, Some((10.0, 15.0))),
    ("crows_feet_left", "Crow's feet (left)", true, false, Some((10.0, 15.0))),
    ("bunny_lines", "Bunny lines", true, false, Some((4.0, 8.0))),
    ("upper_lip", "Upper lip", true, false, None),
    ("lip_flip", "Lip flip", true, false, Some((4.0, 8.0))),
    ("dao_right", "Depressor anguli oris (right)", true, false, None),
    ("dao_left", "Depressor anguli oris (left)", true, false, None),
    ("chin", "Chin", true, true, Some((5.0, 10.0))),
    ("masseter_right", "Masseter (right)", true, false, Some((20.0, 30.0))),
    ("masseter_left", "Masseter (left)", true, false, Some((20.0, 30.0))),
    ("platysma", "Platysma", true, false, Some((26.0, 36.0))),
    ("lips", "Lips", false, true, None),
    ("cheek_right", "Cheek (right)", false, true, None),
    ("cheek_left", "Cheek (left)", false, true, None),
    ("nasolabial_right", "Nasolabial fold (right)", false, true, None),
    ("nasolabial_left", "Nasolabial fold (left)", false, true, None),
    ("tear_trough_right", "Tear trough (right)", false, true, None),
    ("tear_trough_left", "Tear trough (left)", false, true, None),
    ("jawline_right", "Jawline (right)", false, true, None),
    ("jawline_left", "Jawline (left)", false, true, None),
];

/// Every area of the face chart.
pub fn face_areas() -> Vec<FaceArea> {
    AREAS
        .iter()
        .map(|&(code, label, neurotoxin, filler, typical)| FaceArea {
            code: code.into(),
            label: label.into(),
            neurotoxin,
            filler,
            typical_min: typical.map(|t| t.0),
            typical_max: typical.map(|t| t.1),
        })
        .collect()
}

/// The area with this code.
pub(super) fn area(code: &str) -> Option<&'static AreaRow> {
    AREAS.iter().find(|a| a.0 == code)
}

/// The label of an area code (the code itself if unknown, e.g. from a newer version).
pub(crate) fn label(code: &str) -> String {
    area(code).map_or_else(|| code.to_string(), |a| a.1.to_string())
}
