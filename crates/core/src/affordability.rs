//! Affordability: whether the rent fits the applicant's declared income, alone and
//! with the co-applicant's, against the agency's threshold.
//!
//! Two figures, both from the validated request: the rent's share of the net monthly
//! income (rent ÷ income, in percent) and the income as a multiple of the rent. The
//! verdict compares the share with the agency's largest accepted share — 40 % unless
//! the agency set its own, the figure Spanish rent-default insurers use. Amounts are
//! decimal strings with at most two fraction digits (what validation accepts), so all
//! arithmetic is on integer cents: no floating point, the same answer everywhere.

use serde::{Deserialize, Serialize};

use crate::model::{Applicant, Income, TenantRequest};

/// The share of net monthly income the rent may take, in percent, unless the agency
/// set its own.
pub const DEFAULT_MAX_RENT_SHARE: u8 = 40;

/// The smallest and largest threshold an agency may set, in percent.
pub const MAX_RENT_SHARE_RANGE: std::ops::RangeInclusive<u8> = 10..=100;

/// The affordability of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Affordability {
    /// Monthly rent applied for, decimal (`"850.00"`).
    pub rent: String,
    /// The threshold applied: the largest share of net monthly income the rent may
    /// take, in percent.
    pub max_rent_share: u8,
    /// The applicant's income alone.
    pub applicant: Measure,
    /// The applicant's and the co-applicant's incomes together, when the co-applicant
    /// declared one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_co_applicant: Option<Measure>,
}

/// The rent against one income.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Measure {
    /// Net monthly income, decimal (`"2500.00"`): the declared amount over its period.
    pub monthly_income: String,
    /// Rent ÷ income, in percent with one decimal (`"34.0"`).
    pub rent_share: String,
    /// Income ÷ rent, with two decimals (`"2.94"`).
    pub income_multiple: String,
    /// The share against the threshold.
    pub verdict: Verdict,
}

/// The share against the agency's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// The rent takes at most the threshold's share.
    Within,
    /// The rent takes more.
    Above,
}

/// The affordability of `req` under a threshold of `max_rent_share` percent (`None`:
/// the default). `None` when the request names no rent or the applicant declared no
/// income: there is nothing to compare.
pub fn assess(req: &TenantRequest, max_rent_share: Option<u8>) -> Option<Affordability> {
    let share = max_rent_share
        .filter(|s| MAX_RENT_SHARE_RANGE.contains(s))
        .unwrap_or(DEFAULT_MAX_RENT_SHARE);
    let rent = cents(req.product.as_ref()?.requested_amount.as_deref()?)?;
    if rent == 0 {
        return None;
    }
    let own = monthly_cents(&req.applicant)?;
    let co = req.co_applicant.as_ref().and_then(monthly_cents);
    Some(Affordability {
        rent: decimal(rent, 2),
        max_rent_share: share,
        applicant: measure(rent, own, share)?,
        with_co_applicant: co.and_then(|co| measure(rent, own + co, share)),
    })
}

fn measure(rent: u64, income: u64, share: u8) -> Option<Measure> {
    if income == 0 {
        return None;
    }
    // Per mille, rounded half up; and hundredths of the multiple, rounded half up.
    let per_mille = (rent * 1000 + income / 2) / income;
    let multiple = (income * 100 + rent / 2) / rent;
    Some(Measure {
        monthly_income: decimal(income, 2),
        rent_share: decimal(per_mille, 1),
        income_multiple: decimal(multiple, 2),
        verdict: if rent * 100 <= u64::from(share) * income {
            Verdict::Within
        } else {
            Verdict::Above
        },
    })
}

/// An applicant's declared income per month, in cents.
fn monthly_cents(a: &Applicant) -> Option<u64> {
    let Income { period, amount, .. } = a.income.as_ref()?;
    let c = cents(amount)?;
    let per_year = match period.to_ascii_uppercase().as_str() {
        "WEEKLY" => c * 52,
        "BIWEEKLY" => c * 26,
        "MONTHLY" => c * 12,
        "ANNUAL" => c,
        _ => return None,
    };
    Some((per_year + 6) / 12)
}

