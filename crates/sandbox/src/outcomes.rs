//! Test values: like test card numbers, the sandbox decides outcomes from `+tags` in
//! the applicant's email (`lucia+challenge@example.com`). Several tags may be combined
//! (`lucia+forged+defaulter@example.com`). The table lives in the crate README.

use onboarding_core::model::identity::Decision;

/// The outcomes a set of email tags selects.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcomes {
    /// `+challenge`: identity `Challenge` with a questionnaire.
    pub challenge: bool,
    /// `+deny`: identity `Deny`.
    pub deny: bool,
    /// `+review`: identity `Review`.
    pub review: bool,
    /// `+defaulter`: the credit-bureau check flags a defaulter.
    pub defaulter: bool,
    /// `+kycfail`: KYC is rejected even when the applicant presses Approve.
    pub kyc_fail: bool,
    /// `+forged`: forensic analysis reports a fraud indicator.
    pub forged: bool,
    /// `+identitydown`: the identity-decision API fails every inquiry (500), so the
    /// edge's retry rule (a new inquiry only when none reached a decision) can be seen.
    pub identity_down: bool,
    /// `+existing`: like an upstream that deduplicates applicants, creating a tenant
    /// with the same email as an earlier one returns the earlier tenant.
    pub existing: bool,
    /// `+sameinquiry`: an inquiry for an email seen before answers with the earlier
    /// inquiry (its `inquiryId`), as a deduplicating identity API would.
    pub same_inquiry: bool,
    /// `+foreignpage`: hosted-page URLs point at a look-alike host
    /// (`<origin>.evil.example`), which the edge must refuse to hand out.
    pub foreign_page: bool,
    /// `+slowreply`: `POST /v1/tenants` stores the tenant, then holds its reply for
    /// [`SLOW_REPLY_MS`], so a test can kill the edge between the upstream's commit and
    /// the edge's `201` (the crash-and-retry check).
    pub slow_reply: bool,
    /// `+slowdelete`: `DELETE /v1/tenants/{id}` erases, then holds its reply for
    /// [`SLOW_REPLY_MS`] (the erasure crash check kills the edge meanwhile).
    pub slow_delete: bool,
    /// `+nodigest`: document replies carry no `sha256`, like an upstream that does not
    /// report one (the edge then reads the stored file back to hash it).
    pub no_digest: bool,
}

/// How long `+slowreply` holds the tenant-creation reply.
pub const SLOW_REPLY_MS: u64 = 6_000;

/// Identification number that the credit bureau always lists as a defaulter (a valid
/// DNI, so it passes the edge's validation).
pub const DEFAULTER_ID: &str = "00000000T";

impl Outcomes {
    /// Reads the `+tags` of an email's local part (case-insensitive; unknown tags are
    /// ignored).
    pub fn from_email(email: &str) -> Self {
        let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
        let mut out = Outcomes::default();
        for tag in local.split('+').skip(1) {
            match tag.to_ascii_lowercase().as_str() {
                "challenge" => out.challenge = true,
                "deny" => out.deny = true,
                "review" => out.review = true,
                "defaulter" => out.defaulter = true,
                "kycfail" => out.kyc_fail = true,
                "forged" => out.forged = true,
                "identitydown" => out.identity_down = true,
                "existing" => out.existing = true,
                "sameinquiry" => out.same_inquiry = true,
                "foreignpage" => out.foreign_page = true,
                "slowreply" => out.slow_reply = true,
                "nodigest" => out.no_digest = true,
                "slowdelete" => out.slow_delete = true,
                _ => {}
            }
        }
        out
    }

    /// The identity decision: `Deny` beats `Review` beats `Challenge`; else `Allow`.
    pub fn decision(&self) -> Decision {
        if self.deny {
            Decision::Deny
        } else if self.review {
            Decision::Review
        } else if self.challenge {
            Decision::Challenge
        } else {
            Decision::Allow
        }
    }
}

/// The credit-bureau check for a tenant: `(defaulter, risk)`.
pub fn credit_check(outcomes: &Outcomes, identification_number: &str) -> (bool, &'static str) {
    let defaulter = outcomes.defaulter
        || identification_number
            .trim()
            .eq_ignore_ascii_case(DEFAULTER_ID);
    (defaulter, if defaulter { "high" } else { "low" })
}

/// The financial score a completed bank connection reports: `(score, band)`.
pub fn financial_score(defaulter: bool) -> (u32, &'static str) {
    let score = if defaulter { 412 } else { 742 };
    (score, band(score))
}

/// Score band: A ≥ 800, B ≥ 700, C ≥ 600, D ≥ 500, else E.
pub fn band(score: u32) -> &'static str {
    match score {
        800.. => "A",
        700..=799 => "B",
        600..=699 => "C",
        500..=599 => "D",
        _ => "E",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_from_the_local_part() {
        let o = Outcomes::from_email("Lucia+Challenge+forged@example.com");
        assert!(o.challenge && o.forged && !o.deny);
        assert_eq!(o.decision(), Decision::Challenge);
        assert_eq!(
            Outcomes::from_email("lucia@ex+deny.com"),
            Outcomes::default()
        );
        assert_eq!(
            Outcomes::from_email("a+review+deny@x.es").decision(),
            Decision::Deny
        );
        assert_eq!(Outcomes::from_email("a@x.es").decision(), Decision::Allow);
    }

    #[test]
    fn credit_check_and_score() {
        let none = Outcomes::default();
        assert_eq!(credit_check(&none, "12345678Z"), (false, "low"));
        assert_eq!(credit_check(&none, "00000000t"), (true, "high"));
        let d = Outcomes::from_email("x+defaulter@y.es");
        assert_eq!(credit_check(&d, "12345678Z"), (true, "high"));
        assert_eq!(financial_score(false), (742, "B"));
        assert_eq!(financial_score(true), (412, "E"));
        assert_eq!(band(800), "A");
    }
}
