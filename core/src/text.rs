//! Text as people type it: folding of names and queries for search and duplicate
//! detection, and the characters a field may hold.
//!
//! Folding: lower case, no accents ("Núñez" → "nunez", "Øvergaard" → "overgaard"),
//! apostrophes dropped ("O'Brien" → "obrien"). Index and query go through the same
//! functions, so whatever a receptionist types is compared like with like.
//!
//! Characters: a name, a phone number, a lot number — any one-line field — refuses the
//! characters nobody can see but that change what is shown or found: bidirectional
//! controls (a right-to-left override makes "Lee" display as "eeL" and hides text from
//! search), directional marks, zero-width spaces and joiners, word joiners, byte-order
//! marks and soft hyphens. The joiners keep their place where they do visible work:
//! U+200D between two emoji ("👩‍⚕️"), and U+200C/U+200D between letters of the scripts
//! that shape with them (Arabic, Persian, the Indic scripts). Multi-line text (notes,
//! adverse events, an amendment's correction) may hold line breaks and tabs but no bidirectional
//! controls either. [`line_problem`], [`lines_problem`] and [`text_problem`] are the
//! one rule every validator calls; each answers with the message shown beside the field.

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

/// The invisible characters a field refuses, with the name the message gives them.
/// (The joiners U+200C and U+200D are refused too, except where [`joiner_allowed`].)
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "left-to-right embedding",
        '\u{202B}' => "right-to-left embedding",
        '\u{202C}' => "pop directional formatting",
        '\u{202D}' => "left-to-right override",
        '\u{202E}' => "right-to-left override",
        '\u{2066}' => "left-to-right isolate",
        '\u{2067}' => "right-to-left isolate",
        '\u{2068}' => "first strong isolate",
        '\u{2069}' => "pop directional isolate",
        '\u{200E}' => "left-to-right mark",
        '\u{200F}' => "right-to-left mark",
        '\u{061C}' => "Arabic letter mark",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{2061}'..='\u{2064}' => "invisible operator",
        '\u{FEFF}' => "zero-width no-break space",
        '\u{00AD}' => "soft hyphen",
        '\u{180E}' => "Mongolian vowel separator",
        _ => return None,
    })
}

/// Whether `c` is a bidirectional control or mark: refused even in multi-line text.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Emoji and pictographs (roughly Unicode's Extended_Pictographic), for ZWJ sequences.
fn is_pictographic(c: char) -> bool {
    matches!(c, '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{25A0}'..='\u{27BF}'
        | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}' | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// Letters of the scripts whose shaping uses the joiners: Arabic (with Persian and
/// Urdu) and the Indic scripts from Devanagari to Sinhala.
fn is_joining_script(c: char) -> bool {
    let arabic = matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}');
    // Indic letters, vowel signs and viramas (the joiner often follows a virama).
    arabic && c.is_alphabetic() || matches!(c, '\u{0900}'..='\u{0DFF}')
}

/// Whether the joiner at `chars[i]` does visible work: a ZWJ between two emoji (after
/// the first one's variation selector or skin tone, if any), or either joiner between
/// two letters of a joining script.
fn joiner_allowed(chars: &[char], i: usize) -> bool {
    let (Some(&before), Some(&after)) = (i.checked_sub(1).and_then(|j| chars.get(j)), chars.get(i + 1)) else {
        return false;
    };
    if is_joining_script(before) && is_joining_script(after) {
        return true;
    }
    let emoji_before = is_pictographic(before)
        || before == '\u{FE0F}' && i >= 2 && is_pictographic(chars[i - 2])
        || matches!(before, '\u{E0020}'..='\u{E007F}'); // a tag sequence's end
    chars[i] == '\u{200D}' && emoji_before && is_pictographic(after)
}

/// What a field may hold.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// One line: no line breaks, no invisible characters.
    Line,
    /// Several lines of one-line text, such as an address.
    Lines,
    /// Free text (notes): line breaks and tabs; no bidirectional controls.
    Text,
}