/// A non-negative decimal with at most two fraction digits, in cents.
fn cents(s: &str) -> Option<u64> {
    let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 || !digits(whole) || !digits(frac) {
        return None;
    }
    let frac: u64 = format!("{frac:0<2}").parse().ok()?;
    Some(whole.parse::<u64>().ok()? * 100 + frac)
}

/// `n` with `places` fraction digits (`decimal(3405, 1)` = `"340.5"`).
fn decimal(n: u64, places: u32) -> String {
    let unit = 10u64.pow(places);
    format!("{}.{:0width$}", n / unit, n % unit, width = places as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Product;

    fn request(rent: &str, income: (&str, &str), co: Option<(&str, &str)>) -> TenantRequest {
        let income_of = |(period, amount): (&str, &str)| Income {
            period: period.into(),
            amount: amount.into(),
            currency: "EUR".into(),
        };
        let mut req = TenantRequest {
            product: Some(Product {
                requested_amount: Some(rent.into()),
                ..Product::default()
            }),
            co_applicant: co.map(|co| Applicant {
                income: Some(income_of(co)),
                ..Applicant::default()
            }),
            ..TenantRequest::default()
        };
        req.applicant.income = Some(income_of(income));
        req
    }

    #[test]
    fn the_share_and_the_multiple_with_and_without_the_co_applicant() {
        let a = assess(
            &request("850", ("MONTHLY", "2000.00"), Some(("ANNUAL", "18000"))),
            None,
        )
        .unwrap();
        assert_eq!(a.rent, "850.00");
        assert_eq!(a.max_rent_share, 40);
        assert_eq!(a.applicant.monthly_income, "2000.00");
        assert_eq!(a.applicant.rent_share, "42.5");
        assert_eq!(a.applicant.income_multiple, "2.35");
        assert_eq!(a.applicant.verdict, Verdict::Above);
        let both = a.with_co_applicant.unwrap();
        assert_eq!(both.monthly_income, "3500.00");
        assert_eq!(both.rent_share, "24.3");
        assert_eq!(both.income_multiple, "4.12");
        assert_eq!(both.verdict, Verdict::Within);
    }

    #[test]
    fn the_threshold_is_the_agencys_and_inclusive() {
        let req = request("800", ("MONTHLY", "2000"), None);
        assert_eq!(
            assess(&req, None).unwrap().applicant.verdict,
            Verdict::Within
        );
        assert_eq!(
            assess(&req, Some(39)).unwrap().applicant.verdict,
            Verdict::Above
        );
        assert_eq!(assess(&req, Some(39)).unwrap().max_rent_share, 39);
        // Out of range: the default.
        assert_eq!(assess(&req, Some(5)).unwrap().max_rent_share, 40);
    }

    #[test]
    fn periods_become_months() {
        for (period, amount, monthly) in [
            ("WEEKLY", "500", "2166.67"),
            ("biweekly", "1000", "2166.67"),
            ("ANNUAL", "30000.00", "2500.00"),
            ("MONTHLY", "1234.5", "1234.50"),
        ] {
            let a = assess(&request("1000", (period, amount), None), None).unwrap();
            assert_eq!(a.applicant.monthly_income, monthly, "{period}");
        }
    }

    #[test]
    fn nothing_to_compare() {
        assert!(assess(&TenantRequest::default(), None).is_none());
        assert!(assess(&request("0", ("MONTHLY", "2000"), None), None).is_none());
        assert!(assess(&request("900", ("MONTHLY", "0"), None), None).is_none());
        assert!(assess(&request("900", ("DAILY", "100"), None), None).is_none());
        assert!(assess(&request("9,00", ("MONTHLY", "100"), None), None).is_none());
        // A co-applicant without income: the applicant's figures only.
        let a = assess(
            &request("900", ("MONTHLY", "3000"), Some(("MONTHLY", "x"))),
            None,
        );
        assert!(a.unwrap().with_co_applicant.is_none());
    }
}
