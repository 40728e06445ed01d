//! Giving a handout: its data gathered from the signed session, the clinic's settings,
//! the aftercare template in use and the chosen articles' published versions; the PDF
//! rendered; and a record kept of what was given (template and article versions, the
//! exact data, the PDF's SHA-256), audited as a disclosure. A reprint typesets the
//! recorded data again, so it is the same document.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;

use super::templates::{current_id, get_template};
use super::{render_pdf, Block, ClinicHeader, HandoutArticle, HandoutInput, Paper, Span};
use crate::articles::version_for_handout;
use crate::audit::{self, entity, Action};
use crate::auth::settings::get_settings;
use crate::auth::{Actor, Permission};
use crate::calendar::{self, Writing};
use crate::clock;
use crate::markdown::to_blocks;
use crate::products::TreatmentKind;
use crate::sessions::{load_session, Session};
use crate::{Error, Result};

/// How a handout was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum HandoutOutput {
    /// Sent to the printer.
    Print,
    /// Saved as a PDF file.
    Pdf,
}

/// An article given with a handout, at the version printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct GivenArticle {
    pub id: i64,
    pub version: i64,
    pub title: String,
}

/// A handout given, as the chart lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HandoutRecord {
    pub id: i64,
    pub session_id: i64,
    pub given_at: String,
    pub given_by_name: String,
    pub how: HandoutOutput,
    pub template_title: String,
    pub template_version: i64,
    pub articles: Vec<GivenArticle>,
    /// SHA-256 of the PDF, hex.
    pub sha256: String,
    /// Why the printer (or the chosen file) refused it after it was sent, if it did.
    pub failure: Option<String>,
}

/// The paper size handouts print on (a clinic setting; A4 unless set).
pub fn handout_paper(conn: &Connection) -> Result<Paper> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = 'handout_paper'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(if stored.as_deref() == Some("letter") { Paper::Letter } else { Paper::A4 })
}

/// Sets the paper size handouts print on.
pub fn set_handout_paper(conn: &Connection, actor: &Actor, paper: Paper) -> Result<Paper> {
    actor.require(Permission::ManageSettings)?;
    let value = if paper == Paper::Letter { "letter" } else { "a4" };
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES ('handout_paper', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
    )?
    .execute([value])?;
    audit::record(conn, &actor.audit(Action::SettingChange).on(entity::SETTING, "handout_paper").described(value))?;
    Ok(paper)
}

/// The largest logo accepted, in bytes.
const LOGO_MAX: usize = 2 * 1024 * 1024;

/// The clinic's logo, if it has one.
pub fn clinic_logo(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn.prepare_cached("SELECT image FROM clinic_logo WHERE id = 1")?.query_row([], |r| r.get(0)).optional()?)
}

/// Sets the logo printed on handouts (a PNG or JPEG file's bytes), or removes it when
/// `image` is empty.
pub fn set_clinic_logo(conn: &Connection, actor: &Actor, image: &[u8]) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    if image.is_empty() {
        conn.execute("DELETE FROM clinic_logo", [])?;
    } else {
        let png = image.starts_with(b"\x89PNG\r\n\x1a\n");
        let jpeg = image.starts_with(&[0xff, 0xd8, 0xff]);
        if !(png || jpeg) || image.len() > LOGO_MAX {
            return Err(Error::invalid("logo", "The logo must be a PNG or JPEG image of at most 2 MB."));
        }
        conn.prepare_cached(
            "INSERT INTO clinic_logo (id, image, saved_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET image = ?1, saved_at = ?2",
        )?
        .execute(params![image, clock::now_iso(conn)?])?;
    }
    let what = if image.is_empty() { "removed" } else { "set" };
    audit::record(conn, &actor.audit(Action::SettingChange).on(entity::SETTING, "clinic_logo").described(what))?;
    Ok(())
}

/// A handout typeset and ready to record: what goes into the record, and the PDF.
#[derive(Debug, Clone)]
pub struct PreparedHandout {
    session_id: i64,
    patient_id: i64,
    template_id: i64,
    /// (article id, version) of each article included.
    given: Vec<(i64, i64)>,
    input: HandoutInput,
    pub pdf: Vec<u8>,
}

