//! Hosted pages: Cl@ve retrieval, KYC and bank connection. A start call returns the
//! URL of a page served by the sandbox; the applicant's browser opens it and presses
//! Approve or Reject (plain form POSTs: no script, works without JavaScript). The
//! session id in the URL (128 random bits) is the only credential the page needs.

use onboarding_core::document::{ContentType, DocumentKind};
use onboarding_core::html::escape;
use onboarding_core::i18n::Locale;
use onboarding_core::model::screening::HostedSession;
use onboarding_core::model::webhook::{
    ClaveResult, Completion, EventData, FinancialResult, KycOutcome, KycResult,
};
use serde::Deserialize;
use worker::{Headers, Request, Response};

use crate::analysis;
use crate::documents::{self, NewDocument};
use crate::http::{self, AppError, AppResult, encode_query, json, now_ms};
use crate::outcomes;
use crate::pdf;
use crate::store::{Db, text};
use crate::tenants;
use crate::webhooks;

/// The three hosted flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Cl@ve document retrieval.
    Clave,
    /// Identity verification.
    Kyc,
    /// Bank connection (financial score).
    Bank,
}

impl Kind {
    /// Path segment of the hosted page (`/hosted/{segment}/{id}`).
    pub fn segment(self) -> &'static str {
        match self {
            Kind::Clave => "clave",
            Kind::Kyc => "kyc",
            Kind::Bank => "bank",
        }
    }

    /// From a hosted-page path segment.
    pub fn from_segment(s: &str) -> Option<Kind> {
        [Kind::Clave, Kind::Kyc, Kind::Bank]
            .into_iter()
            .find(|k| k.segment() == s)
    }

    fn status_column(self) -> &'static str {
        match self {
            Kind::Clave => "clave_status",
            Kind::Kyc => "kyc_status",
            Kind::Bank => "bank_status",
        }
    }
}

/// Optional body of a start call.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct StartBody {
    /// Where the "return" link of the finished page points (http(s) only).
    return_url: Option<String>,
    /// Page language (`es`, `en`).
    locale: Option<String>,
}

/// `POST /v1/tenants/{id}/clave|kyc|bank-connections` → 201 `{id, url}`.
/// `base` is the sandbox's public base URL (origin + optional `/sandbox`).
pub async fn start(
    db: &Db,
    req: &mut Request,
    tenant_id: &str,
    kind: Kind,
    base: &str,
) -> AppResult<Response> {
    let tenant = tenants::load(db, tenant_id)?;
    let body = req.bytes().await?;
    let opts: StartBody = if body.iter().all(u8::is_ascii_whitespace) {
        StartBody::default()
    } else {
        let ct = req.headers().get("content-type")?.unwrap_or_default();
        if !ct.to_ascii_lowercase().starts_with("application/json") {
            return Err(AppError::UnsupportedMediaType(
                "Send the body as application/json (or no body).",
            ));
        }
        http::parse_json(&body)?
    };
    if let Some(r) = opts.return_url.as_deref().filter(|r| !r.is_empty())
        && !webhooks::is_http_url(r)
    {
        return Err(AppError::field(
            "returnUrl",
            "invalid_url",
            "Must be an absolute http(s) URL.",
        ));
    }

    let id = http::random_hex(16)?;
    let created = http::rfc3339(now_ms());
    let column = kind.status_column();
    let (sid, tid, k) = (id.clone(), tenant.id.clone(), kind.segment());
    db.transaction(move |db| {
        db.exec(
            "INSERT INTO sessions (id, tenant_id, kind, state, created_at) \
             VALUES (?, ?, ?, 'pending', ?)",
            vec![text(&sid), text(&tid), text(k), text(&created)],
        )?;
        // A finished step stays finished until a new session completes.
        db.exec(
            &format!(
                "UPDATE tenants SET {column} = 'pending' WHERE id = ? \
                 AND {column} IN ('not_started', 'failed', 'rejected')"
            ),
            vec![text(&tid)],
        )
    })?;

    let mut url = format!("{base}/hosted/{}/{id}", kind.segment());
    if tenant.outcomes().foreign_page {
        // A look-alike host that a prefix check on the real origin would accept.
        let host_end = url
            .find("://")
            .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(url.len());
        let (origin, path) = url.split_at(host_end);
        url = format!("{origin}.evil.example{path}");
    }
    let mut sep = '?';
    if let Some(l) = opts.locale.as_deref().and_then(Locale::from_tag) {
        url.push_str(&format!("{sep}lang={}", l.as_str()));
        sep = '&';
    }
    if let Some(r) = opts.return_url.as_deref().filter(|r| !r.is_empty()) {
        url.push_str(&format!("{sep}return={}", encode_query(r)));
    }
    json(201, &HostedSession { id, url })
}

