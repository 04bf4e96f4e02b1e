//! Which `ScopeStore` serves what: one enum, the only thing that turns into an object
//! name, and the only place that says which stores belong to a tenant (erasure reads
//! [`Scope::owned_by_tenant`], not the routes).
//!
//! The names are those the stores have always had in production (a store is found by
//! its name; renaming one would lose its counters, keys and records).

use onboarding_core::model::api::HostedPage;

/// A tenant's own stores, emptied whole when it is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantScope {
    /// Upload idempotency keys with the upload count and byte budgets.
    Uploads,
    /// Document listings (rate).
    DocumentLists,
    /// Step-up answer submissions (rate).
    Answers,
    /// Starts of one hosted page (rate).
    HostedStarts(HostedPage),
}

impl TenantScope {
    /// Every store a tenant owns.
    pub const ALL: [TenantScope; 6] = [
        TenantScope::Uploads,
        TenantScope::DocumentLists,
        TenantScope::Answers,
        TenantScope::HostedStarts(HostedPage::Clave),
        TenantScope::HostedStarts(HostedPage::Kyc),
        TenantScope::HostedStarts(HostedPage::Bank),
    ];
}

/// An agency's stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyScope {
    /// The list of its tenants and the erasure audit rows.
    List,
    /// Its relay's dead letters.
    DeadLetters,
    /// Its daily budgets' counters.
    Budget,
    /// The names and emails of the applications created on one day (unix day number):
    /// what the console's pipeline shows beside the list's rows. A store per day so
    /// that erasing an applicant rebuilds a small store whole (`DirForget`): the
    /// agency's list, one store for every applicant, keeps nothing personal.
    Directory(u64),
}

/// The directory day of a creation time (unix ms).
pub fn directory_day(created_ms: i64) -> u64 {
    u64::try_from(created_ms).unwrap_or(0) / 86_400_000
}

/// One `ScopeStore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Session openings from one address bucket, by its keyed hash
    /// (`mask::address_key`: no store name holds an address).
    Address(String),
    /// A session's tenant creations: their idempotency keys and the tenant limit.
    Session(String),
    /// One of a tenant's own stores.
    Tenant(String, TenantScope),
    /// An inquiry id's binding to its tenant.
    Inquiry(String),
    /// A person's identity record at one agency (agency id, person key).
    Person(String, String),
    /// One of an agency's stores.
    Agency(String, AgencyScope),
    /// Dead letters whose agency could not be read.
    Undecodable,
}

impl Scope {
    /// The object's name.
    pub fn name(&self) -> String {
        match self {
            Scope::Address(bucket) => format!("rate:sessions:{bucket}"),
            Scope::Session(session) => format!("idem:tenants:{session}"),
            Scope::Tenant(t, TenantScope::Uploads) => format!("idem:documents:{t}"),
            Scope::Tenant(t, TenantScope::DocumentLists) => format!("rate:doclists:{t}"),
            Scope::Tenant(t, TenantScope::Answers) => format!("rate:answers:{t}"),
            Scope::Tenant(t, TenantScope::HostedStarts(page)) => {
                format!("rate:hosted:{}:{t}", page.step())
            }
            Scope::Inquiry(id) => format!("inquiry:{id}"),
            Scope::Person(agency, key) => format!("person:{agency}:{key}"),
            Scope::Agency(agency, AgencyScope::List) => format!("list:{agency}"),
            Scope::Agency(agency, AgencyScope::DeadLetters) => format!("agency:{agency}"),
            Scope::Agency(agency, AgencyScope::Budget) => format!("budget:{agency}"),
            Scope::Agency(agency, AgencyScope::Directory(day)) => format!("dir:{agency}:{day}"),
            Scope::Undecodable => "relay:undecodable".to_owned(),
        }
    }

    /// The stores that hold nothing but `tenant_id`'s: its own, and those of its
    /// inquiries. (The creating session's store keeps the key taken, with its replay
    /// turned into a 404; the person's, the agency's list and dead letters are shared
    /// and forget the tenant instead.)
    pub fn owned_by_tenant(tenant_id: &str, inquiries: &[String]) -> Vec<Scope> {
        TenantScope::ALL
            .iter()
            .map(|s| Scope::Tenant(tenant_id.to_owned(), *s))
            .chain(inquiries.iter().map(|i| Scope::Inquiry(i.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_stores_names_in_production() {
        let t = || "t1".to_owned();
        let cases = [
            (Scope::Address("0a1b".into()), "rate:sessions:0a1b"),
            (Scope::Session("s1".into()), "idem:tenants:s1"),
            (
                Scope::Tenant(t(), TenantScope::Uploads),
                "idem:documents:t1",
            ),
            (
                Scope::Tenant(t(), TenantScope::DocumentLists),
                "rate:doclists:t1",
            ),
            (Scope::Tenant(t(), TenantScope::Answers), "rate:answers:t1"),
            (
                Scope::Tenant(t(), TenantScope::HostedStarts(HostedPage::Bank)),
                "rate:hosted:bank:t1",
            ),
            (Scope::Inquiry("i1".into()), "inquiry:i1"),
            (Scope::Person("ag".into(), "k".into()), "person:ag:k"),
            (Scope::Agency("ag".into(), AgencyScope::List), "list:ag"),
            (
                Scope::Agency("ag".into(), AgencyScope::DeadLetters),
                "agency:ag",
            ),
            (Scope::Agency("ag".into(), AgencyScope::Budget), "budget:ag"),
            (
                Scope::Agency("ag".into(), AgencyScope::Directory(20_000)),
                "dir:ag:20000",
            ),
            (Scope::Undecodable, "relay:undecodable"),
        ];
        for (scope, name) in cases {
            assert_eq!(scope.name(), name);
        }
    }

    #[test]
    fn directory_days() {
        assert_eq!(directory_day(0), 0);
        assert_eq!(directory_day(86_399_999), 0);
        assert_eq!(directory_day(86_400_000), 1);
        assert_eq!(directory_day(-5), 0);
    }

    #[test]
    fn a_tenant_owns_its_stores_and_its_inquiries() {
        let owned = Scope::owned_by_tenant("t1", &["i1".into()]);
        assert_eq!(owned.len(), TenantScope::ALL.len() + 1);
        assert!(owned.contains(&Scope::Inquiry("i1".into())));
        assert!(
            owned
                .iter()
                .all(|s| !matches!(s, Scope::Session(_) | Scope::Agency(..)))
        );
        let names: std::collections::HashSet<String> = owned.iter().map(Scope::name).collect();
        assert_eq!(names.len(), owned.len(), "distinct stores");
    }
}
