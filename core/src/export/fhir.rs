//! The FHIR R4 export: one JSON `Bundle` of type `collection`, streamed entry by entry.
//! It holds a `Practitioner` per staff account (FHIR's Practitioner covers everyone
//! involved in care, receptionists included, and handouts and bookings name them), a
//! `Location` per room, a `Medication` per lot (product, GTIN, `batch.lotNumber` and
//! `batch.expirationDate`), each `Patient`, a `Procedure` per signed session with a
//! `MedicationAdministration` per injection point, each `Appointment`, and a
//! `DocumentReference` per handout given. Draft sessions are not yet a clinical record
//! and are left out (the CSV export has them, marked "draft").
//!
//! Every entry's `fullUrl` is `urn:uuid:<id>` and every reference points at one: the id
//! is a UUID v5 of the record's table and id under a namespace of the clinic (the hash
//! of its first audit entry, fixed at setup), so the same records give the same ids in
//! every export and two clinics never share one. Empty fields are left out, as FHIR
//! requires (no `""`, no `null`, no `[]`).

use std::fmt::Display;
use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};
use uuid::Uuid;

use super::rows::{self, PatientRow, PointRow, SessionRow};
use super::ExportCounts;
use crate::auth::{Actor, Permission};
use crate::booking::{AppointmentKind, CancelReason, Status};
use crate::products::TreatmentKind;
use crate::sessions::area_label;
use crate::Result;

/// The resource ids of one clinic.
struct Ids(Uuid);

impl Ids {
    fn of(conn: &Connection) -> Result<Ids> {
        let first: Option<String> =
            conn.query_row("SELECT hash FROM audit_log ORDER BY id LIMIT 1", [], |r| r.get(0)).optional()?;
        let clinic = format!("urn:glabella:clinic:{}", first.unwrap_or_default());
        Ok(Ids(Uuid::new_v5(&Uuid::NAMESPACE_URL, clinic.as_bytes())))
    }

    fn id(&self, kind: &str, key: impl Display) -> String {
        Uuid::new_v5(&self.0, format!("{kind}/{key}").as_bytes()).to_string()
    }

    /// A reference to the entry of `kind` and `key`.
    fn to(&self, kind: &str, key: impl Display) -> Value {
        json!({ "reference": format!("urn:uuid:{}", self.id(kind, key)) })
    }
}

/// The bundle being written.
struct Bundle<W: Write> {
    out: W,
    ids: Ids,
    entries: u64,
}

impl<W: Write> Bundle<W> {
    /// Appends `resource` as the entry of `kind` and `key`.
    fn entry(&mut self, kind: &str, key: impl Display, mut resource: Value) -> Result<()> {
        let id = self.ids.id(kind, key);
        resource["resourceType"] = kind.into();
        resource["id"] = id.clone().into();
        if self.entries > 0 {
            self.out.write_all(b",\n")?;
        }
        self.entries += 1;
        let entry = json!({ "fullUrl": format!("urn:uuid:{id}"), "resource": pruned(resource) });
        serde_json::to_writer(&mut self.out, &entry).map_err(std::io::Error::from)?;
        Ok(())
    }
}

