//! Staff accounts: created and deactivated by admins (never deleted, since the audit
//! trail refers to them). A failed sign-in never says whether the username or the
//! password was wrong.
//!
//! Passwords are not kept here. The one place a password is checked is the user's
//! wrapping of the database key in the key file (`db::keys`): a password is right when
//! it unwraps it. This table says whether the account exists, whether it is active and
//! its role. Two stores of the same password could fall out of step (a crash between
//! writing one and the other), and then neither the old nor the new password would
//! open the clinic; so `users.password_hash` holds only [`PASSWORD_IN_KEY_FILE`]
//! (databases from before keep their old, unused hashes until the password changes).

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::{Actor, Permission, Role};
use crate::clock;
use crate::db::keys::normalize_username;
use crate::error::FieldError;
use crate::text;
use crate::{Error, Result};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted (long passphrases are welcome; this only bounds hashing work).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// An account as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
}

/// The form for a new account.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

const USER_COLUMNS: &str = "id, username, display_name, role, active, created_at";

fn user_from_row(row: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        display_name: row.get(2)?,
        role: Role::parse(&row.get::<_, String>(3)?).unwrap_or(Role::Receptionist),
        active: row.get(4)?,
        created_at: row.get(5)?,
    })
}

/// Checks a new password; `field` names the form field for the message.
pub fn validate_password(password: &str, field: &'static str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(field, format!("The password must have at least {MIN_PASSWORD_CHARS} characters.")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Error::invalid(field, format!("The password may have at most {MAX_PASSWORD_CHARS} characters.")));
    }
    Ok(())
}

pub(crate) fn validate_new_user(new: &NewUser) -> Result<(String, String)> {
    let username = normalize_username(&new.username);
    let display_name = new.display_name.trim().to_string();
    let mut problems = Vec::new();
    if let Some(message) = text::line_problem(&new.username) {
        problems.push(FieldError { field: "username", message });
    }
    let username_ok = !problems.is_empty()
        || (3..=32).contains(&username.len())
            && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if !username_ok {
        problems.push(FieldError {
            field: "username",
            message: "Username: 3 to 32 letters, digits, dots, dashes or underscores, no spaces.".into(),
        });
    }
    if display_name.is_empty() || display_name.chars().count() > 100 {
        problems.push(FieldError {
            field: "displayName",
            message: "Full name is required (at most 100 characters).".into(),
        });
    } else if let Some(message) = text::line_problem(&display_name) {
        problems.push(FieldError { field: "displayName", message });
    }
    if let Err(Error::Validation(mut e)) = validate_password(&new.password, "password") {
        problems.append(&mut e);
    }
    if problems.is_empty() {
        Ok((username, display_name))
    } else {
        Err(Error::Validation(problems))
    }
}

/// What `users.password_hash` holds: the password is checked against the key file only.
pub const PASSWORD_IN_KEY_FILE: &str = "in glabella.keys";

/// How many accounts exist (none means the clinic is not set up yet).
pub fn count_users(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

/// The account with this id.
pub fn get_user(conn: &Connection, id: i64) -> Result<User> {
    conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], user_from_row)
        .optional()?
        .ok_or(Error::NotFound("The user"))
}

/// Every account, active first, by name. Admins only.
pub fn list_users(conn: &Connection, actor: &Actor) -> Result<Vec<User>> {
    actor.require(Permission::ManageUsers)?;
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {USER_COLUMNS} FROM users ORDER BY active DESC, display_name"))?;
    let rows = stmt.query_map([], user_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Creates an account. `actor` is `None` only for the first admin at setup.
pub(crate) fn insert_user(conn: &Connection, new: &NewUser) -> Result<User> {
    let (username, display_name) = validate_new_user(new)?;
    let taken: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)", [&username], |r| r.get(0))?;
    if taken {
        return Err(Error::invalid("username", "This username is taken; choose another."));
    }
    let now = clock::now_iso(conn)?;
    conn.prepare_cached(
        "INSERT INTO users (username, display_name, role, password_hash, active, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)",
    )?
    .execute(params![username, display_name, new.role.as_str(), PASSWORD_IN_KEY_FILE, now])?;
    get_user(conn, conn.last_insert_rowid())
}

/// Creates an account (admins only).
pub fn create_user(conn: &Connection, actor: &Actor, new: &NewUser) -> Result<User> {
    actor.require(Permission::ManageUsers)?;
    insert_user(conn, new)
}

/// Changes an account's role (admins only). An admin cannot demote themselves, so the
/// clinic always keeps someone who can manage accounts.
pub fn set_role(conn: &Connection, actor: &Actor, id: i64, role: Role) -> Result<User> {
    actor.require(Permission::ManageUsers)?;
    if id == actor.user_id && role != Role::Admin {
        return Err(Error::invalid("role", "You cannot take the admin role from your own account."));
    }
    update(conn, "UPDATE users SET role = ?2, updated_at = ?3 WHERE id = ?1", id, role.as_str())
}

/// Deactivates or reactivates an account (admins only; never one's own).
pub fn set_active(conn: &Connection, actor: &Actor, id: i64, active: bool) -> Result<User> {
    actor.require(Permission::ManageUsers)?;
    if id == actor.user_id && !active {
        return Err(Error::invalid("active", "You cannot deactivate your own account."));
    }
    update(conn, "UPDATE users SET active = ?2, updated_at = ?3 WHERE id = ?1", id, active)
}

/// Notes a new password for account `id` (an admin's reset, or the user's own change)
/// after checking it; the caller puts the password itself into the key file. An old
/// hash left from before is replaced by the placeholder.
pub(crate) fn set_password(conn: &Connection, id: i64, password: &str, field: &'static str) -> Result<User> {
    validate_password(password, field)?;
    update(conn, "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1", id, PASSWORD_IN_KEY_FILE)
}

fn update(conn: &Connection, sql: &str, id: i64, value: impl rusqlite::ToSql) -> Result<User> {
    if conn.prepare_cached(sql)?.execute(params![id, value, clock::now_iso(conn)?])? == 0 {
        return Err(Error::NotFound("The user"));
    }
    get_user(conn, id)
}

/// The active account `username` as an [`Actor`], once its password has been checked
/// against the key file; otherwise `auth.failed` — the same for an unknown user and a
/// deactivated account, so the answer never tells which.
pub fn active_actor(conn: &Connection, username: &str) -> Result<Actor> {
    let found: Option<(i64, String, String, String, bool)> = conn
        .prepare_cached("SELECT id, username, display_name, role, active FROM users WHERE username = ?1")?
        .query_row([normalize_username(username)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    match found {
        Some((user_id, username, display_name, role, true)) => {
            Ok(Actor::new(user_id, username, display_name, Role::parse(&role).unwrap_or(Role::Receptionist)))
        }
        _ => Err(Error::LoginFailed),
    }
}

/// The usernames of active accounts and whether there is any account at all (the
/// accounts whose wrapping the key file may keep).
pub fn active_usernames(conn: &Connection) -> Result<(Vec<String>, bool)> {
    let any = count_users(conn)? > 0;
    let mut stmt = conn.prepare_cached("SELECT username FROM users WHERE active = 1")?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok((names, any))
}