/// Typesets the handout of a signed session with the chosen (published) articles. Only
/// reads, so the typesetting never holds the write lock; [`record_handout`] records it.
pub fn prepare_handout(
    conn: &Connection,
    actor: &Actor,
    session_id: i64,
    article_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<PreparedHandout> {
    actor.require(Permission::PrintHandouts)?;
    let session = load_session(conn, session_id)?;
    if session.signed_at.is_none() {
        return Err(Error::invalid("handout", "Sign the session first: a handout is printed from a signed session."));
    }
    let template = get_template(conn, current_id(conn, session.form.kind)?)?;
    let mut articles = Vec::new();
    let mut given = Vec::new();
    for &id in article_ids {
        let (version, form) = version_for_handout(conn, id)?;
        given.push((id, version));
        articles.push(HandoutArticle { title: form.title, blocks: to_blocks(&form.body, &[]), source: form.source });
    }
    let input = handout_input(conn, actor, &session, &template.body, &template.title, articles, now)?;
    let pdf = render_pdf(&input)?;
    Ok(PreparedHandout {
        session_id: session.id,
        patient_id: session.patient_id,
        template_id: template.id,
        given,
        input,
        pdf,
    })
}

/// Records a prepared handout as given (`how`: printed or saved), audited as a
/// disclosure on the patient.
pub fn record_handout(
    conn: &Connection,
    actor: &Actor,
    handout: &PreparedHandout,
    how: HandoutOutput,
) -> Result<HandoutRecord> {
    actor.require(Permission::PrintHandouts)?;
    conn.prepare_cached(
        "INSERT INTO handouts (session_id, patient_id, template_id, articles, input, sha256, given_at, given_by, how)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        handout.session_id,
        handout.patient_id,
        handout.template_id,
        to_json(&handout.given)?,
        to_json(&handout.input)?,
        hex(&Sha256::digest(&handout.pdf)),
        handout.input.created_at,
        actor.user_id,
        how_text(how)
    ])?;
    let id = conn.last_insert_rowid();
    let action = if how == HandoutOutput::Print { Action::HandoutPrint } else { Action::HandoutSave };
    audit::record(
        conn,
        &actor
            .audit(action)
            .on(entity::PATIENT, handout.patient_id)
            .described(format!("handout {id} of session {}", handout.session_id)),
    )?;
    get_handout(conn, id)
}

/// [`prepare_handout`] and [`record_handout`] on one connection: for callers already
/// inside a transaction (the app's front door does the two apart, see `api::handouts`).
pub fn give_handout(
    conn: &Connection,
    actor: &Actor,
    session_id: i64,
    article_ids: &[i64],
    how: HandoutOutput,
    now: DateTime<Utc>,
) -> Result<(HandoutRecord, Vec<u8>)> {
    let handout = prepare_handout(conn, actor, session_id, article_ids, now)?;
    Ok((record_handout(conn, actor, &handout, how)?, handout.pdf))
}

