//! `glabella-admin`: maintenance of a Glabella clinic without the app window.
//! `demo-data` creates (or adds to) a demo clinic, holding the clinic folder's lock like
//! the app does (so it is refused while the app has the clinic open); `check` verifies
//! the database read-only (it may run beside the app) and exits non-zero on any
//! problem; `backup`, `verify-backup` and `restore` make, check and restore backup
//! bundles; `export` writes everything as CSV (.zip) or FHIR R4 (JSON). The database
//! is encrypted, so commands that read an existing clinic need a user's password
//! (`--user`, with the password from `GLABELLA_PASSWORD` or a prompt) or the recovery
//! key (`--recovery-key`, typed at a prompt or read from standard input — never from
//! the command line, where it would show in `ps` and the shell's history).
//! `import-patients` brings patients in from a CSV file (an administrator's `--user`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use glabella_core::auth::Actor;
use glabella_core::backup::{bundle, restore};
use glabella_core::clinic::Clinic;
use glabella_core::db::{self, DatabaseKey, KeyFile};
use glabella_core::files::SaveDialog;
use glabella_core::imports::{
    self, CsvFile, DatePattern, DuplicateRule, ImportOptions, PatientImportPreview, RefusedRow,
};
use glabella_core::{api, check, demo, paths};

#[derive(Parser)]
#[command(name = "glabella-admin", version, about = "Maintenance of a Glabella clinic's database")]
struct Cli {
    /// The data directory (default: $GLABELLA_DATA_DIR, else the per-user app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Sign in as this user; the password comes from $GLABELLA_PASSWORD or a prompt.
    #[arg(long, global = true)]
    user: Option<String>,
    /// Open the database with the clinic's recovery key instead of a password (typed
    /// at a prompt, or one line on standard input).
    #[arg(long, global = true)]
    recovery_key: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a demo clinic (with one account per role, see the README), or add demo
    /// patients to an existing clinic (needs an admin's --user or the --recovery-key).
    DemoData {
        /// How many patients to add.
        #[arg(long, default_value_t = 1000)]
        patients: usize,
        /// The seed: the same seed gives the same patients.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check the database's integrity, foreign keys, schema version and audit chain.
    Check,
    /// Make a verified backup bundle of the clinic in DIR and print its path.
    Backup {
        /// The folder to write the bundle into (it must exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Verify a backup bundle (checksums, integrity, audit chain, counts); exits
    /// non-zero naming each problem. Unlocked with --user of the bundle or --recovery-key.
    VerifyBackup { bundle: PathBuf },
    /// Restore a backup bundle into the data folder (close the app first). The current
    /// files are moved aside into a dated folder, never deleted. Needs an administrator's
    /// --user or the --recovery-key.
    Restore { bundle: PathBuf },
    /// Import patients from a CSV file (UTF-8 or Windows-1252; comma, semicolon or tab
    /// separated, detected), as an administrator (--user). Likely duplicates of
    /// registered patients, and rows repeating earlier ones, are skipped (or, with
    /// --merge, fill the registered patient's empty fields); each refused row is named.
    ImportPatients {
        file: PathBuf,
        /// Columns for fields, over the guess from the headers: e.g.
        /// `first=Given,last=Surname,dob=DOB`. Fields: first, last, dob, sex, phone, email,
        /// address, allergies, medications, notes, id (the old system's patient id).
        #[arg(long)]
        mapping: Option<String>,
        /// How the file writes dates of birth (default: the clinic's date format).
        #[arg(long, value_enum)]
        dates: Option<DatesArg>,
        /// Fill likely duplicates' empty fields instead of skipping them.
        #[arg(long)]
        merge: bool,
        /// Print what would happen and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Export everything (patients, sessions with their points, appointments, handouts
    /// given) as CSV files in a .zip or as a FHIR R4 JSON bundle; audited as a
    /// disclosure. Needs an administrator's --user.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write: a .zip for csv, a .json for fhir.
        #[arg(long)]
        to: PathBuf,
    },
    /// Keep every backup in FOLDER too (a USB drive or a network folder), as Settings →
    /// Backups → Choose backup folder does; for a clinic server, whose workstations
    /// cannot name its folders (stop the server first). Needs an administrator's --user.
    BackupFolder { folder: PathBuf },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DatesArg {
    /// MM/DD/YYYY
    Mdy,
    /// DD/MM/YYYY
    Dmy,
    /// YYYY-MM-DD
    Ymd,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Csv,
    Fhir,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.clone().unwrap_or_else(paths::data_dir);
    let result = match cli.command {
        Command::DemoData { patients, seed } => demo_data(&cli, &dir, patients, seed),
        Command::Check => check(&cli, &dir),
        Command::Backup { ref to } => make_backup(&cli, &dir, to),
        Command::VerifyBackup { ref bundle } => verify_backup(&cli, bundle),
        Command::Restore { ref bundle } => restore(&cli, &dir, bundle),
        Command::ImportPatients { ref file, ref mapping, dates, merge, dry_run } => {
            import_patients(&cli, &dir, file, mapping.as_deref(), dates, merge, dry_run)
        }
        Command::Export { format, ref to } => export(&cli, &dir, format, to),
        Command::BackupFolder { ref folder } => backup_folder(&cli, &dir, folder),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("glabella-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

fn password_for(user: &str) -> Result<String, String> {
    match std::env::var("GLABELLA_PASSWORD") {
        Ok(password) => Ok(password),
        Err(_) => rpassword::prompt_password(format!("Password for {user}: "))
            .map_err(|e| format!("cannot read the password: {e}")),
    }
}

/// The recovery key, typed at a prompt or (when standard input is not a terminal)
/// read as one line from it.
fn read_recovery_key() -> Result<String, String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Recovery key: ").map_err(|e| format!("cannot read the recovery key: {e}"));
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| format!("cannot read the recovery key: {e}"))?;
    Ok(line.trim().to_string())
}

/// How the person unlocks: `--user` (password) or `--recovery-key`.
enum Secret {
    Password(String, String),
    RecoveryKey(String),
}

fn secret(cli: &Cli) -> Result<Secret, String> {
    match (&cli.user, cli.recovery_key) {
        (_, true) => Ok(Secret::RecoveryKey(read_recovery_key()?)),
        (Some(user), false) => Ok(Secret::Password(user.clone(), password_for(user)?)),
        (None, false) => Err("the database is encrypted: give --user NAME (password from GLABELLA_PASSWORD or a prompt) or --recovery-key (typed at a prompt or on standard input)".into()),
    }
}

impl Secret {
    fn unlock(&self) -> restore::Unlock<'_> {
        match self {
            Secret::Password(user, password) => restore::Unlock::Password { username: user, password },
            Secret::RecoveryKey(key) => restore::Unlock::RecoveryKey(key),
        }
    }
}

/// The database key of the key file in `dir` (a data folder or a bundle).
fn database_key(cli: &Cli, dir: &Path) -> Result<DatabaseKey, String> {
    restore::bundle_key(dir, &secret(cli)?.unlock()).map_err(|e| e.to_string())
}

fn make_backup(cli: &Cli, dir: &Path, to: &Path) -> Result<(), String> {
    let key = database_key(cli, dir)?;
    let made = bundle::make(dir, &key, to, chrono::Utc::now()).map_err(|e| e.to_string())?;
    let verification = bundle::verify(&made, &key).map_err(|e| e.to_string())?;
    if !verification.problems.is_empty() {
        let _ = std::fs::remove_dir_all(&made);
        return Err(format!("the backup failed its check: {}", verification.problems.join(" ")));
    }
    println!("{}", made.display());
    Ok(())
}

fn verify_backup(cli: &Cli, bundle_dir: &Path) -> Result<(), String> {
    let manifest = bundle::read_manifest(bundle_dir).map_err(|e| e.to_string())?;
    println!(
        "Backup of {} made at {} by Glabella {}: {} patients, {} sessions, {} audit entries",
        bundle_dir.display(),
        manifest.created_at,
        manifest.glabella_version,
        manifest.patients,
        manifest.sessions,
        manifest.audit_entries
    );
    let key = database_key(cli, bundle_dir)?;
    let verification = bundle::verify(bundle_dir, &key).map_err(|e| e.to_string())?;
    for problem in &verification.problems {
        println!("  PROBLEM: {problem}");
    }
    if verification.problems.is_empty() {
        println!("OK: the backup is complete and verified.");
        Ok(())
    } else {
        Err(format!("{} problem(s) found.", verification.problems.len()))
    }
}

fn restore(cli: &Cli, dir: &Path, bundle_dir: &Path) -> Result<(), String> {
    let secret = secret(cli)?;
    let how = secret.unlock();
    let reopened = restore::unlock(bundle_dir, &how)
        .and_then(|key| restore::restore_and_open(dir, bundle_dir, &key, &how, chrono::Utc::now()))
        .map_err(|e| e.to_string())?;
    println!("Restored the backup made at {} into {}", reopened.restored.manifest.created_at, dir.display());
    if let Some(aside) = &reopened.restored.moved_aside {
        println!("The data from before the restore was moved to {}", aside.display());
    }
    if reopened.actor.is_none() {
        println!("Opened with the recovery key: in the app, use \"Forgot every password?\" to set an administrator's password if needed.");
    }
    Ok(())
}

fn demo_data(cli: &Cli, dir: &Path, patients: usize, seed: u64) -> Result<(), String> {
    let today = chrono::Local::now().date_naive();
    if !Clinic::is_set_up(dir) {
        let (set_up, history) = demo::create_demo_clinic(dir, patients, seed, today).map_err(|e| e.to_string())?;
        println!(
            "Created a demo clinic with {patients} patients, {} sessions, {} injection points and {} appointments (seed {seed}) in {}",
            history.sessions,
            history.points,
            history.appointments,
            dir.display()
        );
        println!("Accounts (demo only):");
        for (username, password, name, role) in demo::DEMO_ACCOUNTS {
            println!("  {username:<10} password {password:<20} {name} ({})", role.as_str());
        }
        println!("Recovery key (demo only): {}", set_up.recovery_key);
        return Ok(());
    }
    let user = cli
        .user
        .as_deref()
        .ok_or("this folder already holds a clinic: give --user NAME of an admin to add patients")?;
    let (clinic, actor) = Clinic::sign_in(dir, user, &password_for(user)?).map_err(|e| e.to_string())?;
    let (added, history) = clinic
        .db()
        .write(|tx| {
            let added = demo::add_demo_patients(tx, &actor, patients, seed, today)?;
            let injectors = demo::demo_injectors(tx)?;
            Ok((added, demo::add_demo_history(tx, &injectors, actor.user_id, seed, today)?))
        })
        .map_err(|e| e.to_string())?;
    println!(
        "Added {added} demo patients with {} sessions and {} injection points (seed {seed}) to {}",
        history.sessions,
        history.points,
        clinic.db().path().display()
    );
    Ok(())
}

fn check(cli: &Cli, dir: &Path) -> Result<(), String> {
    let file = dir.join(db::DB_FILE);
    if !file.exists() {
        return Err(format!("no database at {}", file.display()));
    }
    println!("Checking {}", file.display());
    let report = if db::is_plaintext(&file).map_err(|e| e.to_string())? {
        println!("  not encrypted yet (from before version 2; the app encrypts it at setup)");
        check::check_unencrypted(&file)
    } else {
        let key = database_key(cli, dir)?;
        // The head the key file recorded, to tell whether entries were cut from the end.
        match KeyFile::load(dir).map_err(|e| e.to_string())?.audit_head() {
            Some(mark) => check::check_against(&file, &key, &mark.head(), &format!("at {}", mark.recorded_at)),
            None => check::check(&file, &key),
        }
    }
    .map_err(|e| format!("the database cannot be read: {e}"))?;
    for line in &report.lines {
        println!("  {line}");
    }
    if report.problems == 0 {
        println!("OK: no problems found.");
        Ok(())
    } else {
        Err(format!("{} problem(s) found.", report.problems))
    }
}

/// The "dialog" of the export and the backup folder: the path given on the command line.
struct SaveTo(PathBuf);

impl SaveDialog for SaveTo {
    fn choose(&self, _: &str, _: &str, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }

    fn choose_folder(&self, _: &str) -> Option<PathBuf> {
        Some(self.0.clone())
    }
}

fn backup_folder(cli: &Cli, dir: &Path, folder: &Path) -> Result<(), String> {
    let user = cli.user.as_deref().ok_or("give --user NAME of an administrator (the change is audited)")?;
    let (clinic, actor) = Clinic::sign_in(dir, user, &password_for(user)?).map_err(|e| e.to_string())?;
    let status = api::backups::choose_backup_folder(&clinic, &actor, &SaveTo(folder.to_path_buf()))
        .map_err(|e| e.to_string())?;
    println!("Backups also go to {}.", status.folder.as_deref().unwrap_or("(no folder)"));
    Ok(())
}

fn export(cli: &Cli, dir: &Path, format: ExportFormat, to: &Path) -> Result<(), String> {
    let (extension, run): (_, fn(&Clinic, &Actor, &dyn SaveDialog) -> glabella_core::Result<_>) = match format {
        ExportFormat::Csv => ("zip", api::export::export_everything_csv),
        ExportFormat::Fhir => ("json", api::export::export_everything_fhir),
    };
    if !to.extension().is_some_and(|e| e.eq_ignore_ascii_case(extension)) {
        return Err(format!("--to must name a .{extension} file for this format"));
    }
    let user =
        cli.user.as_deref().ok_or("give --user NAME of an administrator (the export is audited in their name)")?;
    let (clinic, actor) = Clinic::sign_in(dir, user, &password_for(user)?).map_err(|e| e.to_string())?;
    let exported = run(&clinic, &actor, &SaveTo(to.to_path_buf())).map_err(|e| e.to_string())?;
    let counts = exported.ok_or("nothing was exported")?.counts;
    println!(
        "Exported {} patients, {} sessions ({} injection points), {} appointments and {} handouts to {}",
        counts.patients,
        counts.sessions,
        counts.points,
        counts.appointments,
        counts.handouts,
        to.display()
    );
    Ok(())
}

fn import_patients(
    cli: &Cli,
    dir: &Path,
    path: &Path,
    mapping: Option<&str>,
    dates: Option<DatesArg>,
    merge: bool,
    dry_run: bool,
) -> Result<(), String> {
    let user =
        cli.user.as_deref().ok_or("give --user NAME of an administrator (the import is audited in their name)")?;
    let file = CsvFile::read(path).map_err(|e| e.to_string())?;
    let (clinic, actor) = Clinic::sign_in(dir, user, &password_for(user)?).map_err(|e| e.to_string())?;
    let mut options = ImportOptions {
        date_pattern: dates.map(|d| match d {
            DatesArg::Mdy => DatePattern::MonthDayYear,
            DatesArg::Dmy => DatePattern::DayMonthYear,
            DatesArg::Ymd => DatePattern::YearMonthDay,
        }),
        duplicates: if merge { DuplicateRule::Merge } else { DuplicateRule::Skip },
        ..Default::default()
    };
    let mut preview = api::imports::preview_file(&clinic, &actor, &file, &options).map_err(|e| e.to_string())?;
    if let Some(mapping) = mapping {
        options.columns = Some(imports::parse_mapping(mapping, &preview.headers).map_err(|e| e.to_string())?);
        preview = api::imports::preview_file(&clinic, &actor, &file, &options).map_err(|e| e.to_string())?;
    }
    print_reading(&preview);
    if !preview.unmapped.is_empty() {
        let missing: Vec<&str> = preview.unmapped.iter().map(|f| f.key()).collect();
        return Err(format!(
            "no column for {}: give --mapping, e.g. --mapping {}=<header>",
            missing.join(", "),
            missing[0]
        ));
    }
    let duplicates = if merge { "their empty fields filled" } else { "skipped" };
    if dry_run {
        println!(
            "Would add {} patients; {} likely already registered ({duplicates}); {} repeat an earlier row (skipped); {} refused.",
            preview.to_add, preview.duplicates_existing, preview.duplicates_in_file, preview.refused_count
        );
        print_refused(&preview.refused, preview.refused_count);
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let report = api::imports::import_file(&clinic, &actor, &file, &options).map_err(|e| e.to_string())?;
    println!(
        "Added {} patients, merged {} (empty fields filled), skipped {} likely duplicates; {} rows refused.",
        report.added, report.merged, report.skipped, report.refused_count
    );
    print_refused(&report.refused, report.refused_count);
    println!("File SHA-256 {} (recorded in the audit log)", report.sha256);
    Ok(())
}

/// How the file is read: encoding, delimiter, dates and each column's field.
fn print_reading(preview: &PatientImportPreview) {
    let s = &preview.settings;
    println!(
        "{}: {} rows ({:?}, {:?}-separated, dates read as {})",
        preview.file_name,
        preview.rows,
        s.encoding,
        s.delimiter,
        s.date_pattern.pattern()
    );
    for (header, field) in preview.headers.iter().zip(&s.columns) {
        println!("  column \"{header}\" → {}", field.map_or("(not imported)", |f| f.label()));
    }
}

fn print_refused(shown: &[RefusedRow], count: u32) {
    for row in shown {
        println!("  row {}: {}", row.row, row.reason);
    }
    if count as usize > shown.len() {
        println!("  … and {} more rows refused", count as usize - shown.len());
    }
}