#[derive(Debug, Deserialize)]
struct SessionRow {
    id: String,
    tenant_id: String,
    state: String,
}

fn load_session(db: &Db, kind: Kind, id: &str) -> AppResult<Option<SessionRow>> {
    db.row(
        "SELECT id, tenant_id, state FROM sessions WHERE id = ? AND kind = ?",
        vec![text(id), text(kind.segment())],
    )
}

/// What the page needs from its URL.
struct PageParams {
    locale: Locale,
    return_url: Option<String>,
}

fn page_params(req: &Request) -> AppResult<PageParams> {
    let url = req.url()?;
    let mut lang = None;
    let mut return_url = None;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "lang" => lang = Locale::from_tag(&v),
            "return" if webhooks::is_http_url(&v) => return_url = Some(v.into_owned()),
            _ => {}
        }
    }
    let locale = match lang {
        Some(l) => l,
        None => Locale::negotiate(&req.headers().get("accept-language")?.unwrap_or_default()),
    };
    Ok(PageParams { locale, return_url })
}

/// `GET /hosted/{kind}/{id}`: the page with Approve and Reject.
pub fn page(db: &Db, req: &Request, kind: Kind, id: &str) -> AppResult<Response> {
    let p = page_params(req)?;
    let t = Texts::new(p.locale, kind);
    let Some(session) = load_session(db, kind, id)? else {
        return html(404, p.locale, t.not_found_title, &not_found_body(&t));
    };
    if session.state != "pending" {
        return html(
            200,
            p.locale,
            t.title,
            &done_body(&t, None, p.return_url.as_deref()),
        );
    }
    // The page in the other languages, each named in its own.
    let mut switch = Vec::new();
    for (l, name) in Locale::ALL
        .into_iter()
        .zip(["Español", "English", "Català"])
    {
        if l == p.locale {
            continue;
        }
        let mut href = format!("?lang={}", l.as_str());
        if let Some(r) = &p.return_url {
            href.push_str(&format!("&return={}", encode_query(r)));
        }
        switch.push(format!(
            "<a href=\"{href}\" hreflang=\"{lang}\" lang=\"{lang}\">{name}</a>",
            href = escape(&href),
            lang = l.as_str(),
        ));
    }
    let body = format!(
        "<p class=\"badge\">{sandbox}</p>\n<h1>{title}</h1>\n<p>{intro}</p>\n<p>{real}</p>\n\
         <form method=\"post\">\n<fieldset>\n<legend>{legend}</legend>\n\
         <button type=\"submit\" name=\"decision\" value=\"approve\" class=\"approve\">{approve}</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"reject\" class=\"reject\">{reject}</button>\n\
         </fieldset>\n</form>\n<p>{switch}</p>",
        sandbox = t.sandbox,
        title = t.title,
        intro = t.intro,
        real = t.real,
        legend = t.legend,
        approve = t.approve,
        reject = t.reject,
        switch = switch.join(" · "),
    );
    html(200, p.locale, t.title, &body)
}

/// `POST /hosted/{kind}/{id}` (form field `decision=approve|reject`): completes the
/// session once and shows "you can close this window".
pub async fn submit(
    db: &Db,
    req: &mut Request,
    kind: Kind,
    id: &str,
    delay_ms: i64,
) -> AppResult<Response> {
    let p = page_params(req)?;
    let t = Texts::new(p.locale, kind);
    let Some(session) = load_session(db, kind, id)? else {
        return html(404, p.locale, t.not_found_title, &not_found_body(&t));
    };
    let body = req.bytes().await?;
    if body.len() > 4096 {
        return Err(AppError::PayloadTooLarge(4096));
    }
    let form = String::from_utf8_lossy(&body).into_owned();
    let decision = worker::Url::parse(&format!("http://form.invalid/?{form}"))
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "decision")
                .map(|(_, v)| v.into_owned())
        });
    let approve = match decision.as_deref() {
        Some("approve") => true,
        Some("reject") => false,
        _ => {
            return html(
                400,
                p.locale,
                t.title,
                &format!("<h1>{}</h1>\n<p>{}</p>", t.title, t.choose),
            );
        }
    };
    if session.state != "pending" {
        return html(
            200,
            p.locale,
            t.title,
            &done_body(&t, None, p.return_url.as_deref()),
        );
    }
    let now = now_ms();
    let (sid, tid, k) = (session.id.clone(), session.tenant_id.clone(), kind);
    let state = db.transaction(move |db| complete(db, k, &sid, &tid, approve, now, delay_ms))?;
    html(
        200,
        p.locale,
        t.title,
        &done_body(&t, state, p.return_url.as_deref()),
    )
}

