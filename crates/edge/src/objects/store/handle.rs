//! The worker's side of one scope's `ScopeStore`.

use worker::{Env, Stub};

use super::protocol::StoreCall;
use super::scope::Scope;
use crate::error::AppResult;
use crate::objects::call::{self, Call};

/// A handle on the store of one [`Scope`].
pub struct Store {
    stub: Stub,
    counted: bool,
}

impl Store {
    /// The store of `scope`.
    ///
    /// # Errors
    /// 500 when the binding is missing.
    pub fn of(env: &Env, scope: &Scope) -> AppResult<Self> {
        let ns = env.durable_object("SCOPE_STORE")?;
        Ok(Store {
            stub: ns.id_from_name(&scope.name())?.get_stub()?,
            counted: true,
        })
    }

    /// The same store, for work that is no request's (the relay consumer): its calls
    /// are left out of the dev round-trip count.
    pub fn in_background(self) -> Self {
        Store {
            counted: false,
            ..self
        }
    }

    /// Sends one call; its reply is the type the call names.
    ///
    /// # Errors
    /// 500 when the object fails.
    pub async fn ask<C: Call<Protocol = StoreCall>>(&self, c: C) -> AppResult<C::Reply> {
        call::ask(&self.stub, "scope store", c, self.counted).await
    }
}
