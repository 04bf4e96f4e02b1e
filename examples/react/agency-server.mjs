// The agency's server side of the recommended integration, as small as it gets: one
// endpoint the page calls, which asks the edge for a client token with the agency's
// secret key (never sent to the browser) and hands the page only the token. What the
// server knows about the applicant (its CRM reference, the property, the rent, a
// prefill, the language) goes into the token, where the browser cannot change it.
//
// Used by `vite dev`/`vite preview` (vite.config.js) and by the kit test's server.

/**
 * Handles `POST /api/onboarding-session` (Node's `req`/`res`): `{clientToken, expiresAt}`
 * for this page view, or a 502 with the edge's problem.
 */
export async function onboardingSession(req, res, { edge, secretKey }) {
  const reply = (status, body) => {
    res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
    res.end(JSON.stringify(body));
  };
  if (req.method !== "POST") return reply(405, { error: "POST only" });
  if (!secretKey) return reply(503, { error: "set ONBOARDING_SECRET_KEY (the agency's sk_…)" });
  // In a real app these come from the signed-in applicant's record and the listing.
  const grant = { externalReference: "CRM-4711", productId: "ref-123", requestedAmount: "950", expiresIn: 3600 };
  try {
    const r = await fetch(new URL("/v1/agency/sessions", edge), {
      method: "POST",
      headers: { Authorization: `Bearer ${secretKey}`, "Content-Type": "application/json" },
      body: JSON.stringify(grant),
    });
    const body = await r.json();
    return r.status === 201 ? reply(200, body) : reply(502, body);
  } catch (e) {
    return reply(502, { error: String(e) });
  }
}
