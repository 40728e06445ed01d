//! Reading the GS1 DataMatrix on a pack of toxin or filler. A USB barcode scanner acts as a keyboard and types the
//! symbol's content into the "Lot number" field, so that field may hold either an ordinary hand-typed lot number or a
//! GS1 element string such as `]d20100361234567890172712311012AB3`. [`parse_gs1`] tells the two apart and, for the
//! latter, pulls out the GTIN, lot, expiry and serial. It errs on the side of "not GS1": a hand-typed lot is only
//! taken for a barcode when it carries an AIM symbology prefix, starts with `(01)`, or starts with `01` and a
//! 14-digit GTIN, so "C1234" or "0112AB" are left alone.

use chrono::{Months, NaiveDate};

/// What a scanned GS1 element string says about a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gs1Scan {
    /// AI (01): the 14-digit GTIN, check digit verified.
    pub gtin: Option<String>,
    /// AI (10): the batch/lot number.
    pub lot: Option<String>,
    /// AI (17): expiry date (YYMMDD; DD = 00 means the last day of that month; century 20YY).
    pub expiry: Option<NaiveDate>,
    /// AI (21): serial number, if present.
    pub serial: Option<String>,
}

/// The GS1 group separator (FNC1 in the data), which ends a variable-length field.
const GS: char = '\u{1d}';
/// AIM symbology identifiers that announce GS1 data: DataMatrix, Code 128, QR Code, DataBar.
const GS1_PREFIXES: [&str; 4] = ["]d2", "]C1", "]Q3", "]e0"];
/// Variable-length fields (10, 21) hold at most this many characters.
const MAX_VARIABLE_LEN: usize = 20;

/// `Ok(None)` when the text is not a GS1 element string (an ordinary typed lot number such as "C1234" or "AB12CD");
/// `Ok(Some(scan))` when it is; `Err(message)` when it is GS1 but damaged — the message is a plain-English sentence a
/// nurse understands, e.g. "The barcode's expiry date (17) is not a valid date: 251332." or "The barcode's product
/// number (GTIN) fails its check digit; scan it again."
pub fn parse_gs1(text: &str) -> Result<Option<Gs1Scan>, String> {
    let text = text.trim();
    let prefixed = GS1_PREFIXES.iter().any(|p| text.starts_with(p));
    // Scanners set to send AIM identifiers send one for every symbology (`]C0` for plain Code 128 too); drop it.
    let text = match text.as_bytes() {
        [b']', kind, modifier, ..] if kind.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() => &text[3..],
        _ => text,
    };
    // Keyboard wedges cannot always type ASCII 29, so some spell it out as `<GS>` or as the caret notation `^]`.
    let text = text.replace("<GS>", "\u{1d}").replace("^]", "\u{1d}");
    // A leading FNC1 only marks the symbol as GS1; it separates nothing.
    let data = text.trim_start_matches(GS);
    let mut scan = Gs1Scan { gtin: None, lot: None, expiry: None, serial: None };
    if data.starts_with("(01)") || (prefixed && data.starts_with('(')) {
        parse_bracketed(data, &mut scan)?;
    } else if prefixed || looks_like_plain_gs1(data) {
        parse_plain(data, &mut scan)?;
    } else {
        return Ok(None);
    }
    if scan == (Gs1Scan { gtin: None, lot: None, expiry: None, serial: None }) {
        return Err("The barcode was read but held no product details; scan it again.".to_string());
    }
    Ok(Some(scan))
}

/// `01` and 14 digits at the start. A GTIN that fails its check digit still counts when a known AI or a separator
/// follows, so that a damaged scan is reported rather than saved as a lot number; a bare 16-digit number whose
/// check digit fails is more likely a numeric lot, and is left alone.
fn looks_like_plain_gs1(data: &str) -> bool {
    let Some(gtin) = data.strip_prefix("01").and_then(|rest| rest.get(..14)) else { return false };
    if !gtin.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let after = &data[16..];
    gtin_check_ok(gtin)
        || after.starts_with(GS)
        || ["10", "11", "15", "17", "21"].iter().any(|ai| after.starts_with(ai))
}

