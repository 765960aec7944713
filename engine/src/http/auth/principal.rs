//! Who is asking: the [`Principal`] the `authenticate` middleware puts on every authenticated
//! request, and what their [`Role`] lets them do.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::http::error::ApiError;
pub use crate::store::Role;
use crate::store::UserRow;

/// The user behind a request, from a session cookie or an API token.
///
/// Handlers take it as an argument; a request that reaches a handler without one (a route
/// outside the authenticated groups) is answered `401 unauthorized`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's id.
    pub user_id: i64,
    /// Their username.
    pub username: String,
    /// Their role.
    pub role: Role,
    /// For a supervisor: the campaigns they are limited to; `None` = all.
    pub campaign_scope: Option<Arc<[i64]>>,
    /// Whether they came with a session cookie (a person) rather than an API token.
    pub session: bool,
}

impl Principal {
    /// The principal of `user`, signed in with a session cookie or not.
    pub fn of(user: &UserRow, session: bool) -> Self {
        Self {
            user_id: user.id,
            username: user.username.clone(),
            role: user.role,
            campaign_scope: user.campaign_scope.as_deref().map(Arc::from),
            session,
        }
    }

    /// `Ok` if the user's role is `role` or above, else `403 forbidden`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::new(
                "forbidden",
                format!("this needs the {role} role; you are {}", self.role),
            ))
        }
    }

    /// Whether the user may watch campaign `campaign_id`: admins all; supervisors those in
    /// their scope (all without one). Agents: no — which campaigns an agent works in is a
    /// membership the routing code checks.
    pub fn sees_campaign(&self, campaign_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Supervisor => self
                .campaign_scope
                .as_ref()
                .is_none_or(|scope| scope.contains(&campaign_id)),
            Role::Agent => false,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(ApiError::unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, scope: Option<&[i64]>) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            role,
            campaign_scope: scope.map(Arc::from),
            session: true,
        }
    }

    #[test]
    fn roles_are_ordered_and_required_from_the_bottom() {
        assert!(Role::Agent < Role::Supervisor && Role::Supervisor < Role::Admin);
        let supervisor = principal(Role::Supervisor, None);
        assert!(supervisor.require(Role::Agent).is_ok());
        assert!(supervisor.require(Role::Supervisor).is_ok());
        let error = supervisor.require(Role::Admin).expect_err("not an admin");
        assert_eq!(error.code, "forbidden");
    }

    #[test]
    fn campaigns_are_seen_by_scope() {
        assert!(principal(Role::Admin, Some(&[1])).sees_campaign(2));
        assert!(principal(Role::Supervisor, None).sees_campaign(2));
        let scoped = principal(Role::Supervisor, Some(&[1, 3]));
        assert!(scoped.sees_campaign(3));
        assert!(!scoped.sees_campaign(2));
        assert!(!principal(Role::Agent, None).sees_campaign(1));
    }
}
