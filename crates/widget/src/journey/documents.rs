//! Step 3: payslips, statements and ID documents (checked by core from their first
//! bytes, uploaded with progress, retried with the same `Idempotency-Key`), or a Cl@ve
//! retrieval in a hosted page.

use onboarding_core::document::{self, ContentType, DocumentKind};
use onboarding_core::model::status::StepState;
use onboarding_core::paths;

use super::{
    Auth, Body, Call, Effect, FileState, Fx, Journey, NewFile, Reply, StepDef, View, mime,
    no_fields, nothing,
};
use crate::action::{Action, Hosted};
use crate::api::ApiError;
use crate::html::{Html, push_num};
use crate::i18n::{Msg, fill};

/// The step.
pub static STEP: StepDef = StepDef {
    name: "documents",
    title: Msg::StepDocuments,
    counted: true,
    // The details are with the edge once this step is reached: they are not edited
    // again from here (a new tenant would be needed), so no Back.
    back: false,
    next,
    enter: nothing,
    news: nothing,
    fields: no_fields,
    body,
    live,
};

/// A chosen file (its `File` stays in the web layer under `id`).
#[derive(Debug, Clone, PartialEq)]
pub struct FileRow {
    /// Row id.
    pub id: u32,
    /// File name (changes when a photo is scaled down).
    pub name: String,
    /// Size in bytes.
    pub size: f64,
    /// Chosen kind.
    pub kind: DocumentKind,
    /// Content type decided by core from the first bytes.
    pub content_type: Option<ContentType>,
    /// One key per file: a retry sends the same one.
    pub idempotency_key: String,
    /// State.
    pub state: FileState,
}

fn next(j: &mut Journey, fx: &mut Fx) {
    if has_documents(j) {
        j.go_next(fx);
    } else {
        j.notice = Some((Msg::NeedDocument, true));
        fx.push(Effect::Render(View::Notice));
        fx.push(Effect::Focus("pick"));
    }
}

/// Something to analyse: an uploaded file, a document the status knows, or Cl@ve.
pub fn has_documents(j: &Journey) -> bool {
    j.files
        .iter()
        .any(|r| matches!(r.state, FileState::Uploaded(_)))
        || j.status.as_ref().is_some_and(|s| {
            !s.steps.documents.items.is_empty()
                || matches!(s.steps.clave, StepState::Pending | StepState::Done)
        })
        || j.opened.contains_key(Hosted::Clave.path())
}

/// Files chosen or dropped: listed at once, then each checked by core.
pub fn chosen(j: &mut Journey, files: Vec<NewFile>, fx: &mut Fx) {
    if !j.at(&STEP) {
        return fx.extend(files.into_iter().map(|f| Effect::ForgetFile(f.id)));
    }
    for f in files {
        if j.files.iter().any(|r| r.id == f.id) {
            continue;
        }
        fx.push(Effect::Sniff(f.id));
        j.files.push(FileRow {
            id: f.id,
            name: f.name,
            size: f.size,
            kind: DocumentKind::Payslip,
            content_type: None,
            idempotency_key: j.random(),
            state: FileState::Checking,
        });
    }
    j.notice = None;
    fx.push(Effect::Render(View::Notice));
    fx.push(Effect::Render(View::Live));
}

/// Core's verdict on a file's first bytes and size, as the edge will decide. A photo
/// over the limit is scaled down first (then checked again).
pub fn checked(
    j: &mut Journey,
    id: u32,
    head: &[u8],
    name: String,
    size: f64,
    scaled: bool,
    fx: &mut Fx,
) {
    let max = document::DEFAULT_MAX_BYTES;
    let verdict = document::check_document(head, Some(size as u64), max);
    let Some(row) = j.files.iter_mut().find(|r| r.id == id) else {
        return;
    };
    if row.state != FileState::Checking {
        return;
    }
    if !scaled && document::is_scalable_photo(head, &verdict) {
        return fx.push(Effect::Shrink(id));
    }
    row.name = name;
    row.size = size;
    match verdict {
        Ok(ct) => {
            row.content_type = Some(ct);
            row.state = FileState::Ready;
        }
        Err(e) => row.state = FileState::Invalid(e.to_validation_error("file")),
    }
    fx.push(Effect::Render(View::Live));
}