/// Typesets a recorded handout again, exactly as it was given (only reads); returns
/// the patient it was given to and the PDF. [`record_reprint`] records the reprint.
pub fn prepare_reprint(conn: &Connection, actor: &Actor, id: i64) -> Result<(i64, Vec<u8>)> {
    actor.require(Permission::PrintHandouts)?;
    let (patient_id, input): (i64, String) = conn
        .prepare_cached("SELECT patient_id, input FROM handouts WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound("The handout"))?;
    let input: HandoutInput = serde_json::from_str(&input).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((patient_id, render_pdf(&input)?))
}

/// Records that handout `id` of `patient_id` was reprinted (a disclosure).
pub fn record_reprint(conn: &Connection, actor: &Actor, id: i64, patient_id: i64) -> Result<HandoutRecord> {
    actor.require(Permission::PrintHandouts)?;
    audit::record(
        conn,
        &actor.audit(Action::HandoutReprint).on(entity::PATIENT, patient_id).described(format!("handout {id}")),
    )?;
    get_handout(conn, id)
}

/// [`prepare_reprint`] and [`record_reprint`] on one connection.
pub fn reprint_handout(conn: &Connection, actor: &Actor, id: i64) -> Result<(HandoutRecord, Vec<u8>)> {
    let (patient_id, pdf) = prepare_reprint(conn, actor, id)?;
    Ok((record_reprint(conn, actor, id, patient_id)?, pdf))
}

/// Records that handout `id` failed at the printer or file it was sent to (`reprint`:
/// a reprint of it failed); returns the record as it now stands.
pub fn record_failure(conn: &Connection, actor: &Actor, id: i64, reprint: bool, reason: &str) -> Result<HandoutRecord> {
    let patient_id: i64 = conn
        .prepare_cached("SELECT patient_id FROM handouts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound("The handout"))?;
    conn.prepare_cached(
        "INSERT INTO handout_failures (handout_id, reprint, failed_at, reason) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, reprint, clock::now_iso(conn)?, reason])?;
    let what = if reprint { "reprint of handout" } else { "handout" };
    audit::record(
        conn,
        &actor.audit(Action::HandoutFailed).on(entity::PATIENT, patient_id).described(format!("{what} {id} failed")),
    )?;
    get_handout(conn, id)
}

/// The file name a saved handout is offered under: "aftercare-patient-<patient number>-<date>.pdf".
/// The patient's number, not their name: a file name is seen by whoever sees the folder.
pub fn handout_file_name(conn: &Connection, session_id: i64) -> Result<String> {
    let (patient_id, started): (i64, String) = conn
        .prepare_cached("SELECT patient_id, started_at FROM sessions WHERE id = ?1")?
        .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or(Error::NotFound("The session"))?;
    let zone = calendar::zone(conn)?;
    let day = calendar::local_date(clock::parse_iso(&started), zone).format("%Y-%m-%d");
    Ok(format!("aftercare-patient-{patient_id}-{day}.pdf"))
}

/// The handouts given to a patient, newest first.
pub fn list_handouts(conn: &Connection, actor: &Actor, patient_id: i64) -> Result<Vec<HandoutRecord>> {
    actor.require(Permission::PrintHandouts)?;
    let mut stmt =
        conn.prepare_cached(&format!("{RECORD_SELECT} WHERE h.patient_id = ?1 ORDER BY h.given_at DESC, h.id DESC"))?;
    let rows: Vec<(HandoutRecord, String)> =
        stmt.query_map([patient_id], record_from_row)?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|(record, articles)| with_articles(conn, record, &articles)).collect()
}

fn get_handout(conn: &Connection, id: i64) -> Result<HandoutRecord> {
    let (record, articles) =
        conn.prepare_cached(&format!("{RECORD_SELECT} WHERE h.id = ?1"))?.query_row([id], record_from_row)?;
    with_articles(conn, record, &articles)
}

const RECORD_SELECT: &str =
    "SELECT h.id, h.session_id, h.given_at, u.display_name, h.how, t.title, t.version, h.sha256, h.articles,
        (SELECT f.reason FROM handout_failures f WHERE f.handout_id = h.id AND f.reprint = 0 ORDER BY f.id DESC LIMIT 1)
    FROM handouts h JOIN users u ON u.id = h.given_by JOIN aftercare_templates t ON t.id = h.template_id";

fn record_from_row(r: &Row) -> rusqlite::Result<(HandoutRecord, String)> {
    Ok((
        HandoutRecord {
            id: r.get(0)?,
            session_id: r.get(1)?,
            given_at: r.get(2)?,
            given_by_name: r.get(3)?,
            how: if r.get::<_, String>(4)? == "print" { HandoutOutput::Print } else { HandoutOutput::Pdf },
            template_title: r.get(5)?,
            template_version: r.get(6)?,
            articles: Vec::new(),
            sha256: r.get(7)?,
            failure: r.get(9)?,
        },
        r.get(8)?,
    ))
}

/// Fills in the titles of the article versions a record names.
fn with_articles(conn: &Connection, mut record: HandoutRecord, stored: &str) -> Result<HandoutRecord> {
    let given: Vec<(i64, i64)> = serde_json::from_str(stored).map_err(|e| Error::Internal(e.to_string()))?;
    for (id, version) in given {
        let title = conn
            .prepare_cached("SELECT title FROM article_versions WHERE article_id = ?1 AND version = ?2")?
            .query_row(params![id, version], |r| r.get(0))?;
        record.articles.push(GivenArticle { id, version, title });
    }
    Ok(record)
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))
}

