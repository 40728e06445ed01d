//! The clinic's aftercare templates, one per treatment kind, in Markdown with named
//! placeholders ([`PLACEHOLDERS`]). Every save is a new version; the newest is used and
//! a handout records which one it printed. The clinic team's defaults are seeded once.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::audit::{self, entity, Action};
use crate::auth::{Actor, Permission};
use crate::clock;
use crate::error::FieldError;
use crate::markdown::{front_matter, placeholders};
use crate::products::TreatmentKind;
use crate::text;
use crate::{Error, Result};

/// The placeholders a template may use, each filled with data (never read as markup).
pub const PLACEHOLDERS: [&str; 5] = ["first_name", "session_date", "treatment", "follow_up_date", "clinic_phone"];

const DEFAULTS: [(TreatmentKind, &str); 3] = [
    (TreatmentKind::Neurotoxin, include_str!("../../library/aftercare/neurotoxin.md")),
    (TreatmentKind::Filler, include_str!("../../library/aftercare/filler.md")),
    (TreatmentKind::Other, include_str!("../../library/aftercare/other.md")),
];

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AftercareTemplate {
    pub id: i64,
    pub kind: TreatmentKind,
    pub version: i64,
    pub title: String,
    /// Markdown with `{{placeholders}}`.
    pub body: String,
    pub saved_at: String,
    pub saved_by_name: String,
}

const COLUMNS: &str = "t.id, t.kind, t.version, t.title, t.body, t.saved_at, COALESCE(u.display_name, 'Glabella')";

fn template_from_row(r: &Row) -> rusqlite::Result<AftercareTemplate> {
    Ok(AftercareTemplate {
        id: r.get(0)?,
        kind: TreatmentKind::parse(&r.get::<_, String>(1)?),
        version: r.get(2)?,
        title: r.get(3)?,
        body: r.get(4)?,
        saved_at: r.get(5)?,
        saved_by_name: r.get(6)?,
    })
}

/// The template in use for each kind.
pub fn current_templates(conn: &Connection, actor: &Actor) -> Result<Vec<AftercareTemplate>> {
    actor.require(Permission::ReadLibrary)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM aftercare_templates t LEFT JOIN users u ON u.id = t.saved_by
         WHERE t.version = (SELECT MAX(version) FROM aftercare_templates WHERE kind = t.kind)
         ORDER BY CASE t.kind WHEN 'neurotoxin' THEN 0 WHEN 'filler' THEN 1 ELSE 2 END"
    ))?;
    let templates = stmt.query_map([], template_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(templates)
}

/// Every version of a kind's template, newest first.
pub fn template_versions(conn: &Connection, actor: &Actor, kind: TreatmentKind) -> Result<Vec<AftercareTemplate>> {
    actor.require(Permission::ReadLibrary)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM aftercare_templates t LEFT JOIN users u ON u.id = t.saved_by
         WHERE t.kind = ?1 ORDER BY t.version DESC"
    ))?;
    let templates = stmt.query_map([kind.as_str()], template_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(templates)
}

/// The template with this id (any version).
pub(super) fn get_template(conn: &Connection, id: i64) -> Result<AftercareTemplate> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM aftercare_templates t LEFT JOIN users u ON u.id = t.saved_by WHERE t.id = ?1"
    ))?
    .query_row([id], template_from_row)
    .optional()?
    .ok_or(Error::NotFound("The aftercare template"))
}

/// The id of the template in use for `kind`.
pub(super) fn current_id(conn: &Connection, kind: TreatmentKind) -> Result<i64> {
    conn.prepare_cached("SELECT id FROM aftercare_templates WHERE kind = ?1 ORDER BY version DESC LIMIT 1")?
        .query_row([kind.as_str()], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound("The aftercare template"))
}

/// Saves a new version of a kind's template. Unknown placeholders are refused, naming
/// the ones that exist.
pub fn save_template(
    conn: &Connection,
    actor: &Actor,
    kind: TreatmentKind,
    title: &str,
    body: &str,
) -> Result<AftercareTemplate> {
    actor.require(Permission::WriteLibrary)?;
    let (title, body) = (title.trim(), body.trim());
    let mut problems = Vec::new();
    if title.is_empty() || title.chars().count() > 200 {
        problems
            .push(FieldError { field: "title", message: "The title is one line of at most 200 characters.".into() });
    } else if let Some(message) = text::line_problem(title) {
        problems.push(FieldError { field: "title", message });
    }
    if body.is_empty() || body.chars().count() > 20_000 {
        problems
            .push(FieldError { field: "body", message: "Write the instructions (at most 20,000 characters).".into() });
    } else if let Some(message) = text::text_problem(body) {
        problems.push(FieldError { field: "body", message });
    }
    if let Some(unknown) = placeholders(body).into_iter().find(|p| !PLACEHOLDERS.contains(&p.as_str())) {
        let known: Vec<String> = PLACEHOLDERS.iter().map(|p| format!("{{{{{p}}}}}")).collect();
        problems.push(FieldError {
            field: "body",
            message: format!("{{{{{unknown}}}}} is not a placeholder. Use {}.", known.join(", ")),
        });
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let id = insert(conn, kind, title, body, Some(actor.user_id))?;
    audit::record(conn, &actor.audit(Action::TemplateUpdate).on(entity::TEMPLATE, id).described(kind.as_str()))?;
    get_template(conn, id)
}

fn insert(conn: &Connection, kind: TreatmentKind, title: &str, body: &str, by: Option<i64>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO aftercare_templates (kind, version, title, body, saved_at, saved_by)
         VALUES (?1, (SELECT COALESCE(MAX(version), 0) + 1 FROM aftercare_templates WHERE kind = ?1), ?2, ?3, ?4, ?5)",
    )?
    .execute(params![kind.as_str(), title, body, clock::now_iso(conn)?, by])?;
    Ok(conn.last_insert_rowid())
}

/// Adds the clinic team's default template for each kind that has none.
pub fn seed_templates(conn: &Connection) -> Result<()> {
    for (kind, text) in DEFAULTS {
        let missing: bool = conn
            .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM aftercare_templates WHERE kind = ?1)")?
            .query_row([kind.as_str()], |r| r.get(0))?;
        if missing {
            let fm = front_matter(text);
            insert(conn, kind, fm.get("title").unwrap_or("Aftercare"), &fm.body, None)?;
        }
    }
    Ok(())
}
