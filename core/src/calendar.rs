//! The clinic's calendar: its time zone, how it writes dates and times for people, and
//! the turning of stored UTC instants into its local days and back (daylight-saving
//! changes included: a day can have 23 or 25 hours, and some wall-clock times do not
//! exist or happen twice).

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::Result;

/// How dates are written: 02/04/1985 (day first) or 04/02/1985 (month first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DateFormat {
    #[default]
    DayMonthYear,
    MonthDayYear,
}

/// How times are written: 14:30 or 2:30 PM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum TimeFormat {
    #[default]
    TwentyFourHour,
    TwelveHour,
}

impl DateFormat {
    /// The clinic's format, as its settings say.
    pub fn of(conn: &Connection) -> Result<DateFormat> {
        Ok(Writing::of(conn)?.dates)
    }

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            DateFormat::DayMonthYear => "dd/mm/yyyy",
            DateFormat::MonthDayYear => "mm/dd/yyyy",
        }
    }

    /// The format stored as `s` (day first unless it says otherwise).
    pub fn parse(s: &str) -> DateFormat {
        if s == "mm/dd/yyyy" {
            DateFormat::MonthDayYear
        } else {
            DateFormat::DayMonthYear
        }
    }

    /// `date` written this way, e.g. `02/04/1985`.
    pub fn format(self, date: NaiveDate) -> String {
        match self {
            DateFormat::DayMonthYear => date.format("%d/%m/%Y").to_string(),
            DateFormat::MonthDayYear => date.format("%m/%d/%Y").to_string(),
        }
    }

    /// How a date is typed this way: `DD/MM/YYYY` or `MM/DD/YYYY`.
    pub fn pattern(self) -> &'static str {
        match self {
            DateFormat::DayMonthYear => "DD/MM/YYYY",
            DateFormat::MonthDayYear => "MM/DD/YYYY",
        }
    }

    /// The pattern and an example date, for a message: `DD/MM/YYYY, e.g. 14/03/1980`.
    pub fn hint(self, year: i32, month: u32, day: u32) -> String {
        let example = NaiveDate::from_ymd_opt(year, month, day).map(|d| self.format(d)).unwrap_or_default();
        format!("{}, e.g. {example}", self.pattern())
    }

    /// A date as a person types it: in this format (with `/`, `.` or `-` between the
    /// parts, one- or two-digit day and month, four-digit year), or as `YYYY-MM-DD`.
    pub fn read(self, text: &str) -> Option<NaiveDate> {
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(date);
        }
        let parts: Vec<&str> = text.split(['/', '.', '-']).map(str::trim).collect();
        let [a, b, year] = parts.as_slice() else { return None };
        if year.len() != 4 || [a, b].iter().any(|p| p.is_empty() || p.len() > 2) {
            return None;
        }
        let (a, b, year): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, year.parse().ok()?);
        match self {
            DateFormat::DayMonthYear => NaiveDate::from_ymd_opt(year, b, a),
            DateFormat::MonthDayYear => NaiveDate::from_ymd_opt(year, a, b),
        }
    }
}

/// Rewrites a date typed in `format` (or as `YYYY-MM-DD`) as the stored `YYYY-MM-DD`.
/// Text that is not a date is left as it is, for the feature's own check to refuse it
/// beside its field.
pub fn normalise_date(text: &mut String, format: DateFormat) {
    if let Some(date) = format.read(text) {
        *text = date.format("%Y-%m-%d").to_string();
    }
}

impl TimeFormat {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeFormat::TwentyFourHour => "24h",
            TimeFormat::TwelveHour => "12h",
        }
    }

    /// The format stored as `s`.
    pub fn parse(s: &str) -> TimeFormat {
        if s == "12h" {
            TimeFormat::TwelveHour
        } else {
            TimeFormat::TwentyFourHour
        }
    }

    /// `time` written this way, e.g. `14:30` or `2:30 PM`.
    pub fn format(self, time: NaiveTime) -> String {
        match self {
            TimeFormat::TwentyFourHour => time.format("%H:%M").to_string(),
            TimeFormat::TwelveHour => time.format("%-I:%M %p").to_string(),
        }
    }
}

/// A time of day as a person types it: `14:30`, `9:05`, `2:30 PM`, `2pm`, `2.30 pm`.
pub fn read_time(text: &str) -> Option<NaiveTime> {
    let lower = text.trim().to_ascii_lowercase();
    let (clock, pm) = match (lower.strip_suffix("am"), lower.strip_suffix("pm")) {
        (Some(c), _) => (c.trim(), Some(false)),
        (_, Some(c)) => (c.trim(), Some(true)),
        _ => (lower.as_str(), None),
    };
    let (hour, minute) = match clock.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None if pm.is_some() && !clock.is_empty() && clock.len() <= 2 => (clock.parse::<u32>().ok()?, 0),
        _ => return None,
    };
    let hour = match pm {
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(false) => hour % 12,
        Some(true) => hour % 12 + 12,
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// The computer's time zone, the clinic's until an administrator chooses another
/// (UTC when the computer's cannot be read).
pub fn computer_zone() -> Tz {
    iana_time_zone::get_timezone().ok().and_then(|name| name.parse().ok()).unwrap_or(Tz::UTC)
}

/// The time zone named `name` (an IANA name such as `Europe/London`).
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// The clinic's time zone, as its settings say.
pub fn zone(conn: &Connection) -> Result<Tz> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'time_zone'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(stored.as_deref().and_then(parse_zone).unwrap_or_else(computer_zone))
}

/// How the clinic writes instants for people: its zone and its formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writing {
    pub zone: Tz,
    pub dates: DateFormat,
    pub times: TimeFormat,
}

