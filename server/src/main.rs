//! `glabella-server`: `run` serves the clinic folder to its workstations on the
//! address given; `pair` prints a one-time pairing code for a new workstation (valid
//! 10 minutes); `devices` lists the paired workstations. The database stays locked
//! until the first staff member signs in from a workstation (the key is only ever in
//! this process's memory).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};
use glabella_core::api::office::Office;
use glabella_core::paths;
use glabella_server::devices::{new_pairing_code, Devices, CODE_LIFETIME};
use glabella_server::pki::Authority;
use glabella_server::serve::Server;
use glabella_server::SERVER_DIR;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
    let result = match cli.command {
        Command::Run { listen } => run(dir, &listen),
        Command::Pair => pair(dir),
        Command::Devices => list_devices(dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glabella-server: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(dir: PathBuf, listen: &str) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let server = Server::open(Office::new(&dir)).map_err(|e| format!("{}: {e}", dir.display()))?;
        let listener =
            tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!("glabella-server: serving {} on {address}", dir.display());
        tokio::select! {
            served = server.serve(listener) => served.map_err(|e| e.to_string()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
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
