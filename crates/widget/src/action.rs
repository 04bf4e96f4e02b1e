//! What a button or a form asks for: one typed [`Action`], printed into the HTML as
//! `data-action` / `data-id` and parsed back from a click or a submit, both here.

use crate::html::num;
use crate::i18n::Locale;

/// Hosted pages the widget opens: core's one enum (`path()` is the edge's segment and
/// the key of "opened", `step()` the name in `data-id` and the button's element id).
pub use onboarding_core::model::api::HostedPage as Hosted;

/// An applicant's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Switch the language.
    Lang(Locale),
    /// Leave the journey (`onboarding:exit`).
    Exit,
    /// The step's primary action: submit its form or continue.
    Next,
    /// Back to the previous step, keeping what was entered.
    Back,
    /// Open the file chooser.
    Pick,
    /// Open the camera.
    Camera,
    /// Upload every file that is ready.
    UploadAll,
    /// Upload this file again (same `Idempotency-Key`).
    Retry(u32),
    /// Stop this file's upload.
    Cancel(u32),
    /// Take this file off the list.
    Remove(u32),
    /// Open a hosted page.
    Open(Hosted),
}

impl Action {
    /// The action of `data-action="name"` `data-id="id"`; `None` for anything else.
    pub fn parse(name: &str, id: &str) -> Option<Action> {
        let n = || id.parse::<u32>().ok();
        Some(match name {
            "lang" => Action::Lang(Locale::ALL.into_iter().find(|l| l.as_str() == id)?),
            "exit" => Action::Exit,
            "next" => Action::Next,
            "back" => Action::Back,
            "pick" => Action::Pick,
            "camera" => Action::Camera,
            "upload-all" => Action::UploadAll,
            "retry" => Action::Retry(n()?),
            "cancel" => Action::Cancel(n()?),
            "remove" => Action::Remove(n()?),
            "open" => Action::Open(match id {
                "kyc" => Hosted::Kyc,
                "bank" => Hosted::Bank,
                "clave" => Hosted::Clave,
                _ => return None,
            }),
            _ => return None,
        })
    }

    /// `(data-action, data-id)`; the id is empty when the action has none.
    pub fn print(self) -> (&'static str, String) {
        let s = |s: &str| s.to_owned();
        match self {
            Action::Lang(l) => ("lang", s(l.as_str())),
            Action::Exit => ("exit", String::new()),
            Action::Next => ("next", String::new()),
            Action::Back => ("back", String::new()),
            Action::Pick => ("pick", String::new()),
            Action::Camera => ("camera", String::new()),
            Action::UploadAll => ("upload-all", String::new()),
            Action::Retry(i) => ("retry", num(i)),
            Action::Cancel(i) => ("cancel", num(i)),
            Action::Remove(i) => ("remove", num(i)),
            Action::Open(h) => ("open", s(h.step())),
        }
    }

    /// Whether it may run while a call is in flight.
    pub fn allowed_while_busy(self) -> bool {
        matches!(self, Action::Cancel(_) | Action::Lang(_) | Action::Exit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_parses_back_from_its_printed_form() {
        let all = [
            Action::Lang(Locale::En),
            Action::Lang(Locale::Es),
            Action::Exit,
            Action::Next,
            Action::Back,
            Action::Pick,
            Action::Camera,
            Action::UploadAll,
            Action::Retry(7),
            Action::Cancel(0),
            Action::Remove(4_000_000_000),
            Action::Open(Hosted::Kyc),
            Action::Open(Hosted::Bank),
            Action::Open(Hosted::Clave),
        ];
        for a in all {
            let (name, id) = a.print();
            assert_eq!(Action::parse(name, &id), Some(a), "{name} {id}");
        }
    }

    #[test]
    fn anything_else_is_no_action() {
        for (name, id) in [
            ("", ""),
            ("retry", ""),
            ("retry", "-1"),
            ("retry", "x"),
            ("lang", "fr"),
            ("open", "paypal"),
            ("details", ""),
            ("NEXT", ""),
        ] {
            assert_eq!(Action::parse(name, id), None, "{name} {id}");
        }
    }
}