/// Every ready file.
pub fn upload_all(j: &mut Journey, fx: &mut Fx) {
    let ids: Vec<u32> = j
        .files
        .iter()
        .filter(|r| r.state == FileState::Ready)
        .map(|r| r.id)
        .collect();
    for id in ids {
        upload(j, id, fx);
    }
}

/// Uploads (or retries) one file.
pub fn upload(j: &mut Journey, id: u32, fx: &mut Fx) {
    let Some((tenant_id, token)) = j.tenant.clone() else {
        return;
    };
    let cat = j.cat.clone();
    let Some(row) = j.files.iter_mut().find(|r| r.id == id) else {
        return;
    };
    if !matches!(
        row.state,
        FileState::Ready | FileState::Cancelled | FileState::Failed(_)
    ) {
        return;
    }
    row.state = FileState::Uploading(0);
    fx.push(Effect::Call(Call {
        method: "POST",
        path: [
            &paths::fill(paths::DOCUMENTS, &[&tenant_id]),
            "?kind=",
            row.kind.as_str(),
        ]
        .concat(),
        auth: Auth::Tenant(token),
        body: Body::File(id, mime(row.content_type)),
        // The same key on every retry of this file.
        key: Some(row.idempotency_key.clone()),
        reply: Reply::Uploaded(id),
    }));
    let text = [cat.t(Msg::Upload), ": ", &row.name].concat();
    fx.push(Effect::Render(View::Live));
    fx.push(Effect::Announce(text));
}

/// Upload progress: the bar only, not the whole list.
pub fn progress(j: &mut Journey, id: u32, pct: u32, fx: &mut Fx) {
    let pct = pct.min(100);
    if let Some(row) = j.files.iter_mut().find(|r| r.id == id)
        && matches!(row.state, FileState::Uploading(_))
    {
        row.state = FileState::Uploading(pct);
        fx.push(Effect::Render(View::Progress(id, pct)));
    }
}

/// An upload ended: `Ok` document id, `Err(Some(e))` failed, `Err(None)` cancelled.
pub fn uploaded(j: &mut Journey, id: u32, r: Result<String, Option<ApiError>>, fx: &mut Fx) {
    let state = match r {
        Ok(doc) => FileState::Uploaded(doc),
        Err(Some(e)) if e.is_expired() => return j.expired(fx),
        Err(Some(ApiError::Status(_, Some(p)))) => FileState::Failed(
            p.errors
                .first()
                .map(|m| m.message.clone())
                .unwrap_or(p.title),
        ),
        Err(Some(ApiError::Network)) => FileState::Failed(j.tr(Msg::NetworkError).to_owned()),
        Err(Some(_)) => FileState::Failed(j.tr(Msg::GenericError).to_owned()),
        Err(None) => FileState::Cancelled,
    };
    let msg = match &state {
        FileState::Uploaded(_) => Msg::FileUploaded,
        FileState::Cancelled => Msg::FileCancelled,
        _ => Msg::FileFailed,
    };
    let cat = j.cat.clone();
    let Some(row) = j.files.iter_mut().find(|r| r.id == id) else {
        return;
    };
    if !matches!(row.state, FileState::Uploading(_)) {
        return;
    }
    row.state = state;
    let text = [row.name.as_str(), ": ", cat.t(msg)].concat();
    fx.push(Effect::Render(View::Live));
    fx.push(Effect::Announce(text));
}

/// Takes a file off the list (not while it uploads).
pub fn remove(j: &mut Journey, id: u32, fx: &mut Fx) {
    let before = j.files.len();
    j.files.retain(|r| {
        r.id != id || matches!(r.state, FileState::Uploading(_) | FileState::Uploaded(_))
    });
    if j.files.len() != before {
        fx.push(Effect::ForgetFile(id));
        fx.push(Effect::Render(View::Live));
        fx.push(Effect::Focus("pick"));
    }
}

/// The label of a document kind.
pub fn kind_msg(kind: DocumentKind) -> Msg {
    match kind {
        DocumentKind::Payslip => Msg::KindPayslip,
        DocumentKind::BankStatement => Msg::KindBankStatement,
        DocumentKind::TaxReturn => Msg::KindTaxReturn,
        DocumentKind::IdentityDocument => Msg::KindIdentityDocument,
        DocumentKind::EmploymentContract => Msg::KindEmploymentContract,
        DocumentKind::Other => Msg::KindOther,
    }
}

