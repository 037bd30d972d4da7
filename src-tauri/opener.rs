//! Opening a folder, an editor or a web address outside Grove. Paths and addresses go to the
//! opener as one argv word each, never through a shell; the children are reaped in the
//! background so none is left as a zombie.

use std::ffi::OsStr;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

/// Environment variable naming the editor "Open in editor" runs with the worktree as argument.
pub const EDITOR_ENV: &str = "GROVE_EDITOR";

/// GUI editors tried in order when `GROVE_EDITOR` is not set.
const KNOWN_EDITORS: &[&str] = &["code", "cursor", "zed", "subl", "idea"];

/// Opens `path` in the system file manager.
pub fn open_folder(path: &Path) -> io::Result<()> {
    spawn_detached(system_opener(), path.as_os_str())
}

/// Opens `path` in `GROVE_EDITOR`, else the first known editor on `PATH`.
pub fn open_in_editor(path: &Path) -> io::Result<()> {
    if let Some(editor) = std::env::var_os(EDITOR_ENV).filter(|e| !e.is_empty()) {
        return spawn_detached(&editor, path.as_os_str());
    }
    let search = std::env::var_os("PATH").unwrap_or_default();
    let editor = KNOWN_EDITORS.iter().find_map(|e| grove_engine::tools::find_on_path(e, &search));
    match editor {
        Some(editor) => spawn_detached(editor.as_os_str(), path.as_os_str()),
        None => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no editor found: set {EDITOR_ENV} (none of {} is on PATH)", KNOWN_EDITORS.join(", ")),
        )),
    }
}

/// Opens an `https://` address in the default browser; anything else is refused, so a record
/// cannot make Grove run a `file:` or custom-scheme handler.
pub fn open_url(url: &str) -> io::Result<()> {
    if !url.starts_with("https://") || url.chars().any(char::is_whitespace) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not an https address: {url:?}")));
    }
    spawn_detached(system_opener(), OsStr::new(url))
}

/// The longest link a terminal may ask to open; real links are far shorter.
const MAX_LINK: usize = 2048;

/// Opens an `http://` or `https://` link clicked in a terminal view. Anything else (`file:`,
/// custom schemes, text with spaces or control characters) is refused: the terminal shows an
/// agent's output, which Grove does not trust.
pub fn open_web_link(url: &str) -> io::Result<()> {
    let web = url.starts_with("https://") || url.starts_with("http://");
    if !web || url.len() > MAX_LINK || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let shown: String = url.chars().take(80).collect();
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not a web link: {shown:?}")));
    }
    spawn_detached(system_opener(), OsStr::new(url))
}

fn system_opener() -> &'static OsStr {
    OsStr::new(if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    })
}

fn spawn_detached(program: impl AsRef<OsStr>, arg: &OsStr) -> io::Result<()> {
    let program = program.as_ref();
    let mut child = Command::new(program)
        .arg(arg)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run {}: {e}", program.to_string_lossy())))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}
