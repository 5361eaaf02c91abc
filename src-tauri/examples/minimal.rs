//! The floor for KooDesk's startup and memory figures: a Tauri window with a one-line page and no core, measured
//! by `scripts/measure-desktop.sh` exactly as the real app is, with the same rendering choice.

#[path = "../src/measure.rs"]
mod measure;
#[path = "../src/rendering.rs"]
mod rendering;

fn main() {
    rendering::choose();
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![measure::rendered])
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "minimal", tauri::WebviewUrl::App("minimal.html".into()))
                .title("minimal")
                .inner_size(1440.0, 900.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("minimal: {e}");
        std::process::exit(1);
    }
}