/// `1.5 MB` / `1,5 MB`, `12 KB` (integer arithmetic: no float formatting code).
pub fn size_text(bytes: f64, en: bool) -> String {
    let bytes = bytes as u64;
    let mut s = String::new();
    if bytes >= 1 << 20 {
        let tenths = ((bytes * 10) >> 20) as u32;
        push_num(&mut s, tenths / 10);
        s.push(if en { '.' } else { ',' });
        push_num(&mut s, tenths % 10);
        s.push_str(" MB");
    } else {
        push_num(&mut s, bytes.div_ceil(1024) as u32);
        s.push_str(" KB");
    }
    s
}

fn file_state_text(j: &Journey, state: &FileState) -> String {
    let m = match state {
        FileState::Checking => Msg::Working,
        FileState::Invalid(e) => return crate::form::message(&j.cat, e),
        FileState::Ready => Msg::FileReady,
        FileState::Uploading(p) => return fill(j.tr(Msg::FileUploading), &[&crate::html::num(*p)]),
        FileState::Uploaded(doc) => {
            let analysed = j.status.as_ref().and_then(|s| {
                s.steps
                    .documents
                    .items
                    .iter()
                    .find(|i| &i.document_id == doc)
                    .map(|i| i.state)
            });
            match analysed {
                Some(StepState::Accepted) => Msg::FileAccepted,
                Some(StepState::Rejected) => Msg::FileRejected,
                Some(_) => Msg::FileAnalysing,
                None => Msg::FileUploaded,
            }
        }
        FileState::Cancelled => Msg::FileCancelled,
        FileState::Failed(m) => return [j.tr(Msg::FileFailed), ": ", m].concat(),
    };
    j.tr(m).to_owned()
}

fn body(j: &Journey, h: &mut Html) {
    h.wrap("p", "", j.tr(Msg::DocumentsIntro));
    h.el("div").attr("class", "drop").attr("id", "drop").done();
    h.wrap("p", "", j.tr(Msg::DropHere));
    for (id, action, m) in [
        ("pick", Action::Pick, Msg::ChooseFiles),
        ("take-photo", Action::Camera, Msg::TakePhoto),
    ] {
        h.el("button")
            .attr("type", "button")
            .attr("id", id)
            .attr("class", "secondary");
        h.action(action).text(j.tr(m)).end("button").text(" ");
    }
    h.el("input")
        .attr("type", "file")
        .attr("id", "files")
        .attr("name", "files")
        .flag("multiple", true);
    h.flag("hidden", true)
        .attr("tabindex", "-1")
        .attr("accept", "application/pdf,image/jpeg,image/png");
    h.attr("aria-label", j.tr(Msg::ChooseFiles)).done();
    h.el("input")
        .attr("type", "file")
        .attr("id", "camera")
        .attr("name", "camera")
        .flag("hidden", true);
    h.attr("tabindex", "-1")
        .attr("accept", "image/jpeg,image/png")
        .attr("capture", "environment");
    h.attr("aria-label", j.tr(Msg::TakePhoto)).done();
    h.end("div");
    j.live(h);
}

fn file_button(j: &Journey, h: &mut Html, action: Action, class: &'static str, m: Msg, name: &str) {
    let (a, _) = action.print();
    h.el("button").attr("type", "button");
    match action {
        Action::Cancel(id) | Action::Retry(id) | Action::Remove(id) => {
            h.attr_n(
                "id",
                match a {
                    "cancel" => "cancel-",
                    "retry" => "retry-",
                    _ => "remove-",
                },
                id,
            );
        }
        _ => {}
    }
    h.attr("class", class).action(action);
    h.attr("aria-label", &[j.tr(m), ": ", name].concat())
        .text(j.tr(m))
        .end("button");
}

