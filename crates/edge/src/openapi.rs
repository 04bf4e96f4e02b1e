//! `GET /v1/openapi.json`: the OpenAPI 3.1 description of this API.
//!
//! The document is generated natively, by [`generate::document`], from the route table
//! ([`crate::routes::ROUTES`]: paths, methods, summaries, credentials by the operation's
//! group), from core's wire types (their JSON Schemas, derived with `schemars` under
//! core's `schema` feature), from core's problem-code table and from core's field
//! table (the limits validation enforces). It is committed as `crates/edge/openapi.json`
//! and embedded in the Worker as it is, so the wasm build carries no schema code. The
//! unit test `openapi_json_is_current` fails when the file and the code disagree;
//! `OPENAPI_WRITE=1 cargo test -p onboarding-edge openapi` rewrites it.

use worker::Response;

use crate::error::AppResult;

/// The document, as committed.
pub const DOCUMENT: &str = include_str!("../openapi.json");

/// Handler.
///
/// # Errors
/// Only if the runtime cannot build a response.
pub fn serve() -> AppResult<Response> {
    let headers = worker::Headers::new();
    headers.set("Content-Type", "application/json")?;
    headers.set("Cache-Control", "public, max-age=300")?;
    Ok(Response::ok(DOCUMENT)?.with_headers(headers))
}

/// The generator (native builds only).
#[cfg(not(target_arch = "wasm32"))]
pub mod generate {
    use onboarding_core::model::TenantRequest;
    use onboarding_core::model::api::{
        AccessRevoked, AgencyTenantView, AnswersDecided, ClientSession, CreateClientSession,
        CreateSession, DecisionRecorded, DocumentList, DocumentUploaded, Health, HostedPage,
        LiveTicket, ReplayQueued, SessionToken, StartHosted, StartInquiry, StatusEntry,
        TenantCreated, TenantPage, Undelivered, WebhookReceived,
    };
    use onboarding_core::model::identity::{AnswersRequest, DecisionUpdate, PublicInquiry};
    use onboarding_core::model::problem::{Problem, ProblemCode};
    use onboarding_core::model::screening::ForensicAnalysis;
    use onboarding_core::model::status::Status;
    use onboarding_core::model::webhook::Event;
    use schemars::generate::{Contract, SchemaSettings};
    use schemars::{JsonSchema, SchemaGenerator};
    use serde_json::{Map, Value, json};

    use crate::routes::{AgencyOp, Op, PublicOp, ROUTES, SessionOp, SignedOp, TenantOp};

    /// Schemas of request bodies (what serde accepts) and of replies (what serde
    /// writes) differ in which fields are required: two generators, one components map.
    struct Schemas {
        requests: SchemaGenerator,
        replies: SchemaGenerator,
    }

    impl Schemas {
        fn new() -> Self {
            let settings = |contract| {
                let mut s = SchemaSettings::draft2020_12();
                s.definitions_path = "/components/schemas".into();
                s.meta_schema = None;
                s.contract = contract;
                s
            };
            Schemas {
                requests: SchemaGenerator::new(settings(Contract::Deserialize)),
                replies: SchemaGenerator::new(settings(Contract::Serialize)),
            }
        }

        fn request<T: JsonSchema>(&mut self) -> Value {
            self.requests.subschema_for::<T>().to_value()
        }

        fn reply<T: JsonSchema>(&mut self) -> Value {
            self.replies.subschema_for::<T>().to_value()
        }
    }

    /// A request body of an operation.
    enum Body {
        /// `application/json`, required or not.
        Json(Value, bool),
        /// A document upload: raw bytes or multipart.
        Document,
    }

    /// A 2xx reply.
    enum Reply {
        Json(u16, Value),
        Events,
        Content,
        /// `101 Switching Protocols` to a WebSocket of StatusEntry JSON texts.
        Socket,
    }

    /// What one operation takes and gives, and the error statuses it can answer with.
    struct Spec {
        body: Option<Body>,
        headers: Vec<Value>,
        query: Vec<Value>,
        replies: Vec<Reply>,
        errors: Vec<u16>,
    }

