//! Folding of names and queries for search and duplicate detection: lower case, no
//! accents ("Núñez" → "nunez", "Øvergaard" → "overgaard"), apostrophes dropped
//! ("O'Brien" → "obrien"). Index and query go through the same functions, so whatever
//! a receptionist types is compared like with like.

use deunicode::deunicode;

/// Lower-case ASCII transliteration, apostrophes kept (they matter to [`words`]).
fn fold_keep_apostrophes(s: &str) -> String {
    deunicode(s).to_lowercase()
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '`')
}

/// Folds `s` into one comparison key: lower case, no accents, no apostrophes, words
/// separated by single spaces.
pub fn fold(s: &str) -> String {
    words(s).join(" ")
}

/// The folded words of `s`: split on anything that is not a letter or digit, with
/// apostrophes removed inside a word ("O'Brien" → `["obrien"]`).
pub fn words(s: &str) -> Vec<String> {
    fold_keep_apostrophes(s)
        .replace(is_apostrophe, "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The words to index for a name: [`words`] plus the parts of apostrophe words, so
/// "O'Brien" is found by "obr" and by "brien".
pub fn name_terms(s: &str) -> Vec<String> {
    let mut terms = words(s);
    for piece in fold_keep_apostrophes(s).split(|c: char| !(c.is_ascii_alphanumeric() || is_apostrophe(c))) {
        if piece.contains(is_apostrophe) {
            terms.extend(piece.split(is_apostrophe).filter(|p| !p.is_empty()).map(str::to_string));
        }
    }
    terms
}

/// The digits of a phone number, formatting dropped: "+1 (555) 010-2030" → "15550102030".
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Shortest phone-digit fragment that is indexed as its own term.
pub const MIN_PHONE_FRAGMENT: usize = 3;

/// Every suffix of a phone number's digits at least [`MIN_PHONE_FRAGMENT`] long, so a
/// prefix search finds any run of digits, wherever it stands in the number.
pub fn phone_terms(phone: &str) -> Vec<String> {
    let d = digits(phone);
    (0..d.len().saturating_sub(MIN_PHONE_FRAGMENT - 1)).map(|i| d[i..].to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_apostrophes() {
        assert_eq!(fold("Núñez"), "nunez");
        assert_eq!(fold("  ZOË   O’Brien-Smith "), "zoe obrien smith");
        assert_eq!(fold("Øvergaard"), "overgaard");
    }

    #[test]
    fn apostrophe_names_are_indexed_whole_and_in_parts() {
        assert_eq!(name_terms("O'Brien"), vec!["obrien", "o", "brien"]);
        assert_eq!(name_terms("Anne-Marie"), vec!["anne", "marie"]);
    }

    #[test]
    fn phone_suffixes_ignore_formatting() {
        assert_eq!(digits("+1 (555) 010-2030"), "15550102030");
        assert_eq!(phone_terms("(555) 12"), vec!["55512", "5512", "512"]);
        assert!(phone_terms("12").is_empty());
    }
}
