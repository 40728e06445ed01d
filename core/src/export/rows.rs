//! The clinic's records as the exports read them: one plain row type per table and one
//! reader per table that hands the rows over one at a time, so that neither export
//! ever holds a whole clinic in memory. The CSV and the FHIR export read through these
//! same functions, so they cannot disagree about what a record holds.

use rusqlite::{Connection, Row};

use crate::Result;

/// A patient's record.
pub struct PatientRow {
    pub id: i64,
    /// The patient's id in the clinic's previous system, where the database has one.
    pub external_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub sex: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub allergies: String,
    pub medications: String,
    /// The medical flags, in the order of [`FLAGS`].
    pub flags: [bool; 7],
    pub consents: String,
    pub notes: String,
    pub archived_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The medical flags' columns and how a person calls them.
pub const FLAGS: [(&str, &str); 7] = [
    ("flag_pregnant_or_breastfeeding", "Pregnant or breastfeeding"),
    ("flag_neuromuscular_disorder", "Neuromuscular disorder"),
    ("flag_aminoglycoside_antibiotics", "Aminoglycoside antibiotics"),
    ("flag_blood_thinners", "Blood thinners"),
    ("flag_keloid_history", "Keloid history"),
    ("flag_active_skin_infection", "Active skin infection"),
    ("flag_previous_adverse_reaction", "Previous adverse reaction"),
];

/// An injection session, signed or a draft.
pub struct SessionRow {
    pub id: i64,
    pub patient_id: i64,
    pub injector_id: i64,
    pub injector: String,
    pub started_at: String,
    pub kind: String,
    pub consent_confirmed: bool,
    pub consent_version: String,
    pub screen_acknowledged: bool,
    pub notes: String,
    pub follow_up_date: Option<String>,
    pub next_due_date: Option<String>,
    pub signed_at: Option<String>,
    pub signed_by_id: Option<i64>,
    pub signed_by: String,
}

/// One injection point of a session: the product, lot and dose in the product's own
/// unit (`U` of that brand, or `mL`), never converted.
pub struct PointRow {
    pub position: i64,
    /// The face chart's area code, e.g. `glabella`.
    pub area: String,
    pub product: String,
    pub unit: String,
    pub lot_id: i64,
    pub lot_number: String,
    pub expiry: String,
    pub dose: f64,
    pub diluent_ml: Option<f64>,
}

/// A booking.
pub struct AppointmentRow {
    pub id: i64,
    pub patient_id: i64,
    pub injector_id: i64,
    pub injector: String,
    pub room_id: Option<i64>,
    pub room: String,
    pub kind: String,
    pub starts_at: String,
    pub ends_at: String,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub arrived_at: Option<String>,
    pub session_id: Option<i64>,
    pub note: String,
    pub created_at: String,
}

/// An aftercare handout given.
pub struct HandoutRow {
    pub id: i64,
    pub patient_id: i64,
    pub session_id: i64,
    pub session_signed: bool,
    pub given_at: String,
    pub given_by_id: i64,
    pub given_by: String,
    /// `print` or `pdf`.
    pub how: String,
    pub template: String,
    pub template_version: i64,
    /// JSON `[[article id, version], …]`, as recorded.
    pub articles: String,
    /// The PDF's SHA-256, hex.
    pub sha256: String,
}

/// A staff account.
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// A lot of a product (what a FHIR `Medication` with its batch is).
pub struct LotRow {
    pub id: i64,
    pub product: String,
    pub gtin: String,
    pub lot_number: String,
    pub expiry: String,
}

/// A treatment room.
pub struct RoomRow {
    pub id: i64,
    pub name: String,
    pub retired: bool,
}

/// Runs `query` and hands each row, read by `map`, to `each`.
fn each_row<T>(
    conn: &Connection,
    query: &str,
    map: impl Fn(&Row) -> rusqlite::Result<T>,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(query)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(map(row)?)?;
    }
    Ok(())
}

/// Whether the patients table has the external id column (migration 0009 adds it).
pub fn has_external_id(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT COUNT(*) FROM pragma_table_info('patients') WHERE name = 'external_id'", [], |r| {
        r.get::<_, i64>(0)
    })? > 0)
}

