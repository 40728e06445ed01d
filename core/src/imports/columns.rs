//! Which column fills which field: guessed from the header row (the names spreadsheets
//! and other systems commonly use, compared folded: "E-mail", "e_mail" and "EMAIL" are
//! one), or given as `first=Given,last=Surname,dob=DOB` on the command line.

use super::ImportField;
use crate::text::fold;
use crate::{Error, Result};

/// The header names each field is recognised by, folded and without spaces.
fn aliases(field: ImportField) -> &'static [&'static str] {
    match field {
        ImportField::FirstName => {
            &["first", "firstname", "givenname", "given", "forename", "fname", "vorname", "prenom"]
        }
        ImportField::LastName => {
            &["last", "lastname", "surname", "familyname", "family", "lname", "nachname", "nom", "apellido"]
        }
        ImportField::DateOfBirth => &["dob", "dateofbirth", "birthdate", "birthday", "born", "birth", "geburtsdatum"],
        ImportField::Sex => &["sex", "gender"],
        ImportField::Phone => &[
            "phone",
            "mobile",
            "cell",
            "telephone",
            "tel",
            "phonenumber",
            "mobilephone",
            "mobilenumber",
            "cellphone",
            "homephone",
        ],
        ImportField::Email => &["email", "emailaddress", "mail"],
        ImportField::Address => &["address", "streetaddress", "homeaddress", "postaladdress", "street"],
        ImportField::Allergies => &["allergies", "allergy", "knownallergies"],
        ImportField::Medications => &["medications", "medication", "medicines", "currentmedications", "drugs"],
        ImportField::Notes => &["notes", "note", "comments", "comment", "remarks"],
        ImportField::ExternalId => {
            &["id", "patientid", "externalid", "patientnumber", "recordnumber", "mrn", "chartnumber", "clientid"]
        }
    }
}

/// A header folded for comparison: "Date of Birth" → "dateofbirth".
fn key(header: &str) -> String {
    fold(header).replace(' ', "")
}

/// The field of each header, as far as the header names one (each field once, the
/// first column that names it).
pub fn auto_columns(headers: &[String]) -> Vec<Option<ImportField>> {
    let mut columns: Vec<Option<ImportField>> = Vec::with_capacity(headers.len());
    for header in headers {
        let key = key(header);
        let field =
            ImportField::ALL.into_iter().find(|f| aliases(*f).contains(&key.as_str()) && !columns.contains(&Some(*f)));
        columns.push(field);
    }
    columns
}

/// The mapping `text` describes — `field=Header` pairs separated by commas, fields as
/// [`ImportField::key`] names them — over the headers' own guess.
pub fn parse_mapping(text: &str, headers: &[String]) -> Result<Vec<Option<ImportField>>> {
    let mut columns = auto_columns(headers);
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, header)) = pair.split_once('=') else {
            return Err(Error::invalid("mapping", format!("\"{pair}\" is not field=Header (e.g. dob=Date of Birth).")));
        };
        let known = ImportField::ALL.iter().map(|f| f.key()).collect::<Vec<_>>().join(", ");
        let field = ImportField::ALL.into_iter().find(|f| f.key() == name.trim().to_lowercase()).ok_or_else(|| {
            Error::invalid("mapping", format!("\"{}\" is not a field; use one of {known}.", name.trim()))
        })?;
        let column = headers.iter().position(|h| h.trim().eq_ignore_ascii_case(header.trim())).ok_or_else(|| {
            Error::invalid(
                "mapping",
                format!("The file has no column \"{}\" (its columns: {}).", header.trim(), headers.join(", ")),
            )
        })?;
        for c in columns.iter_mut().filter(|c| **c == Some(field)) {
            *c = None;
        }
        columns[column] = Some(field);
    }
    Ok(columns)
}
