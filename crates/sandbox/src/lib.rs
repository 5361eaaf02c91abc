//! The KooGallery sandbox: a faithful local emulator of the marketplace, for development, tests and the demo.

pub mod world;
