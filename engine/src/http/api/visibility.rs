//! Who may see a conversation: admins all; supervisors those of the campaigns in their scope;
//! an agent only the ones it holds, held, or is being transferred.

use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::ConversationRow;

/// Whether `principal` may see `row`.
pub fn may_see(principal: &Principal, row: &ConversationRow) -> bool {
    match principal.role {
        Role::Admin => true,
        Role::Supervisor => match row.campaign_id {
            Some(campaign) => principal.sees_campaign(campaign),
            None => principal.campaign_scope.is_none(),
        },
        Role::Agent => {
            row.agent_id == Some(principal.user_id)
                || row.transfer_to_agent_id == Some(principal.user_id)
        }
    }
}

/// The conversation if `principal` may see it; `404` otherwise, so an agent cannot even learn
/// that another agent's conversation exists.
pub async fn visible_conversation(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<ConversationRow, ApiError> {
    let row = state.messaging()?.store.conversation(id).await?;
    match row {
        Some(row) if may_see(principal, &row) => Ok(row),
        _ => Err(ApiError::new("not_found", format!("no conversation {id}"))),
    }
}