fn how_text(how: HandoutOutput) -> &'static str {
    match how {
        HandoutOutput::Print => "print",
        HandoutOutput::Pdf => "pdf",
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored UTC time or a plain date as the clinic writes dates, e.g. "29/11/2026".
fn written_date(text: &str, w: &Writing) -> String {
    if let Ok(day) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return w.dates.format(day);
    }
    DateTime::parse_from_rfc3339(text).map(|t| w.date(t.with_timezone(&Utc))).unwrap_or_else(|_| text.to_string())
}

/// The handout's data: who, when, what was done, the filled template, the warnings.
fn handout_input(
    conn: &Connection,
    actor: &Actor,
    session: &Session,
    template: &str,
    title: &str,
    articles: Vec<HandoutArticle>,
    now: DateTime<Utc>,
) -> Result<HandoutInput> {
    let settings = get_settings(conn)?;
    let writing = Writing::of(conn)?;
    let (given_name, family_name): (String, String) = conn
        .prepare_cached("SELECT given_name, family_name FROM patients WHERE id = ?1")?
        .query_row([session.patient_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let treated: Vec<String> = session
        .product_totals
        .iter()
        .map(|p| {
            let areas: Vec<String> = session
                .area_totals
                .iter()
                .filter(|a| a.product_name == p.product_name)
                .map(|a| format!("{} {} {}", a.area_label, a.dose, a.unit.symbol()))
                .collect();
            format!("{} — {}, lot {}", areas.join(", "), p.product_name, p.lot_numbers.join(", "))
        })
        .collect();
    let session_date = written_date(&session.started_at, &writing);
    let follow_up_date = if session.form.follow_up_date.is_empty() {
        String::new()
    } else {
        written_date(&session.form.follow_up_date, &writing)
    };
    let values = [
        ("first_name", given_name.clone()),
        ("session_date", session_date.clone()),
        ("treatment", treated.join("; ")),
        ("follow_up_date", if follow_up_date.is_empty() { "—".to_string() } else { follow_up_date.clone() }),
        (
            "clinic_phone",
            if settings.clinic_phone.is_empty() {
                "the number on your appointment card".to_string()
            } else {
                settings.clinic_phone.clone()
            },
        ),
    ];
    let today = written_date(&now.to_rfc3339(), &writing);
    Ok(HandoutInput {
        paper: super::handout_paper(conn)?,
        clinic: ClinicHeader {
            name: settings.clinic_name.clone(),
            address: settings.clinic_address,
            phone: settings.clinic_phone.clone(),
        },
        logo: clinic_logo(conn)?,
        patient_name: format!("{given_name} {family_name}"),
        session_date,
        title: title.to_string(),
        treated,
        instructions: to_blocks(template, &values),
        warnings: warnings(session.form.kind, &settings.clinic_phone),
        follow_up_date,
        articles,
        created_at: now.to_rfc3339_opts(SecondsFormat::Secs, true),
        footer: format!("Given by {} on {today} · {}", actor.display_name, settings.clinic_name),
    })
}

/// The warning signs and what to do: fixed text, not a template, since it is the part
/// that must never be edited away.
fn warnings(kind: TreatmentKind, phone: &str) -> Vec<Block> {
    let call = if phone.is_empty() { "call the clinic".to_string() } else { format!("call the clinic on {phone}") };
    let lines: Vec<(&str, String)> = match kind {
        TreatmentKind::Neurotoxin => vec![
            ("Emergency: ", "trouble swallowing, speaking or breathing, or new weakness away from the treated area — get emergency care now (call your emergency number).".into()),
            ("Call us: ", format!("a drooping eyelid or brow, uneven results, or a headache that does not settle — {call}.")),
        ],
        TreatmentKind::Filler => vec![
            ("Call now or get emergency care: ", "skin that turns pale, white, blue-grey or blotchy, severe or growing pain, or any change in your vision.".into()),
            ("Call us: ", format!("redness, heat or swelling that gets worse after two days, or a fever — {call}.")),
        ],
        TreatmentKind::Other => vec![
            ("Emergency: ", "trouble breathing or swallowing, or a severe allergic reaction — get emergency care now.".into()),
            ("Call us: ", format!("pain, redness or swelling that gets worse, or anything that worries you — {call}.")),
        ],
    };
    vec![Block::List {
        ordered: false,
        items: lines
            .into_iter()
            .map(|(lead, rest)| {
                vec![
                    Span { text: lead.to_string(), strong: true, emph: false },
                    Span { text: rest, strong: false, emph: false },
                ]
            })
            .collect(),
    }]
}