/// The human-readable form `(01)03614123456780(17)271231(10)C1234`. A lot containing `(` cannot be told apart from
/// the next AI in this form, so a value runs to the next `(`.
fn parse_bracketed(data: &str, scan: &mut Gs1Scan) -> Result<(), String> {
    for part in data.split('(').skip(1) {
        let (ai, value) = part.split_once(')').ok_or_else(|| unreadable(part))?;
        apply(scan, ai, value.trim_matches(|c: char| c == GS || c.is_whitespace()))?;
    }
    Ok(())
}

/// The raw element string: AI, value, AI, value… with fixed-length fields back to back and a separator after each
/// variable-length field that is not last.
fn parse_plain(data: &str, scan: &mut Gs1Scan) -> Result<(), String> {
    let mut rest = data;
    loop {
        rest = rest.trim_start_matches(GS);
        if rest.is_empty() {
            return Ok(());
        }
        let (ai, body) = match rest.get(..2) {
            Some(ai) => (ai, &rest[2..]),
            None => return Err(unreadable(rest)),
        };
        let value = match ai {
            "01" => body.get(..14).ok_or_else(|| cut_short(ai))?,
            "11" | "15" | "17" => body.get(..6).ok_or_else(|| cut_short(ai))?,
            "10" | "21" => {
                let value = body.find(GS).map_or(body, |end| &body[..end]);
                let runs_to_end = value.len() == body.len();
                match lot_before_expiry(value) {
                    Some(lot) if ai == "10" && runs_to_end && scan.expiry.is_none() => lot,
                    _ => value,
                }
            }
            _ if ai.bytes().all(|b| b.is_ascii_digit()) => return Err(unknown_ai(&format!("starting {ai}"))),
            _ => return Err(unreadable(rest)),
        };
        apply(scan, ai, value)?;
        rest = &body[value.len()..];
    }
}

/// Without a separator the end of a lot is a guess. Scanners that drop separators typically still put the lot before
/// the expiry, so `10C123417271231` is read as lot "C1234" and expiry 2027-12-31 when the text ends in `17` and a
/// valid date. A lot that really ends in such digits would be cut short; a serial (21) glued to the lot without a
/// separator stays glued, and is caught only when the two together exceed 20 characters.
fn lot_before_expiry(value: &str) -> Option<&str> {
    let cut = value.len().checked_sub(8).filter(|&cut| cut > 0)?;
    let (lot, tail) = (value.get(..cut)?, value.get(cut..)?);
    tail.strip_prefix("17").and_then(parse_yymmdd).map(|_| lot)
}

/// Checks one field's value and stores it.
fn apply(scan: &mut Gs1Scan, ai: &str, value: &str) -> Result<(), String> {
    let all_digits = |n: usize| value.len() == n && value.bytes().all(|b| b.is_ascii_digit());
    match ai {
        "01" if !all_digits(14) => Err(cut_short(ai)),
        "01" if !gtin_check_ok(value) => {
            Err("The barcode's product number (GTIN) fails its check digit; scan it again.".to_string())
        }
        "01" => set(&mut scan.gtin, value.to_string(), ai),
        "11" | "15" if all_digits(6) => Ok(()), // production and best-before dates: not needed for stock
        "11" | "15" => Err(cut_short(ai)),
        "17" => {
            let date = parse_yymmdd(value)
                .ok_or_else(|| format!("The barcode's expiry date (17) is not a valid date: {value}."))?;
            set(&mut scan.expiry, date, ai)
        }
        "10" | "21" if value.is_empty() => Err(format!("The barcode's {} is empty; scan it again.", label(ai))),
        "10" | "21" if value.chars().count() > MAX_VARIABLE_LEN => Err(format!(
            "The barcode's {} is longer than {MAX_VARIABLE_LEN} characters ({value}); scan it again or type it in.",
            label(ai)
        )),
        "10" => set(&mut scan.lot, value.to_string(), ai),
        "21" => set(&mut scan.serial, value.to_string(), ai),
        _ => Err(unknown_ai(ai)),
    }
}