impl Writing {
    /// The clinic's way, as its settings say.
    pub fn of(conn: &Connection) -> Result<Writing> {
        let mut stmt = conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?;
        let mut get = |key: &str| -> Result<String> {
            Ok(stmt.query_row([key], |r| r.get::<_, String>(0)).optional()?.unwrap_or_default())
        };
        let (dates, times) = (DateFormat::parse(&get("date_format")?), TimeFormat::parse(&get("time_format")?));
        Ok(Writing { zone: zone(conn)?, dates, times })
    }

    /// The local date of `at`, e.g. `02/04/2026`.
    pub fn date(&self, at: DateTime<Utc>) -> String {
        self.dates.format(local_date(at, self.zone))
    }

    /// The local time of `at`, e.g. `2:30 PM`.
    pub fn time(&self, at: DateTime<Utc>) -> String {
        self.times.format(local(at, self.zone).time())
    }
}

/// The clinic's local date at `at`.
pub fn local_date(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// The clinic's local date and time at `at`.
pub fn local(at: DateTime<Utc>, zone: Tz) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// The instant of a local wall-clock time. A time that happens twice (clocks going
/// back) is its first; a time that does not exist (clocks going forward) is `None`.
pub fn instant(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The first instant of a local day (midnight, or the first minute after it that exists).
pub fn day_start(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    (0..=180)
        .find_map(|minutes| instant(midnight + chrono::Duration::minutes(minutes), zone))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// A local day as the instants `[start, end)`: 23, 24 or 25 hours long.
pub fn day_span(date: NaiveDate, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    (day_start(date, zone), day_start(date + Days::new(1), zone))
}

/// A date in a sentence, whatever the clinic's numeric format: `12 Sep 2026`.
pub fn spoken_date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// The Monday of `date`'s week.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// Minutes since local midnight of a wall-clock time.
pub fn minute_of_day(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_read_and_written_in_the_clinics_format() {
        let d = date(1985, 4, 2);
        assert_eq!(DateFormat::DayMonthYear.format(d), "02/04/1985");
        assert_eq!(DateFormat::MonthDayYear.format(d), "04/02/1985");
        assert_eq!(DateFormat::DayMonthYear.read("2/4/1985"), Some(d));
        assert_eq!(DateFormat::DayMonthYear.read("02.04.1985"), Some(d));
        assert_eq!(DateFormat::MonthDayYear.read("04/02/1985"), Some(d));
        assert_eq!(DateFormat::MonthDayYear.read("1985-04-02"), Some(d));
        assert_eq!(DateFormat::DayMonthYear.read("31/02/1980"), None);
        assert_eq!(DateFormat::DayMonthYear.read("02/04/85"), None);
        assert_eq!(DateFormat::DayMonthYear.read("tomorrow"), None);
    }

    #[test]
    fn typed_dates_are_stored_as_year_month_day_and_others_are_left_alone() {
        let normalised = |text: &str, format| {
            let mut text = text.to_string();
            normalise_date(&mut text, format);
            text
        };
        assert_eq!(normalised(" 14/03/1980 ", DateFormat::DayMonthYear), "1980-03-14");
        assert_eq!(normalised("03/14/1980", DateFormat::MonthDayYear), "1980-03-14");
        assert_eq!(normalised("1980-03-14", DateFormat::MonthDayYear), "1980-03-14");
        assert_eq!(normalised("31/02/1980", DateFormat::DayMonthYear), "31/02/1980");
        assert_eq!(normalised("", DateFormat::DayMonthYear), "");
        assert_eq!(DateFormat::MonthDayYear.hint(1980, 3, 14), "MM/DD/YYYY, e.g. 03/14/1980");
    }

    #[test]
    fn times_are_read_as_people_type_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(read_time("14:30"), Some(t(14, 30)));
        assert_eq!(read_time("2:30 PM"), Some(t(14, 30)));
        assert_eq!(read_time("2pm"), Some(t(14, 0)));
        assert_eq!(read_time("12:15 am"), Some(t(0, 15)));
        assert_eq!(read_time("12:00 PM"), Some(t(12, 0)));
        assert_eq!(read_time("9.05"), Some(t(9, 5)));
        assert_eq!(read_time("13:00 pm"), None);
        assert_eq!(read_time("25:00"), None);
        assert_eq!(read_time("noon"), None);
        assert_eq!(TimeFormat::TwelveHour.format(t(14, 30)), "2:30 PM");
        assert_eq!(TimeFormat::TwentyFourHour.format(t(9, 5)), "09:05");
    }

    #[test]
    fn daylight_saving_days_have_their_real_length() {
        let chicago: Tz = "America/Chicago".parse().unwrap();
        let london: Tz = "Europe/London".parse().unwrap();
        let hours = |d, z| {
            let (a, b) = day_span(d, z);
            (b - a).num_hours()
        };
        assert_eq!(hours(date(2026, 3, 8), chicago), 23);
        assert_eq!(hours(date(2026, 11, 1), chicago), 25);
        assert_eq!(hours(date(2026, 3, 29), london), 23);
        assert_eq!(hours(date(2026, 10, 25), london), 25);
        assert_eq!(hours(date(2026, 6, 1), london), 24);
        // 2:30 on the spring morning in Chicago never happens; 1:30 in the autumn twice.
        let at = |d: NaiveDate, h, m| d.and_hms_opt(h, m, 0).unwrap();
        assert_eq!(instant(at(date(2026, 3, 8), 2, 30), chicago), None);
        let first = instant(at(date(2026, 11, 1), 1, 30), chicago).unwrap();
        assert_eq!(first.to_rfc3339(), "2026-11-01T06:30:00+00:00");
    }
}
