//! Aftercare handouts: the clinic's templates (`templates`), the document's data
//! (`document`), the PDF typeset with Typst (`pdf`), and the record of each handout
//! given (`records`).

mod document;
mod pdf;
mod records;
mod templates;

pub use document::*;
pub use pdf::render_pdf;
pub use records::{
    clinic_logo, give_handout, handout_file_name, handout_paper, list_handouts, prepare_handout, prepare_reprint,
    record_failure, record_handout, record_reprint, reprint_handout, set_clinic_logo, set_handout_paper, GivenArticle,
    HandoutOutput, HandoutRecord, PreparedHandout,
};
pub use templates::{
    current_templates, save_template, seed_templates, template_versions, AftercareTemplate, PLACEHOLDERS,
};