fn live(j: &Journey, h: &mut Html) {
    let known: Vec<&str> = j
        .files
        .iter()
        .filter_map(|r| match &r.state {
            FileState::Uploaded(d) => Some(d.as_str()),
            _ => None,
        })
        .collect();
    let others: Vec<_> = j
        .status
        .iter()
        .flat_map(|s| s.steps.documents.items.iter())
        .filter(|i| !known.contains(&i.document_id.as_str()))
        .collect();
    if !j.files.is_empty() || !others.is_empty() {
        h.wrap("h3", "", j.tr(Msg::FilesLabel));
        h.el("ul").attr("class", "files").done();
        for r in &j.files {
            let editable = matches!(
                r.state,
                FileState::Ready | FileState::Cancelled | FileState::Failed(_)
            );
            h.el("li").attr("class", "file").attr_n("id", "file-", r.id);
            h.el("p").attr("class", "fname").text(&r.name).text(" ");
            h.wrap(
                "span",
                "muted",
                &size_text(r.size, j.locale() == crate::i18n::Locale::En),
            )
            .end("p");
            h.el("div").attr("class", "kind").done();
            h.el("label")
                .attr_n("for", "kind-", r.id)
                .text(j.tr(Msg::DocKind))
                .end("label");
            h.el("select")
                .attr_n("id", "kind-", r.id)
                .attr_n("name", "kind-", r.id)
                .flag("disabled", !editable);
            for k in DocumentKind::ALL {
                h.el("option")
                    .attr("value", k.as_str())
                    .flag("selected", k == r.kind);
                h.text(j.tr(kind_msg(k))).end("option");
            }
            h.end("select").end("div");
            let pct = match r.state {
                FileState::Uploading(p) => Some(p),
                FileState::Uploaded(_) => Some(100),
                _ => None,
            };
            if let Some(p) = pct {
                h.el("progress")
                    .attr_n("id", "p-", r.id)
                    .attr("max", "100")
                    .attr_n("value", "", p);
                h.attr("aria-label", &fill(j.tr(Msg::UploadOf), &[&r.name]))
                    .end("progress");
            }
            let bad = matches!(r.state, FileState::Invalid(_) | FileState::Failed(_));
            h.el("p")
                .attr("class", if bad { "fstate err" } else { "fstate" })
                .attr_n("id", "s-", r.id);
            h.text(&file_state_text(j, &r.state)).end("p");
            h.el("div").attr("class", "row").done();
            match r.state {
                FileState::Uploading(_) => file_button(
                    j,
                    h,
                    Action::Cancel(r.id),
                    "secondary",
                    Msg::Cancel,
                    &r.name,
                ),
                FileState::Cancelled | FileState::Failed(_) => {
                    file_button(j, h, Action::Retry(r.id), "secondary", Msg::Retry, &r.name);
                    file_button(j, h, Action::Remove(r.id), "link", Msg::Remove, &r.name);
                }
                FileState::Ready | FileState::Invalid(_) => {
                    file_button(j, h, Action::Remove(r.id), "link", Msg::Remove, &r.name)
                }
                _ => {}
            }
            h.end("div").end("li");
        }
        for item in others {
            h.el("li").attr("class", "file").done();
            h.wrap("p", "fname", j.tr(kind_msg(item.kind)));
            h.wrap("p", "fstate", j.tr(super::summary::state_msg(item.state)));
            h.end("li");
        }
        h.end("ul");
    }
    if j.files.iter().any(|r| r.state == FileState::Ready) {
        h.el("p").done();
        h.el("button")
            .attr("type", "button")
            .attr("id", "upload-all")
            .attr("class", "primary");
        h.action(Action::UploadAll)
            .text(j.tr(Msg::UploadAll))
            .end("button")
            .end("p");
    }
    let clave = j.state(|s| s.steps.clave);
    let clave_msg = match clave {
        StepState::Done => Some(Msg::ClaveDone),
        StepState::Failed => Some(Msg::ClaveFailed),
        _ if clave == StepState::Pending || j.opened.contains_key(Hosted::Clave.path()) => {
            Some(Msg::ClavePending)
        }
        _ => None,
    };
    h.el("div").attr("class", "alt").done();
    h.wrap("p", "", j.tr(Msg::ClaveIntro));
    if let Some(m) = clave_msg {
        h.wrap(
            "p",
            if clave == StepState::Failed {
                "err"
            } else {
                "ok"
            },
            j.tr(m),
        );
    }
    if clave != StepState::Done {
        h.el("button")
            .attr("type", "button")
            .attr("id", "clave")
            .attr("class", "secondary");
        h.action(Action::Open(Hosted::Clave))
            .text(j.tr(Msg::ClaveButton))
            .end("button");
    }
    h.end("div");
    h.el("div").attr("class", "nav").done();
    h.el("button")
        .attr("type", "button")
        .attr("id", "docs-next")
        .attr("class", "primary");
    h.action(Action::Next)
        .text(j.tr(Msg::Continue))
        .end("button")
        .end("div");
}