/// The outcome a completed session recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Approved,
    Rejected,
}

/// Applies a decision: session, tenant, documents, events, follow-up jobs. `None`
/// when the session was completed meanwhile (by a concurrent submit).
fn complete(
    db: &Db,
    kind: Kind,
    session_id: &str,
    tenant_id: &str,
    approve: bool,
    now: i64,
    delay_ms: i64,
) -> AppResult<Option<Outcome>> {
    let still_pending = load_session(db, kind, session_id)?.is_some_and(|s| s.state == "pending");
    if !still_pending {
        return Ok(None);
    }
    let tenant = tenants::load(db, tenant_id)?;
    let outcomes = tenant.outcomes();
    let passed = approve && !(kind == Kind::Kyc && outcomes.kyc_fail);
    let state = if passed { "approved" } else { "rejected" };
    db.exec(
        "UPDATE sessions SET state = ?, completed_at = ? WHERE id = ? AND state = 'pending'",
        vec![text(state), text(http::rfc3339(now)), text(session_id)],
    )?;
    match kind {
        Kind::Kyc => {
            let status = if passed { "verified" } else { "rejected" };
            db.exec(
                "UPDATE tenants SET kyc_status = ? WHERE id = ?",
                vec![text(status), text(tenant_id)],
            )?;
            webhooks::enqueue(
                db,
                tenant_id,
                EventData::Kyc(KycResult {
                    status: if passed {
                        KycOutcome::Verified
                    } else {
                        KycOutcome::Rejected
                    },
                }),
                now,
            )?;
            if passed {
                analysis::maybe_schedule_forensic(db, tenant_id, now, delay_ms)?;
            }
        }
        Kind::Clave => {
            let mut ids = Vec::new();
            if passed {
                for (kind, title, lines) in clave_documents() {
                    let bytes = pdf::one_page(title, &lines);
                    let row = documents::insert(
                        db,
                        NewDocument {
                            tenant_id,
                            kind,
                            content_type: ContentType::Pdf,
                            file_name: Some(format!("{}.pdf", kind.as_str())),
                            source: "clave",
                            bytes: &bytes,
                        },
                        now,
                        delay_ms,
                    )?;
                    ids.push(row.id);
                }
            }
            db.exec(
                "UPDATE tenants SET clave_status = ? WHERE id = ?",
                vec![
                    text(if passed { "completed" } else { "failed" }),
                    text(tenant_id),
                ],
            )?;
            webhooks::enqueue(
                db,
                tenant_id,
                EventData::Clave(ClaveResult {
                    status: if passed {
                        Completion::Completed
                    } else {
                        Completion::Failed
                    },
                    document_ids: ids,
                }),
                now,
            )?;
        }
        Kind::Bank => {
            let (score, band) = outcomes::financial_score(tenant.defaulter != 0);
            if passed {
                db.exec(
                    "UPDATE tenants SET bank_status = 'completed', financial_score = ?, \
                     financial_band = ? WHERE id = ?",
                    vec![
                        crate::store::int(i64::from(score)),
                        text(band),
                        text(tenant_id),
                    ],
                )?;
            } else {
                db.exec(
                    "UPDATE tenants SET bank_status = 'failed' WHERE id = ?",
                    vec![text(tenant_id)],
                )?;
            }
            webhooks::enqueue(
                db,
                tenant_id,
                EventData::Financial(FinancialResult {
                    status: if passed {
                        Completion::Completed
                    } else {
                        Completion::Failed
                    },
                    score: passed.then_some(score),
                    band: passed.then(|| band.to_owned()),
                }),
                now,
            )?;
            if passed {
                analysis::maybe_schedule_forensic(db, tenant_id, now, delay_ms)?;
            }
        }
    }
    Ok(Some(if passed {
        Outcome::Approved
    } else {
        Outcome::Rejected
    }))
}