/// `value` without the nulls, empty strings, empty lists and empty objects FHIR refuses.
fn pruned(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, pruned(v))).filter(|(_, v)| !is_empty(v)).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(pruned).filter(|v| !is_empty(v)).collect()),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// Writes the bundle into `out` from `conn` (inside one [`super::snapshot`]).
pub fn write_bundle(conn: &Connection, actor: &Actor, now: DateTime<Utc>, out: impl Write) -> Result<ExportCounts> {
    actor.require(Permission::ExportRecords)?;
    let ids = Ids::of(conn)?;
    let timestamp = now.to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut b = Bundle { out, entries: 0, ids };
    let head = json!({ "resourceType": "Bundle", "id": b.ids.id("Bundle", &timestamp), "type": "collection",
                       "timestamp": timestamp });
    let head = serde_json::to_string(&head).map_err(std::io::Error::from)?;
    b.out.write_all(head.trim_end_matches('}').as_bytes())?;
    b.out.write_all(b",\"entry\":[\n")?;

    let mut counts = ExportCounts::default();
    rows::users(conn, |u| {
        let resource = json!({ "active": u.active, "name": [{ "text": u.name }] });
        b.entry("Practitioner", u.id, resource)
    })?;
    rows::rooms(conn, |r| {
        let resource = json!({ "name": r.name, "status": if r.retired { "inactive" } else { "active" } });
        b.entry("Location", r.id, resource)
    })?;
    rows::lots(conn, |l| {
        let coding = (!l.gtin.is_empty()).then(|| json!([{ "system": "https://www.gs1.org/gtin", "code": l.gtin }]));
        let resource = json!({
            "code": { "coding": coding, "text": l.product },
            "batch": { "lotNumber": l.lot_number, "expirationDate": l.expiry },
        });
        b.entry("Medication", l.id, resource)
    })?;
    rows::patients(conn, |p| {
        counts.patients += 1;
        b.entry("Patient", p.id, patient(&p))
    })?;
    rows::sessions(conn, |s, points| {
        if s.signed_at.is_none() {
            return Ok(());
        }
        counts.sessions += 1;
        b.entry("Procedure", s.id, procedure(&b.ids, &s, &points))?;
        for p in &points {
            counts.points += 1;
            let resource = administration(&b.ids, &s, p);
            b.entry("MedicationAdministration", format!("{}-{}", s.id, p.position), resource)?;
        }
        Ok(())
    })?;
    rows::appointments(conn, |a| {
        counts.appointments += 1;
        let status = match Status::parse(&a.status) {
            Status::Booked => "booked",
            Status::Arrived => "arrived",
            Status::InTreatment => "checked-in",
            Status::Completed => "fulfilled",
            Status::NoShow => "noshow",
            Status::Cancelled => "cancelled",
        };
        let mut participants = vec![
            json!({ "actor": b.ids.to("Patient", a.patient_id), "status": "accepted" }),
            json!({ "actor": b.ids.to("Practitioner", a.injector_id), "status": "accepted" }),
        ];
        if let Some(room) = a.room_id {
            participants.push(json!({ "actor": b.ids.to("Location", room), "status": "accepted" }));
        }
        let reason = a.cancel_reason.as_deref().and_then(CancelReason::parse).map(|r| json!({ "text": r.label() }));
        let resource = json!({
            "status": status,
            "cancelationReason": reason,
            "serviceType": [{ "text": AppointmentKind::parse(&a.kind).label() }],
            "start": a.starts_at,
            "end": a.ends_at,
            "created": a.created_at,
            "comment": a.note,
            "participant": participants,
        });
        b.entry("Appointment", a.id, resource)
    })?;
    rows::handouts(conn, |h| {
        counts.handouts += 1;
        let title = format!("Aftercare handout: {} (template version {})", h.template, h.template_version);
        let session = h.session_signed.then(|| json!({ "related": [b.ids.to("Procedure", h.session_id)] }));
        let resource = json!({
            // FHIR R4's `attachment.hash` is a SHA-1; Glabella keeps the PDF's SHA-256,
            // so it travels as an identifier that says what it is, and `hash` is left out.
            "identifier": [{ "type": { "text": "SHA-256 of the PDF as given" }, "value": h.sha256 }],
            "status": "current",
            "type": { "text": "Aftercare handout" },
            "subject": b.ids.to("Patient", h.patient_id),
            "date": h.given_at,
            "author": [b.ids.to("Practitioner", h.given_by_id)],
            "description": format!("{title}, {}", if h.how == "pdf" { "saved as PDF" } else { "printed" }),
            "content": [{ "attachment": { "contentType": "application/pdf", "title": title, "creation": h.given_at } }],
            "context": session,
        });
        b.entry("DocumentReference", h.id, resource)
    })?;

    b.out.write_all(b"\n]}\n")?;
    b.out.flush()?;
    Ok(counts)
}