/// Stores a field; the same AI twice with different values means a damaged or doctored code.
fn set<T: PartialEq>(slot: &mut Option<T>, value: T, ai: &str) -> Result<(), String> {
    match slot {
        Some(old) if *old != value => {
            Err(format!("The barcode gives its {} twice, differently; scan it again.", label(ai)))
        }
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// GS1 mod-10: from the right, excluding the check digit, weights 3, 1, 3, 1…
fn gtin_check_ok(gtin: &str) -> bool {
    let digits: Vec<u32> = gtin.chars().filter_map(|c| c.to_digit(10)).collect();
    let Some((check, body)) = digits.split_last() else { return false };
    let sum: u32 = body.iter().rev().zip([3, 1].iter().cycle()).map(|(d, w)| d * w).sum();
    digits.len() == gtin.len() && (10 - sum % 10) % 10 == *check
}

/// YYMMDD in the 2000s (the GS1 sliding century window is not needed for packs in date); DD = 00 is the last day.
fn parse_yymmdd(s: &str) -> Option<NaiveDate> {
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, month, day) = (2000 + s[..2].parse::<i32>().ok()?, s[2..4].parse().ok()?, s[4..].parse().ok()?);
    match day {
        0 => NaiveDate::from_ymd_opt(year, month, 1)?.checked_add_months(Months::new(1))?.pred_opt(),
        _ => NaiveDate::from_ymd_opt(year, month, day),
    }
}

fn label(ai: &str) -> &'static str {
    match ai {
        "01" => "product number (GTIN)",
        "11" => "production date (11)",
        "15" => "best-before date (15)",
        "17" => "expiry date (17)",
        "10" => "lot number (10)",
        _ => "serial number (21)",
    }
}

fn cut_short(ai: &str) -> String {
    format!("The barcode's {} is incomplete; scan it again.", label(ai))
}

fn unreadable(at: &str) -> String {
    format!("The barcode holds data this app cannot read ({at}); type the lot number and expiry by hand.")
}