/// Every patient, archived ones too, by id; whether they carry an external id column.
pub fn patients(conn: &Connection, each: impl FnMut(PatientRow) -> Result<()>) -> Result<()> {
    let external = if has_external_id(conn)? { "NULLIF(external_id, '')" } else { "NULL" };
    let flags = FLAGS.map(|f| f.0).join(", ");
    let query = format!(
        "SELECT id, {external}, given_name, family_name, preferred_name, date_of_birth, sex, phone, email, address,
                emergency_contact_name, emergency_contact_phone, allergies, medications, consents, notes,
                archived_at, created_at, updated_at, {flags}
         FROM patients ORDER BY id"
    );
    each_row(
        conn,
        &query,
        |r| {
            let mut flags = [false; 7];
            for (i, flag) in flags.iter_mut().enumerate() {
                *flag = r.get(19 + i)?;
            }
            Ok(PatientRow {
                id: r.get(0)?,
                external_id: r.get(1)?,
                given_name: r.get(2)?,
                family_name: r.get(3)?,
                preferred_name: r.get(4)?,
                date_of_birth: r.get(5)?,
                sex: r.get(6)?,
                phone: r.get(7)?,
                email: r.get(8)?,
                address: r.get(9)?,
                emergency_contact_name: r.get(10)?,
                emergency_contact_phone: r.get(11)?,
                allergies: r.get(12)?,
                medications: r.get(13)?,
                consents: r.get(14)?,
                notes: r.get(15)?,
                archived_at: r.get(16)?,
                created_at: r.get(17)?,
                updated_at: r.get(18)?,
                flags,
            })
        },
        each,
    )
}

/// Every session by id, each with its points in order (none for an empty draft).
pub fn sessions(conn: &Connection, mut each: impl FnMut(SessionRow, Vec<PointRow>) -> Result<()>) -> Result<()> {
    let mut current: Option<(SessionRow, Vec<PointRow>)> = None;
    each_row(
        conn,
        "SELECT s.id, s.patient_id, s.injector_id, i.display_name, s.started_at, s.kind, s.consent_confirmed,
                s.consent_version, s.screen_acknowledged, s.notes, s.follow_up_date, s.next_due_date, s.signed_at,
                s.signed_by, COALESCE(b.display_name, ''),
                ip.position, ip.area, p.name, p.unit, l.id, l.lot_number, l.expiry, ip.dose, v.diluent_ml
         FROM sessions s
         JOIN users i ON i.id = s.injector_id
         LEFT JOIN users b ON b.id = s.signed_by
         LEFT JOIN injection_points ip ON ip.session_id = s.id
         LEFT JOIN vials v ON v.id = ip.vial_id
         LEFT JOIN lots l ON l.id = v.lot_id
         LEFT JOIN products p ON p.id = l.product_id
         ORDER BY s.id, ip.position",
        |r| {
            let session = SessionRow {
                id: r.get(0)?,
                patient_id: r.get(1)?,
                injector_id: r.get(2)?,
                injector: r.get(3)?,
                started_at: r.get(4)?,
                kind: r.get(5)?,
                consent_confirmed: r.get(6)?,
                consent_version: r.get(7)?,
                screen_acknowledged: r.get(8)?,
                notes: r.get(9)?,
                follow_up_date: r.get(10)?,
                next_due_date: r.get(11)?,
                signed_at: r.get(12)?,
                signed_by_id: r.get(13)?,
                signed_by: r.get(14)?,
            };
            let point = match r.get::<_, Option<i64>>(15)? {
                None => None,
                Some(position) => Some(PointRow {
                    position,
                    area: r.get(16)?,
                    product: r.get(17)?,
                    unit: r.get(18)?,
                    lot_id: r.get(19)?,
                    lot_number: r.get(20)?,
                    expiry: r.get(21)?,
                    dose: r.get(22)?,
                    diluent_ml: r.get(23)?,
                }),
            };
            Ok((session, point))
        },
        |(session, point)| {
            if current.as_ref().is_some_and(|(s, _)| s.id != session.id) {
                let (s, points) = current.take().unwrap();
                each(s, points)?;
            }
            current.get_or_insert_with(|| (session, Vec::new())).1.extend(point);
            Ok(())
        },
    )?;
    match current {
        Some((s, points)) => each(s, points),
        None => Ok(()),
    }
}

