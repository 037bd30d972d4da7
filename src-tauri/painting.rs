//! How the window paints on Linux. WebKitGTK composites the page with OpenGL; on a machine
//! without a GPU (a VM, a remote desktop, Xvfb) that OpenGL is Mesa's software rasteriser, and
//! every frame of a scroll or an animation then costs tens of ms of CPU on top of painting the
//! page itself. Measured here (2 cores, Xvfb): the review's diff scrolled one wheel notch per
//! frame at 9.7 fps composited and 47 fps painted directly (docs/PERFORMANCE.md). So without a
//! GPU render node Grove asks WebKit to paint without compositing, the path WebKit itself takes
//! when OpenGL is unavailable. A value the user set for `WEBKIT_DISABLE_COMPOSITING_MODE`
//! (`0` forces compositing) is left as it is.

/// WebKitGTK's switch, read when its web process starts.
#[cfg(target_os = "linux")]
const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Where the kernel lists GPU render nodes (`renderD128`, ...).
#[cfg(target_os = "linux")]
const RENDER_NODES: &str = "/dev/dri";

/// Chooses the painting path. Call first thing in the app's `main`, before any thread starts:
/// it may set an environment variable, which is only sound while the process has one thread.
pub fn choose() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(DISABLE_COMPOSITING).is_none() && !has_render_node(std::path::Path::new(RENDER_NODES)) {
        // SAFETY: called at the start of `main`, before any other thread exists (see above).
        unsafe { std::env::set_var(DISABLE_COMPOSITING, "1") };
    }
}

/// Whether `dir` lists a GPU render node.
#[cfg(target_os = "linux")]
fn has_render_node(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_is_found_only_where_one_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(&dir.path().join("missing")), "no /dev/dri: no GPU");
        assert!(!has_render_node(dir.path()), "an empty /dev/dri: no GPU");
        std::fs::write(dir.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dir.path()), "a display card alone renders nothing");
        std::fs::write(dir.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dir.path()), "renderD128 is a GPU render node");
    }
}
