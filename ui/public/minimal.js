// The floor page: reports it is drawn, as the real overview does once it shows data.
window.requestAnimationFrame(() => window.__TAURI_INTERNALS__?.invoke('rendered', {}))