/// Every appointment by id, cancelled ones too.
pub fn appointments(conn: &Connection, each: impl FnMut(AppointmentRow) -> Result<()>) -> Result<()> {
    each_row(
        conn,
        "SELECT a.id, a.patient_id, a.injector_id, i.display_name, a.room_id, COALESCE(r.name, ''), a.kind,
                a.starts_at, a.ends_at, a.status, a.cancel_reason, a.arrived_at, a.session_id, a.note, a.created_at
         FROM appointments a
         JOIN users i ON i.id = a.injector_id
         LEFT JOIN rooms r ON r.id = a.room_id
         ORDER BY a.id",
        |r| {
            Ok(AppointmentRow {
                id: r.get(0)?,
                patient_id: r.get(1)?,
                injector_id: r.get(2)?,
                injector: r.get(3)?,
                room_id: r.get(4)?,
                room: r.get(5)?,
                kind: r.get(6)?,
                starts_at: r.get(7)?,
                ends_at: r.get(8)?,
                status: r.get(9)?,
                cancel_reason: r.get(10)?,
                arrived_at: r.get(11)?,
                session_id: r.get(12)?,
                note: r.get(13)?,
                created_at: r.get(14)?,
            })
        },
        each,
    )
}

/// Every handout given, by id.
pub fn handouts(conn: &Connection, each: impl FnMut(HandoutRow) -> Result<()>) -> Result<()> {
    each_row(
        conn,
        "SELECT h.id, h.patient_id, h.session_id, s.signed_at IS NOT NULL, h.given_at, h.given_by, u.display_name,
                h.how, t.title, t.version, h.articles, h.sha256
         FROM handouts h
         JOIN sessions s ON s.id = h.session_id
         JOIN users u ON u.id = h.given_by
         JOIN aftercare_templates t ON t.id = h.template_id
         ORDER BY h.id",
        |r| {
            Ok(HandoutRow {
                id: r.get(0)?,
                patient_id: r.get(1)?,
                session_id: r.get(2)?,
                session_signed: r.get(3)?,
                given_at: r.get(4)?,
                given_by_id: r.get(5)?,
                given_by: r.get(6)?,
                how: r.get(7)?,
                template: r.get(8)?,
                template_version: r.get(9)?,
                articles: r.get(10)?,
                sha256: r.get(11)?,
            })
        },
        each,
    )
}

/// Every staff account, by id.
pub fn users(conn: &Connection, each: impl FnMut(UserRow) -> Result<()>) -> Result<()> {
    each_row(
        conn,
        "SELECT id, display_name, active FROM users ORDER BY id",
        |r| Ok(UserRow { id: r.get(0)?, name: r.get(1)?, active: r.get(2)? }),
        each,
    )
}

/// Every lot received, by id, with its product.
pub fn lots(conn: &Connection, each: impl FnMut(LotRow) -> Result<()>) -> Result<()> {
    each_row(
        conn,
        "SELECT l.id, p.name, p.gtin, l.lot_number, l.expiry FROM lots l JOIN products p ON p.id = l.product_id
         ORDER BY l.id",
        |r| Ok(LotRow { id: r.get(0)?, product: r.get(1)?, gtin: r.get(2)?, lot_number: r.get(3)?, expiry: r.get(4)? }),
        each,
    )
}

/// Every room, by id.
pub fn rooms(conn: &Connection, each: impl FnMut(RoomRow) -> Result<()>) -> Result<()> {
    each_row(
        conn,
        "SELECT id, name, retired_at IS NOT NULL FROM rooms ORDER BY id",
        |r| Ok(RoomRow { id: r.get(0)?, name: r.get(1)?, retired: r.get(2)? }),
        each,
    )
}
