//! `glabella-server`: `run` serves the clinic folder to its workstations on the
//! address given (and makes the daily backups); `pair` prints a one-time pairing code
//! for a new workstation (valid 10 minutes); `devices` lists the paired workstations;
//! `service-unit` prints the systemd unit that runs it as a service; on Windows,
//! `install-service` and `uninstall-service` do the same with the service manager. The database stays locked
//! until the first staff member signs in from a workstation (the key is only ever in
//! this process's memory).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::Utc;
use clap::{Parser, Subcommand};
use glabella_core::api::office::Office;
use glabella_core::backup::BackupReason;
use glabella_core::paths;
use glabella_server::devices::{new_pairing_code, Devices, CODE_LIFETIME};
use glabella_server::pki::Authority;
use glabella_server::serve::Server;
use glabella_server::SERVER_DIR;

#[cfg(windows)]
mod windows;

#[derive(Parser)]
#[command(name = "glabella-server", version, about = "The clinic server: one clinic record for every workstation")]
struct Cli {
    /// The clinic folder (default: $GLABELLA_DATA_DIR, else the per-user app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the clinic to its workstations.
    Run {
        /// The address and port to listen on, e.g. 192.168.1.10:7443.
        #[arg(long)]
        listen: String,
    },
    /// Print a one-time pairing code for a new workstation.
    Pair,
    /// List the paired workstations.
    Devices,
    /// Install this server as a Windows service for this clinic folder (as Administrator).
    #[cfg(windows)]
    InstallService {
        /// The address and port to listen on, e.g. 192.168.1.10:7443.
        #[arg(long)]
        listen: String,
    },
    /// Remove the Windows service (as Administrator).
    #[cfg(windows)]
    UninstallService,
    /// What the Windows service runs (started by Windows, not by hand).
    #[cfg(windows)]
    #[command(hide = true)]
    ServiceRun {
        #[arg(long)]
        listen: String,
    },
    /// Print a systemd unit that runs this server as a service for this clinic folder.
    ServiceUnit {
        /// The address and port to listen on, e.g. 192.168.1.10:7443.
        #[arg(long)]
        listen: String,
        /// The system account the service runs as (it must own the clinic folder).
        #[arg(long, default_value = "glabella")]
        user: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
    let result = match cli.command {
        Command::Run { listen } => run(dir, &listen),
        Command::Pair => pair(dir),
        Command::Devices => list_devices(dir),
        Command::ServiceUnit { listen, user } => service_unit(dir, &listen, &user),
        #[cfg(windows)]
        Command::InstallService { listen } => windows::install(&dir, &listen),
        #[cfg(windows)]
        Command::UninstallService => windows::uninstall(),
        #[cfg(windows)]
        Command::ServiceRun { listen } => windows::run(dir, listen),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glabella-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How often the server looks whether the daily backup is due.
const BACKUP_CHECK_EVERY: Duration = Duration::from_secs(5 * 60);

fn run(dir: PathBuf, listen: &str) -> Result<(), String> {
    serve_until(dir, listen, stopped())
}

/// Serves the clinic in `dir` on `listen` until `stop` (then the closing backup).
fn serve_until(dir: PathBuf, listen: &str, stop: impl std::future::Future<Output = ()>) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = Server::open(Office::new(&dir)).map_err(|e| format!("{}: {e}", dir.display()))?;
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!("glabella-server: serving {} on {address}", dir.display());
        let backups = server.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(BACKUP_CHECK_EVERY);
            backups.back_up_if_due(BackupReason::Daily);
        });
        let served = tokio::select! {
            served = server.clone().serve(listener) => served.map_err(|e| e.to_string()),
            _ = stop => Ok(()),
        };
        let closing = server.clone();
        tokio::task::spawn_blocking(move || {
            closing.back_up_if_due(BackupReason::Closing);
            closing.close()
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        served
    })
}

/// Ctrl+C, or the service manager stopping the server (SIGTERM).
async fn stopped() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

fn pair(dir: PathBuf) -> Result<(), String> {
    let dir = dir.join(SERVER_DIR);
    let authority = Authority::open_or_create(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let code = new_pairing_code(&dir, &authority.fingerprint(), Utc::now()).map_err(|e| e.to_string())?;
    println!("{code}");
    eprintln!(
        "Type this code on the new workstation within {} minutes. It pairs one workstation.",
        CODE_LIFETIME.num_minutes()
    );
    Ok(())
}

/// The unit runs the server as `user`, restarts it if it fails, and lets it write the
/// clinic folder and nothing else.
fn service_unit(dir: PathBuf, listen: &str, user: &str) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir = std::path::absolute(&dir).map_err(|e| e.to_string())?;
    for path in [&exe, &dir] {
        if path.to_string_lossy().chars().any(char::is_whitespace) {
            return Err(format!(
                "{}: a service's paths cannot hold spaces here; use a folder without them",
                path.display()
            ));
        }
    }
    print!(
        "[Unit]
Description=Glabella clinic server
After=network-online.target
Wants=network-online.target

[Service]
ExecStart={exe} --data-dir {dir} run --listen {listen}
User={user}
Restart=on-failure
RestartSec=2
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths={dir}

[Install]
WantedBy=multi-user.target
",
        exe = exe.display(),
        dir = dir.display(),
    );
    Ok(())
}

fn list_devices(dir: PathBuf) -> Result<(), String> {
    let devices = Devices::open(&dir.join(SERVER_DIR)).map_err(|e| e.to_string())?;
    for d in devices.list() {
        let state = match d.revoked_at {
            Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M UTC")),
            None => "active".to_string(),
        };
        println!("{}  {}  paired {}  {state}", &d.id[..16], d.name, d.paired_at.format("%Y-%m-%d %H:%M UTC"));
    }
    Ok(())
}
