//! The web-sys layer: everything that touches the browser. `app` carries the journey
//! (DOM events and edge replies in, effects performed); the rest are its tools. Nothing
//! outside this folder (and the `#[wasm_bindgen]` surface in `lib.rs`) imports
//! `web_sys`: the journey and its helpers are pure and tested natively.

pub mod app;
pub mod device;
pub mod dom;
pub mod edge;
pub mod live;
pub mod storage;
pub mod upload;
