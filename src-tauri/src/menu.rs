//! The app's menu: the keyboard shortcuts, findable (File → Find patient Ctrl/⌘+K, New
//! patient Ctrl/⌘+N, Lock Ctrl/⌘+L), the usual Edit items, and Help → About Glabella.
//! The page acts on File's items (it hears of them as a `menu` event, as if the shortcut
//! had been pressed in it); About is a native message box of the core's `Desk::about`.

use std::sync::Arc;

use glabella_core::api::signin::Desk;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

/// The items the page acts on: (menu id, label, shortcut). The id is what the `menu`
/// event carries (ui/src/App.svelte).
const PAGE_ITEMS: [(&str, &str, &str); 3] = [
    ("find-patient", "Find patient", "CmdOrCtrl+K"),
    ("new-patient", "New patient", "CmdOrCtrl+N"),
    ("lock", "Lock", "CmdOrCtrl+L"),
];
const ABOUT: &str = "about";
const QUIT: &str = "quit";

/// The menu bar (on macOS, the app's menu bar).
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let [find, new, lock] = PAGE_ITEMS.map(|(id, label, keys)| MenuItem::with_id(app, id, label, true, Some(keys)));
    let file = Submenu::with_items(
        app,
        "File",
        true,
        &[
            &find?,
            &new?,
            &PredefinedMenuItem::separator(app)?,
            &lock?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT, "Quit Glabella", true, Some("CmdOrCtrl+Q"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "Edit",
        true,
        &[
            // Undo and redo are macOS-only menu items (the fields keep their own elsewhere).
            #[cfg(target_os = "macos")]
            &PredefinedMenuItem::undo(app, None)?,
            #[cfg(target_os = "macos")]
            &PredefinedMenuItem::redo(app, None)?,
            #[cfg(target_os = "macos")]
            &PredefinedMenuItem::separator(app)?,
            &PredefinedMenuItem::cut(app, None)?,
            &PredefinedMenuItem::copy(app, None)?,
            &PredefinedMenuItem::paste(app, None)?,
            &PredefinedMenuItem::select_all(app, None)?,
        ],
    )?;
    let about = || MenuItem::with_id(app, ABOUT, "About Glabella", true, None::<&str>);
    let help = Submenu::with_items(app, "Help", true, &[&about()?])?;
    // macOS shows the first menu under the app's name: About and Quit belong there.
    #[cfg(target_os = "macos")]
    let app_menu = Submenu::with_items(
        app,
        "Glabella",
        true,
        &[&about()?, &PredefinedMenuItem::separator(app)?, &PredefinedMenuItem::quit(app, Some("Quit Glabella"))?],
    )?;
    Menu::with_items(
        app,
        &[
            #[cfg(target_os = "macos")]
            &app_menu,
            &file,
            &edit,
            &help,
        ],
    )
}

/// What a click on (or the shortcut of) a menu item does.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if id == ABOUT {
        let about = app.state::<Arc<Desk>>().about();
        app.dialog().message(about.text()).title("About Glabella").kind(MessageDialogKind::Info).show(|_| {});
    } else if id == QUIT {
        // As closing the window: the exit handler backs up if due and closes the clinic.
        app.exit(0);
    } else if PAGE_ITEMS.iter().any(|(item, ..)| *item == id) {
        let _ = app.emit("menu", id);
    }
}