/// The two documents a Cl@ve retrieval brings back.
fn clave_documents() -> [(DocumentKind, &'static str, Vec<&'static str>); 2] {
    [
        (
            DocumentKind::TaxReturn,
            "Agencia Tributaria - Certificado de IRPF (SANDBOX)",
            vec![
                "Documento de prueba generado por skor-sandbox.",
                "Ejercicio: 2024",
                "Rendimientos netos del trabajo: 30.000,00 EUR",
                "No tiene validez legal.",
            ],
        ),
        (
            DocumentKind::Other,
            "Seguridad Social - Informe de vida laboral (SANDBOX)",
            vec![
                "Documento de prueba generado por skor-sandbox.",
                "Situacion: alta",
                "Dias cotizados: 2.190",
                "No tiene validez legal.",
            ],
        ),
    ]
}

/// `GET /hosted/assets/hosted.css`.
pub fn stylesheet() -> AppResult<Response> {
    let headers = Headers::new();
    headers.set("content-type", "text/css; charset=utf-8")?;
    headers.set("cache-control", "public, max-age=3600")?;
    Ok(Response::ok(CSS)?.with_headers(headers))
}

fn html(status: u16, locale: Locale, title: &str, body: &str) -> AppResult<Response> {
    let doc = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title} · SKOR sandbox</title>\n\
         <link rel=\"stylesheet\" href=\"../assets/hosted.css\">\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        lang = locale.as_str(),
    );
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set(
        "content-security-policy",
        "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'",
    )?;
    headers.set("cache-control", "no-store")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set("x-content-type-options", "nosniff")?;
    Ok(Response::from_html(doc)?
        .with_status(status)
        .with_headers(headers))
}

fn not_found_body(t: &Texts) -> String {
    format!("<h1>{}</h1>\n<p>{}</p>", t.not_found_title, t.not_found)
}

fn done_body(t: &Texts, outcome: Option<Outcome>, return_url: Option<&str>) -> String {
    let result = match outcome {
        Some(Outcome::Approved) => t.approved,
        Some(Outcome::Rejected) => t.rejected,
        None => t.already,
    };
    let mut s = format!(
        "<p class=\"badge\">{}</p>\n<h1>{}</h1>\n<p role=\"status\">{}</p>\n<p>{}</p>",
        t.sandbox, t.title, result, t.close
    );
    if let Some(r) = return_url {
        s.push_str(&format!(
            "\n<p><a class=\"return\" href=\"{}\">{}</a></p>",
            escape(r),
            t.back
        ));
    }
    s
}

/// The page copy, in Spanish, Catalan and English.
struct Texts {
    sandbox: &'static str,
    title: &'static str,
    intro: &'static str,
    real: &'static str,
    legend: &'static str,
    approve: &'static str,
    reject: &'static str,
    choose: &'static str,
    approved: &'static str,
    rejected: &'static str,
    already: &'static str,
    close: &'static str,
    back: &'static str,
    not_found_title: &'static str,
    not_found: &'static str,
}

