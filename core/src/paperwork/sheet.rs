//! A [`Sheet`]: what the front desk's printed lists are made of — the clinic's
//! letterhead, a title with a few details under it, one table whose header row repeats
//! on every page, an optional "!" column for patients with an alert and its legend, and
//! a footer saying who printed it and when. `sheet.typ` typesets it; values reach the
//! template only as JSON, so nothing typed into Glabella can change the layout.

use rusqlite::Connection;
use serde::Serialize;

use crate::auth::settings::get_settings;
use crate::auth::Actor;
use crate::calendar::Writing;
use crate::handouts::{handout_paper, ClinicHeader, Paper};
use crate::typeset::Template;
use crate::Result;
use chrono::{DateTime, SecondsFormat, Utc};

static SHEET: Template = Template::new("/sheet.typ", include_str!("sheet.typ"), "list");

/// One column of the table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    pub label: &'static str,
    /// Its share of the width left over (Typst's `fr`); 0: as wide as its widest cell,
    /// for short cells that should never wrap, such as times.
    pub width: u32,
}

/// One row: its cells, one per column, and whether it carries the "!" mark.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub cells: Vec<String>,
    pub alert: bool,
}

/// Everything printed on one sheet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sheet {
    pub paper: Paper,
    /// Wide tables (the call list) print across the page.
    pub landscape: bool,
    pub clinic: ClinicHeader,
    pub title: String,
    /// Label and value pairs under the title, e.g. ("Injector", "Nadia Needle").
    pub details: Vec<(String, String)>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Printed instead of the table when there are no rows.
    pub empty: String,
    /// Whether the table has the "!" column; `legend` says what it means.
    pub alert_column: bool,
    pub legend: String,
    /// e.g. "Printed by Rosa on 01/12/2026 at 08:00 · Glabella Demo Clinic".
    pub footer: String,
    /// UTC RFC 3339: the PDF's date, so the same sheet always gives the same bytes.
    pub created_at: String,
}

impl Sheet {
    /// A sheet titled `title` on the clinic's paper under its letterhead, printed by
    /// `actor` at `now` (the footer), with no details or rows yet.
    pub fn new(conn: &Connection, actor: &Actor, title: &str, now: DateTime<Utc>) -> Result<Sheet> {
        let settings = get_settings(conn)?;
        let w = Writing::of(conn)?;
        Ok(Sheet {
            paper: handout_paper(conn)?,
            landscape: false,
            footer: format!(
                "Printed by {} on {} at {} · {}",
                actor.display_name,
                w.date(now),
                w.time(now),
                settings.clinic_name
            ),
            clinic: ClinicHeader {
                name: settings.clinic_name,
                address: settings.clinic_address,
                phone: settings.clinic_phone,
            },
            title: title.into(),
            details: Vec::new(),
            columns: Vec::new(),
            rows: Vec::new(),
            empty: String::new(),
            alert_column: false,
            legend: String::new(),
            created_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }

    /// The sheet as PDF bytes.
    pub fn render(&self) -> Result<Vec<u8>> {
        let data = serde_json::to_value(self).map_err(|e| crate::Error::Internal(e.to_string()))?;
        SHEET.render(&data, None, &self.created_at)
    }
}
