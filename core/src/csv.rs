//! CSV for exports people open in spreadsheets (the audit trail, lot recalls). Written
//! by hand: quoting is a few lines, and two things matter more than a library would give
//! us for free: a cell that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage
//! return) gets a leading `'` so a spreadsheet shows it as text instead of running it
//! (names and usernames are typed by anyone), and the text starts with a UTF-8
//! byte-order mark so Excel reads accented names correctly.

/// A CSV document (RFC 4180: comma-separated, CRLF line ends) with this header row.
pub fn document(header: &[&str]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, header.iter().map(|h| h.to_string()));
    out
}

/// Appends one row of cells.
pub fn push_row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell_text(&cell));
    }
    out.push_str("\r\n");
}

/// What a spreadsheet could read as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell read back from a file Glabella (or a careful spreadsheet) wrote: the
/// apostrophe put before a formula-like start is taken off again.
pub fn unneutralised(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => value,
    }
}

/// One cell: neutralised if it could be read as a formula, then quoted if needed.
fn cell_text(value: &str) -> String {
    let value = if value.starts_with(FORMULA_STARTS) { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::{cell_text, unneutralised};

    #[test]
    fn a_neutralised_cell_reads_back_as_it_was() {
        for value in ["=SUM(A1)", "+44 7700 900123", "-", "@home", "plain", "'quoted"] {
            assert_eq!(unneutralised(&cell_text(value)), value);
        }
    }

    #[test]
    fn cells_are_quoted_and_neutralised() {
        assert_eq!(cell_text("plain"), "plain");
        assert_eq!(cell_text(""), "");
        assert_eq!(cell_text("a,b"), "\"a,b\"");
        assert_eq!(cell_text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell_text("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell_text("=1+1"), "'=1+1");
        assert_eq!(cell_text("+44 20"), "'+44 20");
        assert_eq!(cell_text("-2"), "'-2");
        assert_eq!(cell_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell_text("\tx"), "'\tx");
        assert_eq!(cell_text("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        assert_eq!(cell_text("a=b"), "a=b", "only a leading sign is dangerous");
    }
}