    /// The agency list's query parameters (core's `ListQuery`).
    fn list_query() -> Vec<Value> {
        let param = |name: &str, description: &str, schema: Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
        vec![
            param(
                "state",
                "Only onboardings in this state",
                json!({"type": "string", "enum": ["inProgress", "complete"]}),
            ),
            param(
                "decision",
                "Only tenants with this identity decision",
                json!({"type": "string", "enum": ["Allow", "Challenge", "Deny", "Review"]}),
            ),
            param(
                "createdFrom",
                "Created at or after (RFC 3339)",
                json!({"type": "string", "format": "date-time"}),
            ),
            param(
                "createdBefore",
                "Created before (RFC 3339)",
                json!({"type": "string", "format": "date-time"}),
            ),
            param(
                "limit",
                "Rows in the page (default 25)",
                json!({"type": "integer", "minimum": 1, "maximum": onboarding_core::lifecycle::MAX_PAGE}),
            ),
            param(
                "cursor",
                "The previous page's nextCursor",
                json!({"type": "string", "maxLength": 160}),
            ),
        ]
    }

    fn spec(op: Op, s: &mut Schemas) -> Spec {
        let idempotency = json!({
            "name": "Idempotency-Key", "in": "header", "required": false,
            "description": "Replays of the same key and body get the first answer; the same key with another body is a 422.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"}
        });
        let plain = |body, replies, errors: &[u16]| Spec {
            body,
            headers: Vec::new(),
            query: Vec::new(),
            replies,
            errors: errors.to_vec(),
        };
        match op {
            Op::Public(p) => match p {
                PublicOp::Health => plain(None, vec![Reply::Json(200, s.reply::<Health>())], &[]),
                PublicOp::OpenApi => {
                    plain(None, vec![Reply::Json(200, json!({"type": "object"}))], &[])
                }
                PublicOp::CreateSession => plain(
                    Some(Body::Json(s.request::<CreateSession>(), true)),
                    vec![Reply::Json(201, s.reply::<SessionToken>())],
                    &[400, 401, 403, 413, 415, 429],
                ),
                PublicOp::Preflight => plain(None, Vec::new(), &[]),
                PublicOp::Live => {
                    // Each text frame is a StatusEntry: make it a component.
                    s.reply::<StatusEntry>();
                    Spec {
                        body: None,
                        headers: Vec::new(),
                        query: vec![
                            json!({
                                "name": "ticket", "in": "query", "required": true,
                                "description": "From POST …/live-tickets: single use, 30 s",
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}
                            }),
                            json!({
                                "name": "after", "in": "query", "required": false,
                                "description": "Replay the changes after this sequence number",
                                "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"}
                            }),
                        ],
                        replies: vec![Reply::Socket],
                        errors: vec![400, 401, 404, 426],
                    }
                }
            },
            Op::Session(SessionOp::CreateTenant) => Spec {
                body: Some(Body::Json(s.request::<TenantRequest>(), true)),
                headers: vec![idempotency],
                query: Vec::new(),
                replies: vec![Reply::Json(201, s.reply::<TenantCreated>())],
                errors: vec![400, 401, 403, 409, 413, 415, 422, 429, 502, 503, 504],
            },
            Op::Tenant(t) => match t {
                TenantOp::Status => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<Status>())],
                    &[401, 403, 404],
                ),
                TenantOp::Events => {
                    // The payload of each `status` event is a Status: make it a component.
                    s.reply::<Status>();
                    Spec {
                        body: None,
                        headers: vec![json!({
                            "name": "Last-Event-ID", "in": "header", "required": false,
                            "description": "Replay the changes after this sequence number",
                            "schema": {"type": "string", "pattern": "^[0-9]{1,15}$"}
                        })],
                        query: Vec::new(),
                        replies: vec![Reply::Events],
                        errors: vec![400, 401, 403, 404],
                    }
                }
                TenantOp::LiveTicket => plain(
                    None,
                    vec![Reply::Json(201, s.reply::<LiveTicket>())],
                    &[401, 403, 404],
                ),
                TenantOp::RefreshSession => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<SessionToken>())],
                    &[401, 403, 404, 409],
                ),
                TenantOp::UploadDocument => Spec {
                    body: Some(Body::Document),
                    headers: vec![idempotency],
                    query: vec![json!({
                        "name": "kind", "in": "query", "required": false,
                        "description": "The document kind, for a raw (non-multipart) body",
                        "schema": s.request::<onboarding_core::document::DocumentKind>()
                    })],
                    replies: vec![Reply::Json(201, s.reply::<DocumentUploaded>())],
                    errors: vec![400, 401, 403, 404, 409, 413, 415, 422, 429, 502, 503, 504],
                },
                TenantOp::ListDocuments => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<DocumentList>())],
                    &[401, 403, 404, 502, 503, 504],
                ),
                TenantOp::StartHosted(page) => plain(
                    Some(Body::Json(s.request::<StartHosted>(), false)),
                    vec![Reply::Json(200, hosted_started(page))],
                    &[400, 401, 403, 404, 413, 415, 422, 429, 502, 503, 504],
                ),
                TenantOp::StartInquiry => {
                    let inquiry = s.reply::<PublicInquiry>();
                    plain(
                        Some(Body::Json(s.request::<StartInquiry>(), false)),
                        vec![Reply::Json(201, inquiry.clone()), Reply::Json(200, inquiry)],
                        &[400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504],
                    )
                }
                TenantOp::AnswerInquiry => plain(
                    Some(Body::Json(s.request::<AnswersRequest>(), true)),
                    vec![Reply::Json(200, s.reply::<AnswersDecided>())],
                    &[400, 401, 403, 404, 409, 413, 415, 422, 502, 503, 504],
                ),
            },
            Op::Agency(a) => match a {
                AgencyOp::CreateClientSession => plain(
                    Some(Body::Json(s.request::<CreateClientSession>(), true)),
                    vec![Reply::Json(201, s.reply::<ClientSession>())],
                    &[400, 401, 413, 415, 422, 503],
                ),
                AgencyOp::List => Spec {
                    body: None,
                    headers: Vec::new(),
                    query: list_query(),
                    replies: vec![Reply::Json(200, s.reply::<TenantPage>())],
                    errors: vec![401, 422],
                },
                AgencyOp::Erase => {
                    let receipt = s.reply::<onboarding_core::lifecycle::ErasureReceipt>();
                    plain(
                        None,
                        vec![Reply::Json(200, receipt.clone()), Reply::Json(202, receipt)],
                        &[401, 404],
                    )
                }
                AgencyOp::Tenant => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<AgencyTenantView>())],
                    &[401, 404],
                ),
                AgencyOp::DocumentContent => {
                    plain(None, vec![Reply::Content], &[401, 404, 502, 503, 504])
                }
                AgencyOp::Forensic => plain(
                    None,
                    vec![Reply::Json(202, s.reply::<ForensicAnalysis>())],
                    &[401, 404, 409, 502, 503, 504],
                ),
                AgencyOp::RevokeAccess => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<AccessRevoked>())],
                    &[401, 404],
                ),
                AgencyOp::Decision => plain(
                    Some(Body::Json(s.request::<DecisionUpdate>(), true)),
                    vec![Reply::Json(200, s.reply::<DecisionRecorded>())],
                    &[400, 401, 404, 409, 413, 415, 502, 503, 504],
                ),
                AgencyOp::Undelivered => plain(
                    None,
                    vec![Reply::Json(200, s.reply::<Undelivered>())],
                    &[401],
                ),
                AgencyOp::Replay => plain(
                    None,
                    vec![Reply::Json(202, s.reply::<ReplayQueued>())],
                    &[401, 404],
                ),
            },
            Op::Signed(SignedOp::SkorWebhook) => {
                let received = s.reply::<WebhookReceived>();
                Spec {
                    body: Some(Body::Json(s.request::<Event>(), true)),
                    headers: vec![json!({
                        "name": "Skor-Signature", "in": "header", "required": true,
                        "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">",
                        "schema": {"type": "string"}
                    })],
                    query: Vec::new(),
                    replies: vec![
                        Reply::Json(200, received.clone()),
                        Reply::Json(202, received),
                    ],
                    errors: vec![400, 403, 413],
                }
            }
        }
    }

    /// The reply of a hosted-page start, with the page's own URL field
    /// ([`HostedPage::url_field`]; the union of all three is core's `HostedStarted`).
    fn hosted_started(page: HostedPage) -> Value {
        let field = page.url_field();
        json!({
            "type": "object",
            "required": [field],
            "properties": {field: {"type": "string", "format": "uri"}}
        })
    }

    fn security(op: Op) -> Value {
        match op {
            Op::Public(_) => json!([]),
            Op::Session(_) | Op::Tenant(_) => json!([{"sessionToken": []}]),
            Op::Agency(_) => json!([{"agencySecretKey": []}]),
            Op::Signed(_) => json!([{"skorSignature": []}]),
        }
    }

    fn problem_codes_with(status: u16) -> Vec<&'static str> {
        ProblemCode::ALL
            .iter()
            .filter(|c| c.status() == status)
            .map(|c| c.as_str())
            .collect()
    }

    fn operation(route: &crate::routes::Route, s: &mut Schemas) -> Value {
        let spec = spec(route.op, s);
        let mut parameters: Vec<Value> = route
            .template
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                json!({"name": name, "in": "path", "required": true,
                       "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$"}})
            })
            .collect();
        parameters.extend(spec.headers);
        parameters.extend(spec.query);
        let mut responses = Map::new();
        for reply in spec.replies {
            let (status, content) = match reply {
                Reply::Json(status, schema) => {
                    (status, json!({"application/json": {"schema": schema}}))
                }
                Reply::Events => (
                    200,
                    // One schema per event (as OpenAPI 3.2's `itemSchema` and
                    // schemathesis read it): `event: status`, `id:` the sequence
                    // number, `data:` a Status as JSON text.
                    json!({"text/event-stream": {"schema": {
                        "type": "object",
                        "required": ["event", "data"],
                        "properties": {
                            "event": {"const": "status"},
                            "id": {"type": "string", "pattern": "^[0-9]+$"},
                            "retry": {"type": "string", "pattern": "^[0-9]+$"},
                            "data": {
                                "type": "string",
                                "contentMediaType": "application/json",
                                "contentSchema": {"$ref": "#/components/schemas/Status"}
                            }
                        }
                    }}}),
                ),
                Reply::Socket => {
                    responses.insert(
                        "101".into(),
                        json!({"description": "Switching Protocols: a WebSocket of StatusEntry JSON texts (components/schemas/StatusEntry)"}),
                    );
                    continue;
                }
                Reply::Content => {
                    let binary = json!({"schema": {"type": "string", "contentMediaType": "application/octet-stream"}});
                    (
                        200,
                        json!({"application/pdf": binary, "image/jpeg": binary,
                               "image/png": binary, "application/octet-stream": binary}),
                    )
                }
            };
            responses.insert(
                status.to_string(),
                json!({"description": reason(status), "content": content}),
            );
        }
        for status in spec.errors {
            let codes = problem_codes_with(status);
            assert!(!codes.is_empty(), "no problem code has status {status}");
            responses.insert(
                status.to_string(),
                json!({
                    "description": format!("{}: {}", reason(status), codes.join(", ")),
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                }),
            );
        }
        let mut op = json!({
            "operationId": operation_id(route),
            "summary": route.summary,
            "parameters": parameters,
            "security": security(route.op),
            "responses": responses,
        });
        match spec.body {
            Some(Body::Json(schema, required)) => {
                op["requestBody"] = json!({
                    "required": required,
                    "content": {"application/json": {"schema": schema}}
                });
            }
            Some(Body::Document) => {
                let binary = json!({"schema": {"type": "string", "contentMediaType": "application/octet-stream", "maxLength": 10485760}});
                op["requestBody"] = json!({
                    "required": true,
                    "content": {
                        "multipart/form-data": {"schema": {
                            "type": "object",
                            "required": ["kind", "file"],
                            "properties": {
                                "kind": {"$ref": "#/components/schemas/DocumentKind"},
                                "file": {"type": "string", "contentMediaType": "application/octet-stream"}
                            }
                        }},
                        "application/pdf": binary, "image/jpeg": binary, "image/png": binary
                    }
                });
            }
            None => {}
        }
        op
    }

    fn operation_id(route: &crate::routes::Route) -> String {
        // `Tenant(StartHosted(Kyc))` → `tenantStartHostedKyc`.
        let debug = format!("{:?}", route.op);
        let mut out = String::new();
        for word in debug.split(|c: char| !c.is_ascii_alphanumeric()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                if out.is_empty() {
                    out.push(first.to_ascii_lowercase());
                } else {
                    out.push(first);
                }
                out.extend(chars);
            }
        }
        out
    }

    fn reason(status: u16) -> &'static str {
        match status {
            200 => "OK",
            201 => "Created",
            202 => "Accepted",
            400 => "Bad request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not found",
            409 => "Conflict",
            413 => "Too large",
            415 => "Unsupported media type",
            422 => "Unprocessable",
            426 => "Upgrade required",
            429 => "Too many requests",
            502 => "Upstream error",
            503 => "Upstream unavailable",
            504 => "Upstream timeout",
            _ => "",
        }
    }

    /// The request types whose fields core's field table describes, and the path of
    /// their root in validation's terms.
    const VALIDATED: [&str; 3] = ["TenantRequest", "AnswersRequest", "StartInquiry"];

    /// The definition a property schema refers to (`$ref`, `Option` as `anyOf` with
    /// null, or a list's items), and whether it is a list.
    fn referenced(prop: &Value) -> Option<(&str, bool)> {
        fn name(v: &Value) -> Option<&str> {
            v.get("$ref")?
                .as_str()?
                .strip_prefix("#/components/schemas/")
        }
        if let Some(n) = name(prop) {
            return Some((n, false));
        }
        if let Some(n) = prop["anyOf"]
            .as_array()
            .and_then(|a| a.iter().find_map(name))
        {
            return Some((n, false));
        }
        name(&prop["items"]).map(|n| (n, true))
    }

    /// Every (definition, property, field path) reachable from `def` at `path`.
    fn field_paths(
        schemas: &Map<String, Value>,
        def: &str,
        path: &str,
        out: &mut Vec<(String, String, String)>,
    ) {
        let Some(props) = schemas.get(def).and_then(|d| d["properties"].as_object()) else {
            return;
        };
        for (name, prop) in props {
            let here = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            out.push((def.to_owned(), name.clone(), here.clone()));
            if let Some((child, list)) = referenced(prop)
                && schemas
                    .get(child)
                    .is_some_and(|c| c["properties"].is_object())
                && here.matches('.').count() < 8
            {
                let child_path = if list { format!("{here}[0]") } else { here };
                field_paths(schemas, child, &child_path, out);
            }
        }
    }

    /// Writes the limits validation enforces (core's field table) into the request
    /// schemas: `maxLength`, `maxItems`, `enum`, `pattern`, `format`, and `required` where
    /// every path through a shared definition requires the field (an `Address` is
    /// required in `addresses`, optional as an employer's).
    fn field_limits(schemas: &mut Map<String, Value>) {
        use onboarding_core::validate::field_schema;
        let mut paths = Vec::new();
        for root in VALIDATED {
            field_paths(schemas, root, "", &mut paths);
        }
        let mut required: std::collections::BTreeMap<(String, String), bool> =
            std::collections::BTreeMap::new();
        for (def, prop, path) in &paths {
            let Some(f) = field_schema(path) else {
                continue;
            };
            let key = (def.clone(), prop.clone());
            let first = !required.contains_key(&key);
            let all = required.entry(key).or_insert(true);
            *all &= f.required;
            if !first {
                // Shared definitions (an Applicant as applicant and co-applicant) get
                // their limits once; the rows agree, only `required` may differ.
                continue;
            }
            let Some(p) = schemas
                .get_mut(def)
                .and_then(|d| d.pointer_mut(&format!("/properties/{prop}")))
            else {
                continue;
            };
            let nullable = p["type"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "null"));
            let is_list = p.get("items").is_some();
            if let Some(max) = f.max_items.filter(|_| is_list) {
                p["maxItems"] = json!(max);
            }
            let is_string = p["type"] == "string"
                || p["type"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == "string"));
            // Lists and non-strings (consent flags are JSON booleans) take no string
            // constraints.
            if is_list || !is_string {
                continue;
            }
            if let Some(max) = f.max_length {
                p["maxLength"] = json!(max);
            }
            if let Some(pattern) = f.pattern {
                p["pattern"] = json!(pattern);
            }
            if let Some(format) = f.format {
                p["format"] = json!(format);
            }
            if !f.choices.is_empty() && p.get("$ref").is_none() && p.get("enum").is_none() {
                let mut choices: Vec<Value> = f.choices.iter().map(|c| json!(c)).collect();
                if nullable {
                    choices.push(Value::Null);
                }
                p["enum"] = Value::Array(choices);
            }
            let mut notes = Vec::new();
            if f.case_insensitive && !f.choices.is_empty() {
                notes.push("matched ignoring ASCII case".to_owned());
            }
            if let Some(min) = f.exclusive_minimum {
                notes.push(format!("a decimal amount over {min}"));
            }
            if let Some(max) = f.maximum {
                notes.push(format!("at most {max}"));
            }
            if !notes.is_empty() {
                let before = p["description"].as_str().unwrap_or("").to_owned();
                p["description"] = json!(format!("{before} ({})", notes.join("; ")).trim());
            }
        }
        for ((def, prop), all) in required {
            let Some(d) = schemas.get_mut(&def) else {
                continue;
            };
            if !all {
                continue;
            }
            let list = d["required"].as_array_mut();
            match list {
                Some(list) if !list.iter().any(|r| r == prop.as_str()) => list.push(json!(prop)),
                Some(_) => {}
                None => d["required"] = json!([prop]),
            }
            if let Some(p) = d.pointer_mut(&format!("/properties/{prop}"))
                && (p["type"] == "string")
            {
                p["minLength"] = json!(1);
            }
        }
    }

    /// The document.
    pub fn document() -> Value {
        let mut s = Schemas::new();
        let mut paths = Map::new();
        for route in ROUTES {
            let op = operation(route, &mut s);
            paths
                .entry(route.template.to_owned())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .map(|o| o.insert(route.method.to_ascii_lowercase(), op));
        }
        let problem = s.reply::<Problem>();
        assert_eq!(problem["$ref"], "#/components/schemas/Problem");
        let mut schemas = s.requests.take_definitions(true);
        for (name, schema) in s.replies.take_definitions(true) {
            match schemas.get(&name) {
                Some(existing) if *existing != schema => {
                    panic!("{name}: request and reply schemas differ; give them two types")
                }
                _ => {
                    schemas.insert(name, schema);
                }
            }
        }
        field_limits(&mut schemas);
        // Problem codes: one enum from core's table.
        if let Some(code) = schemas
            .get_mut("Problem")
            .and_then(|p| p.pointer_mut("/properties/code"))
        {
            *code = json!({
                "type": "string",
                "enum": ProblemCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()
            });
        }
        json!({
            "openapi": "3.1.0",
            "info": {"title": "Tenant onboarding edge API", "version": env!("CARGO_PKG_VERSION")},
            "paths": paths,
            "components": {
                "securitySchemes": {
                    "sessionToken": {"type": "http", "scheme": "bearer", "description": "Session token from POST /v1/sessions (tenant-bound after POST /v1/tenants)"},
                    "agencySecretKey": {"type": "http", "scheme": "bearer", "description": "The agency's sk_… secret key"},
                    "skorSignature": {"type": "apiKey", "in": "header", "name": "Skor-Signature", "description": "HMAC-SHA256 of the body with the upstream's webhook secret"}
                },
                "schemas": schemas
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::ROUTES;

    #[test]
    fn openapi_json_is_current() {
        let generated = serde_json::to_string_pretty(&generate::document()).unwrap() + "\n";
        if std::env::var_os("OPENAPI_WRITE").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
            std::fs::write(path, &generated).unwrap();
            return;
        }
        assert!(
            generated == DOCUMENT,
            "crates/edge/openapi.json is out of date: run `OPENAPI_WRITE=1 cargo test -p onboarding-edge openapi`"
        );
    }

    #[test]
    fn every_route_is_described_with_schemas() {
        let doc = generate::document();
        for r in ROUTES {
            let op = &doc["paths"][r.template][r.method.to_ascii_lowercase()];
            assert!(op.is_object(), "{} {}", r.method, r.template);
            let ok = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(s, _)| s.starts_with('2'))
                .all(|(_, resp)| resp["content"].as_object().is_some_and(|c| !c.is_empty()));
            assert!(ok, "{} {}: a 2xx without a schema", r.method, r.template);
        }
    }
}
