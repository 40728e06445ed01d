//! The server as a Windows service (the `windows-service` crate): installed for one
//! clinic folder and address, started by Windows at boot, stopped by the service
//! manager (then the closing backup runs, as on Linux).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use windows_service::service::{
    ServiceAccess, ServiceControl, ServiceControlAccept, ServiceErrorControl, ServiceExitCode, ServiceInfo,
    ServiceStartType, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};
use windows_service::{define_windows_service, service_dispatcher};

const NAME: &str = "glabella-server";

/// What the service serves, set before Windows calls [`service_main`].
static SERVING: OnceLock<(PathBuf, String)> = OnceLock::new();

/// Installs the service, started at boot, running this binary on `dir` and `listen`.
pub fn install(dir: &Path, listen: &str) -> Result<(), String> {
    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .map_err(|e| format!("the service manager (run as Administrator): {e}"))?;
    let dir = std::path::absolute(dir).map_err(|e| e.to_string())?;
    let info = ServiceInfo {
        name: OsString::from(NAME),
        display_name: OsString::from("Glabella clinic server"),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: std::env::current_exe().map_err(|e| e.to_string())?,
        launch_arguments: vec![
            OsString::from("--data-dir"),
            dir.into_os_string(),
            OsString::from("service-run"),
            OsString::from("--listen"),
            OsString::from(listen),
        ],
        dependencies: vec![],
        account_name: None, // LocalSystem
        account_password: None,
    };
    let service = manager.create_service(&info, ServiceAccess::CHANGE_CONFIG).map_err(|e| e.to_string())?;
    service.set_description("One clinic record for every Glabella workstation.").map_err(|e| e.to_string())?;
    println!("Installed the {NAME} service; start it with: sc start {NAME}");
    Ok(())
}

pub fn uninstall() -> Result<(), String> {
    let manager =
        ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT).map_err(|e| e.to_string())?;
    let service = manager.open_service(NAME, ServiceAccess::DELETE).map_err(|e| e.to_string())?;
    service.delete().map_err(|e| e.to_string())
}

/// Hands the process to the service manager, which calls [`service_main`].
pub fn run(dir: PathBuf, listen: String) -> Result<(), String> {
    let _ = SERVING.set((dir, listen));
    service_dispatcher::start(NAME, ffi_service_main).map_err(|e| e.to_string())
}

define_windows_service!(ffi_service_main, service_main);

fn service_main(_: Vec<OsString>) {
    if let Err(e) = serve_as_service() {
        eprintln!("glabella-server: {e}");
    }
}

fn serve_as_service() -> Result<(), String> {
    let (dir, listen) = SERVING.get().cloned().ok_or("the service was started without a clinic folder")?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = std::sync::Mutex::new(Some(stop));
    let handler = move |control| match control {
        ServiceControl::Stop | ServiceControl::Shutdown => {
            if let Some(stop) = stop.lock().ok().and_then(|mut s| s.take()) {
                let _ = stop.send(());
            }
            ServiceControlHandlerResult::NoError
        }
        ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
        _ => ServiceControlHandlerResult::NotImplemented,
    };
    let status = service_control_handler::register(NAME, handler).map_err(|e| e.to_string())?;
    let state = |current_state, controls_accepted| ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state,
        controls_accepted,
        exit_code: ServiceExitCode::Win32(0),
        checkpoint: 0,
        wait_hint: Duration::from_secs(30),
        process_id: None,
    };
    status
        .set_service_status(state(ServiceState::Running, ServiceControlAccept::STOP | ServiceControlAccept::SHUTDOWN))
        .map_err(|e| e.to_string())?;
    let served = super::serve_until(dir, &listen, async {
        let _ = stopped.await;
    });
    let _ = status.set_service_status(state(ServiceState::Stopped, ServiceControlAccept::empty()));
    served
}