fn unknown_ai(ai: &str) -> String {
    format!("The barcode holds a field this app does not read (AI {ai}); type the lot number and expiry by hand.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn pack(gtin: &str, lot: &str, expiry: NaiveDate) -> Option<Gs1Scan> {
        Some(Gs1Scan { gtin: Some(gtin.into()), lot: Some(lot.into()), expiry: Some(expiry), serial: None })
    }

    #[test]
    fn lot_last_after_a_separator() {
        let scan = parse_gs1("0103614123456780172712312112345678\u{1d}10C1234").unwrap().unwrap();
        assert_eq!(scan.lot.as_deref(), Some("C1234"));
        assert_eq!(scan.serial.as_deref(), Some("12345678"));
        assert_eq!(scan.expiry, Some(date(2027, 12, 31)));
    }

    #[test]
    fn lot_before_expiry_with_separator() {
        let expected = pack("03614123456780", "C1234", date(2027, 12, 31));
        assert_eq!(parse_gs1("010361412345678010C1234\u{1d}17271231"), Ok(expected));
    }

    #[test]
    fn lot_before_expiry_without_separator() {
        let expected = pack("03614123456780", "C1234", date(2027, 12, 31));
        assert_eq!(parse_gs1("010361412345678010C123417271231"), Ok(expected));
    }

    #[test]
    fn lot_last_without_separator() {
        let expected = pack("00300231145014", "C5678A", date(2026, 8, 31));
        assert_eq!(parse_gs1("01003002311450141726083110C5678A"), Ok(expected));
    }

    #[test]
    fn symbology_prefixes_and_leading_fnc1() {
        let expected = pack("00361234567890", "4B5C2", date(2028, 6, 30));
        assert_eq!(parse_gs1("]d2010036123456789017280630104B5C2"), Ok(expected.clone()));
        assert_eq!(parse_gs1("]C1\u{1d}010036123456789017280630104B5C2"), Ok(expected));
    }

    #[test]
    fn spelled_out_separators() {
        let expected = pack("03614123456780", "AB12CD", date(2027, 5, 31));
        assert_eq!(parse_gs1("010361412345678010AB12CD<GS>17270500"), Ok(expected.clone()));
        assert_eq!(parse_gs1("010361412345678010AB12CD^]17270500"), Ok(expected));
    }

    #[test]
    fn bracketed_form() {
        let expected = pack("03614123456780", "C1234", date(2027, 12, 31));
        assert_eq!(parse_gs1("(01)03614123456780(17)271231(10)C1234"), Ok(expected));
    }

    #[test]
    fn day_zero_is_last_day_of_month() {
        let expiry = |text: &str| parse_gs1(text).unwrap().unwrap().expiry;
        assert_eq!(expiry("01003612345678901728020010X1"), Some(date(2028, 2, 29)));
        assert_eq!(expiry("01003612345678901727020010X1"), Some(date(2027, 2, 28)));
        assert_eq!(expiry("01003612345678901727120010X1"), Some(date(2027, 12, 31)));
    }

    #[test]
    fn bad_check_digit_is_an_error() {
        let message = "The barcode's product number (GTIN) fails its check digit; scan it again.";
        assert_eq!(parse_gs1("]d2010036123456789217271231\u{1d}10C1234"), Err(message.into()));
        assert_eq!(parse_gs1("01003612345678921727123110C1234"), Err(message.into()));
        assert_eq!(parse_gs1("(01)00361234567892(10)C1234"), Err(message.into()));
    }

    #[test]
    fn bad_date_is_an_error() {
        let message = "The barcode's expiry date (17) is not a valid date: 251332.";
        assert_eq!(parse_gs1("01036141234567801725133210C1234"), Err(message.into()));
        assert!(parse_gs1("01036141234567801727023010C1234").is_err()); // 30 February
    }

    #[test]
    fn serial_number() {
        let scan = parse_gs1("]C101053123450000162110004567\u{1d}10LOT-9\u{1d}17290131").unwrap().unwrap();
        let expected =
            Gs1Scan { serial: Some("10004567".into()), ..pack("05312345000016", "LOT-9", date(2029, 1, 31)).unwrap() };
        assert_eq!(scan, expected);
    }

    #[test]
    fn ordinary_lot_numbers_are_not_gs1() {
        for lot in ["C1234", "0112AB", "  c1234\n", "LOT-9", "AB12CD", "0112345678901234", "17271231", "]C0C1234"] {
            assert_eq!(parse_gs1(lot), Ok(None), "{lot:?}");
        }
    }

    #[test]
    fn trailing_enter_from_scanner() {
        let expected = pack("03614123456780", "c1234", date(2027, 12, 31));
        assert_eq!(parse_gs1("01036141234567801727123110c1234\r\n"), Ok(expected));
    }

    #[test]
    fn unknown_field_is_named() {
        let err = parse_gs1("0103614123456780240REF-22\u{1d}10C1234").unwrap_err();
        assert!(err.contains("AI starting 24"), "{err}");
        assert!(parse_gs1("(01)03614123456780(240)REF-22").unwrap_err().contains("AI 240"));
    }

    #[test]
    fn damaged_lot_is_an_error() {
        // A serial glued to the lot without a separator is only caught when the two exceed 20 characters.
        assert!(parse_gs1("010361412345678010C12342112345678901234").unwrap_err().contains("longer than 20"));
        assert!(parse_gs1("010361412345678010\u{1d}17271231").unwrap_err().contains("is empty"));
        assert!(parse_gs1("010361412345678010C1234\u{1d}10C9999").unwrap_err().contains("twice"));
    }
}