impl Texts {
    fn new(locale: Locale, kind: Kind) -> Self {
        match locale {
            Locale::Es => Texts {
                sandbox: "Entorno de pruebas de SKOR",
                title: match kind {
                    Kind::Clave => "Descarga de documentos con Cl@ve",
                    Kind::Kyc => "Verificación de identidad",
                    Kind::Bank => "Conexión bancaria",
                },
                intro: "Esto es el entorno de pruebas: no se comprueba nada real. Elija el resultado que quiere simular.",
                real: match kind {
                    Kind::Clave => {
                        "En el servicio real, aquí iniciaría sesión con Cl@ve y se descargarían su certificado de IRPF y su informe de vida laboral."
                    }
                    Kind::Kyc => {
                        "En el servicio real, aquí fotografiaría su documento de identidad y se haría un selfie."
                    }
                    Kind::Bank => {
                        "En el servicio real, aquí elegiría su banco e iniciaría sesión para compartir sus movimientos."
                    }
                },
                legend: "Resultado",
                approve: "Aprobar",
                reject: "Rechazar",
                choose: "Elija «Aprobar» o «Rechazar».",
                approved: "Hemos registrado el resultado: aprobado.",
                rejected: "Hemos registrado el resultado: rechazado.",
                already: "Esta sesión ya se había completado.",
                close: "Ya puede cerrar esta ventana.",
                back: "Volver a la solicitud",
                not_found_title: "Sesión no encontrada",
                not_found: "El enlace no es válido o ha caducado. Vuelva a la solicitud y empiece de nuevo.",
            },
            Locale::Ca => Texts {
                sandbox: "Entorn de proves de SKOR",
                title: match kind {
                    Kind::Clave => "Descàrrega de documents amb Cl@ve",
                    Kind::Kyc => "Verificació d'identitat",
                    Kind::Bank => "Connexió bancària",
                },
                intro: "Això és l'entorn de proves: no es comprova res de real. Triï el resultat que vol simular.",
                real: match kind {
                    Kind::Clave => {
                        "Al servei real, aquí iniciaria la sessió amb Cl@ve i es descarregarien el certificat d'IRPF i l'informe de vida laboral."
                    }
                    Kind::Kyc => {
                        "Al servei real, aquí fotografiaria el document d'identitat i es faria un selfie."
                    }
                    Kind::Bank => {
                        "Al servei real, aquí triaria el banc i iniciaria la sessió per compartir-ne els moviments."
                    }
                },
                legend: "Resultat",
                approve: "Aprova",
                reject: "Rebutja",
                choose: "Triï «Aprova» o «Rebutja».",
                approved: "Hem registrat el resultat: aprovat.",
                rejected: "Hem registrat el resultat: rebutjat.",
                already: "Aquesta sessió ja s'havia completat.",
                close: "Ja pot tancar aquesta finestra.",
                back: "Torna a la sol·licitud",
                not_found_title: "No s'ha trobat la sessió",
                not_found: "L'enllaç no és vàlid o ha caducat. Torni a la sol·licitud i comenci de nou.",
            },
            Locale::En => Texts {
                sandbox: "SKOR sandbox",
                title: match kind {
                    Kind::Clave => "Document download with Cl@ve",
                    Kind::Kyc => "Identity verification",
                    Kind::Bank => "Bank connection",
                },
                intro: "This is the sandbox: nothing real is checked. Choose the outcome you want to simulate.",
                real: match kind {
                    Kind::Clave => {
                        "In the real service you would sign in with Cl@ve here and your tax certificate and employment history would be downloaded."
                    }
                    Kind::Kyc => {
                        "In the real service you would photograph your identity document and take a selfie here."
                    }
                    Kind::Bank => {
                        "In the real service you would choose your bank and sign in to share your transactions here."
                    }
                },
                legend: "Outcome",
                approve: "Approve",
                reject: "Reject",
                choose: "Choose “Approve” or “Reject”.",
                approved: "The outcome has been recorded: approved.",
                rejected: "The outcome has been recorded: rejected.",
                already: "This session had already been completed.",
                close: "You can close this window now.",
                back: "Return to your application",
                not_found_title: "Session not found",
                not_found: "The link is not valid or has expired. Return to your application and start again.",
            },
        }
    }
}

/// The hosted pages' stylesheet (the Access pages add theirs to it).
pub(crate) const CSS: &str = "\
:root{color-scheme:light dark;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5}
body{margin:0;padding:1.5rem;background:Canvas;color:CanvasText}
main{max-width:36rem;margin:0 auto}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
.badge{display:inline-block;margin:0;padding:.15rem .6rem;border:1px solid currentColor;border-radius:1rem;font-size:.85rem}
fieldset{border:1px solid GrayText;border-radius:.5rem;padding:1rem;display:flex;gap:1rem;flex-wrap:wrap}
legend{padding:0 .3rem;font-weight:600}
button{font:inherit;font-size:1.05rem;padding:.6rem 1.4rem;border-radius:.4rem;border:2px solid transparent;cursor:pointer;min-height:44px}
.approve{background:#0b6e35;color:#fff}
.reject{background:#a4161a;color:#fff}
button:focus-visible,a:focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}
a{color:LinkText}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in [Kind::Clave, Kind::Kyc, Kind::Bank] {
            assert_eq!(Kind::from_segment(k.segment()), Some(k));
        }
        assert_eq!(Kind::from_segment("x"), None);
    }

    #[test]
    fn finished_page_links_back_only_when_asked() {
        let t = Texts::new(Locale::En, Kind::Kyc);
        let with = done_body(
            &t,
            Some(Outcome::Approved),
            Some("https://a.example/x?y=1&z=2"),
        );
        assert!(with.contains("href=\"https://a.example/x?y=1&amp;z=2\""));
        assert!(with.contains("You can close this window"));
        assert!(!done_body(&t, None, None).contains("href"));
    }
}
