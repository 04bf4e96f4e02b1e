//! Writes the widget's language catalogs, `<dir>/<locale>.json`, from the tables the
//! native build compiles in (core's texts and field names, the widget's UI strings):
//!
//! ```text
//! {"locale": "ca", "core": [...], "labels": [...], "keys": ["Title", ...], "ui": [...]}
//! ```
//!
//! `core` is in `Text` order and `labels` in field-table order, as
//! `onboarding_core::i18n::Catalog::load` takes them; `ui` is in `Msg` order and `keys`
//! names each (the phrases an agency's `messages` override). Run by
//! scripts/build-widget.sh: `cargo run -p onboarding-widget --example catalogs -- DIR`.
use onboarding_widget::i18n::{Catalog, Locale, Msg};

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: catalogs DIR"));
    std::fs::create_dir_all(&dir).expect("create the output directory");
    for locale in Locale::ALL {
        let cat = Catalog::builtin(locale);
        assert_eq!(cat.locale, locale, "{locale:?} is not compiled in");
        let json = serde_json::json!({
            "locale": locale.as_str(),
            "core": cat.core().texts().collect::<Vec<_>>(),
            "labels": cat.core().labels().collect::<Vec<_>>(),
            "keys": Msg::ALL.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>(),
            "ui": Msg::ALL.iter().map(|&m| cat.t(m)).collect::<Vec<_>>(),
        });
        let path = dir.join(format!("{}.json", locale.as_str()));
        std::fs::write(&path, serde_json::to_vec(&json).expect("serialise")).expect("write");
    }
}