fn patient(p: &PatientRow) -> Value {
    let emergency = !p.emergency_contact_name.is_empty() || !p.emergency_contact_phone.is_empty();
    let contact = emergency.then(|| {
        json!([{
            "relationship": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0131",
                                            "code": "C", "display": "Emergency Contact" }] }],
            "name": { "text": p.emergency_contact_name },
            "telecom": [{ "system": "phone", "value": p.emergency_contact_phone }],
        }])
    });
    let external =
        p.external_id.as_ref().map(|id| json!([{ "type": { "text": "Previous system's id" }, "value": id }]));
    json!({
        "identifier": external,
        "active": p.archived_at.is_none(),
        "name": [
            { "use": "official", "family": p.family_name, "given": [p.given_name] },
            { "use": "usual", "given": [p.preferred_name] },
        ],
        "telecom": [{ "system": "phone", "value": p.phone }, { "system": "email", "value": p.email }],
        "gender": match p.sex.as_str() { "female" | "male" | "other" => p.sex.as_str(), _ => "unknown" },
        "birthDate": p.date_of_birth,
        "address": [{ "text": p.address }],
        "contact": contact,
    })
}

fn kind_text(kind: &str) -> &'static str {
    match TreatmentKind::parse(kind) {
        TreatmentKind::Neurotoxin => "Neurotoxin injection",
        TreatmentKind::Filler => "Dermal filler injection",
        TreatmentKind::Other => "Other injection treatment",
    }
}

fn procedure(ids: &Ids, s: &SessionRow, points: &[PointRow]) -> Value {
    let mut areas: Vec<String> = Vec::new();
    for p in points {
        let area = area_label(&p.area);
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    let follow_up = [
        s.follow_up_date.as_ref().map(|d| json!({ "text": format!("Follow-up review on {d}") })),
        s.next_due_date.as_ref().map(|d| json!({ "text": format!("Next treatment due on {d}") })),
    ];
    json!({
        "status": "completed",
        "code": { "text": kind_text(&s.kind) },
        "subject": ids.to("Patient", s.patient_id),
        "performedDateTime": s.started_at,
        "recorder": s.signed_by_id.map(|id| ids.to("Practitioner", id)),
        "performer": [{ "actor": ids.to("Practitioner", s.injector_id) }],
        "bodySite": areas.iter().map(|a| json!({ "text": a })).collect::<Vec<_>>(),
        "note": [{ "text": s.notes }],
        "followUp": follow_up,
    })
}

fn administration(ids: &Ids, s: &SessionRow, p: &PointRow) -> Value {
    // The dose in the product's own unit, never converted. Millilitres are UCUM's
    // `mL`; a neurotoxin "U" is a brand's own biological unit (a Dysport unit is not a
    // Botox unit) and not UCUM's enzyme unit `U` nor the international unit `[iU]`, so
    // it is carried as unit text only, with no system or code pretending otherwise.
    let dose = if p.unit == "mL" {
        json!({ "value": p.dose, "unit": "mL", "system": "http://unitsofmeasure.org", "code": "mL" })
    } else {
        json!({ "value": p.dose, "unit": p.unit })
    };
    let area = area_label(&p.area);
    json!({
        "status": "completed",
        "medicationReference": { "reference": ids.to("Medication", p.lot_id)["reference"], "display": p.product },
        "subject": ids.to("Patient", s.patient_id),
        "effectiveDateTime": s.started_at,
        "performer": [{ "actor": ids.to("Practitioner", s.injector_id) }],
        "partOf": [ids.to("Procedure", s.id)],
        "dosage": {
            "text": format!("{} {} {} into the {} (point {})", p.dose, p.unit, p.product, area.to_lowercase(), p.position),
            "site": { "text": area },
            "dose": dose,
        },
    })
}