fn problem(value: &str, kind: Kind) -> Option<String> {
    let chars: Vec<char> = value.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let line_break = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}');
        if line_break && kind == Kind::Line {
            return Some("This field holds one line: remove the line break.".into());
        }
        if line_break || c == '\t' && kind == Kind::Text {
            continue;
        }
        if c.is_control() {
            return Some(format!(
                "This field contains a control character (U+{:04X}) that cannot be stored — retype it.",
                u32::from(c)
            ));
        }
        let refused = match kind {
            Kind::Text => is_bidi_control(c),
            Kind::Line | Kind::Lines => !matches!(c, '\u{200C}' | '\u{200D}') || !joiner_allowed(&chars, i),
        };
        if let Some(name) = invisible_name(c).filter(|_| refused) {
            return Some(format!("This field contains an invisible character ({name}) — retype it."));
        }
    }
    None
}

/// Why `value` cannot be stored in a one-line field (a name, phone, lot number, title…),
/// if it cannot: a line break, a control character or an invisible character.
pub fn line_problem(value: &str) -> Option<String> {
    problem(value, Kind::Line)
}

/// [`line_problem`] for a field of several such lines, such as an address.
pub fn lines_problem(value: &str) -> Option<String> {
    problem(value, Kind::Lines)
}

/// Why `value` cannot be stored as free text (notes, adverse events, corrections), if
/// it cannot: a control character other than line breaks and tabs, or a
/// bidirectional control.
pub fn text_problem(value: &str) -> Option<String> {
    problem(value, Kind::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_fields_refuse_invisible_characters() {
        let rlo = line_problem("Lee\u{202E}nna").unwrap();
        assert_eq!(rlo, "This field contains an invisible character (right-to-left override) — retype it.");
        for (c, name) in [
            ('\u{202A}', "left-to-right embedding"),
            ('\u{2066}', "left-to-right isolate"),
            ('\u{2069}', "pop directional isolate"),
            ('\u{200E}', "left-to-right mark"),
            ('\u{200F}', "right-to-left mark"),
            ('\u{061C}', "Arabic letter mark"),
            ('\u{200B}', "zero-width space"),
            ('\u{200C}', "zero-width non-joiner"),
            ('\u{200D}', "zero-width joiner"),
            ('\u{2060}', "word joiner"),
            ('\u{FEFF}', "zero-width no-break space"),
            ('\u{00AD}', "soft hyphen"),
        ] {
            let message = line_problem(&format!("An{c}na")).unwrap_or_else(|| panic!("U+{:04X} passed", u32::from(c)));
            assert!(message.contains(&format!("({name})")), "{message}");
            assert!(lines_problem(&format!("1 High St{c}\nLeeds")).is_some(), "U+{:04X} in an address", u32::from(c));
        }
        assert!(line_problem("Ann\nLee").unwrap().contains("one line"));
        assert!(line_problem("Ann\u{7}").unwrap().contains("control character (U+0007)"));
        assert_eq!(lines_problem("1 High St\nLeeds"), None);
    }

    #[test]
    fn joiners_that_do_visible_work_are_kept() {
        for fine in [
            "Núñez-O’Brien",
            "Zoë 👩\u{200D}⚕\u{FE0F}", // health worker: ZWJ between emoji
            "👨\u{200D}👩\u{200D}👧",  // family
            "🏳\u{FE0F}\u{200D}🌈",     // after a variation selector
            "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0647}\u{0645}", // Persian "mi-khaham"
            "\u{0915}\u{094D}\u{200D}\u{0937}", // Devanagari half form
            "محمد",
            "李小龍",
        ] {
            assert_eq!(line_problem(fine), None, "{fine:?}");
        }
        for refused in ["Ann\u{200D}Lee", "\u{200D}👩", "👩\u{200D}", "Ann\u{200D}👩", "Ann\u{200C}Lee"] {
            assert!(line_problem(refused).is_some(), "{refused:?} passed");
        }
    }

    #[test]
    fn free_text_keeps_lines_and_refuses_bidi_controls() {
        assert_eq!(text_problem("Bruising at the left brow.\n\tIce applied.\r\nZero\u{200B}width kept"), None);
        for c in ['\u{202E}', '\u{202A}', '\u{2067}', '\u{200F}', '\u{061C}'] {
            assert!(text_problem(&format!("Note {c}text")).is_some(), "U+{:04X} in text", u32::from(c));
        }
        assert!(text_problem("bell\u{7}").is_some());
    }

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
