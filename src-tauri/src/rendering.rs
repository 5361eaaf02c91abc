//! How WebKitGTK renders, chosen before it starts. With no GPU render node (`/dev/dri/renderD*`: a VM, a remote
//! X session, Xvfb) every frame is drawn by Mesa's software rasteriser anyway, and WebKit's DMA-BUF renderer only
//! adds buffers shared between the web process and the window: without it the web process holds about 120 MB
//! less for the same page (docs/performance.md, "The desktop app"). With a GPU, WebKit's default stays. A value
//! the user set for `WEBKIT_DISABLE_DMABUF_RENDERER` is always kept.

/// Call first thing in `main`, before any thread starts (it sets an environment variable).
pub fn choose() {
    if !cfg!(target_os = "linux") || std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_some() {
        return;
    }
    if !has_render_node() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|dir| dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}
