//! Agents' presence: connecting and dropping off (with a grace period), breaks, a
//! supervisor's pause and log-out.

use super::core::RouterCore;
use super::live::Presence;

/// Why an agent action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoutingError {
    /// No such agent, conversation, campaign or break.
    #[error("{0}")]
    NotFound(String),
    /// Not allowed in the current state (not yours, already assigned, full…).
    #[error("{0}")]
    Conflict(String),
}

impl RouterCore {
    /// A WebSocket of the agent opened.
    pub fn connect(&mut self, agent: i64, now: i64) {
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        a.connections += 1;
        a.grace_until = None;
        if a.presence == Presence::Disconnected {
            a.presence = Presence::Available;
            a.since_ms = now;
            self.agent_event(agent, now);
        }
        self.route_agent(agent);
    }

    /// A WebSocket of the agent closed; the last one starts the grace period.
    pub fn disconnect(&mut self, agent: i64, now: i64) {
        let grace = self.settings.grace_ms;
        let Some(a) = self.agents.get_mut(&agent) else {
            return;
        };
        a.connections = a.connections.saturating_sub(1);
        if a.connections == 0 && a.presence != Presence::Disconnected {
            a.grace_until = Some(now + grace);
            self.arm_grace(agent, now + grace);
        }
    }

    /// The agent chooses available or a named break.
    pub fn set_presence(
        &mut self,
        agent: i64,
        presence: Presence,
        now: i64,
    ) -> Result<(), RoutingError> {
        let a = self
            .agents
            .get_mut(&agent)
            .ok_or_else(|| RoutingError::NotFound(format!("agent {agent}")))?;
        if presence == Presence::Disconnected {
            return Err(RoutingError::Conflict("log out to disconnect".into()));
        }
        if a.presence != presence {
            a.presence = presence;
            a.since_ms = now;
            self.agent_event(agent, now);
            self.route_agent(agent);
        }
        Ok(())
    }

    /// A supervisor pauses (no new conversations) or resumes an agent.
    pub fn set_paused(&mut self, agent: i64, paused: bool, now: i64) -> Result<(), RoutingError> {
        let a = self
            .agents
            .get_mut(&agent)
            .ok_or_else(|| RoutingError::NotFound(format!("agent {agent}")))?;
        if a.paused != paused {
            a.paused = paused;
            a.since_ms = now;
            self.agent_event(agent, now);
            self.route_agent(agent);
        }
        Ok(())
    }

    /// Logs an agent out at once: disconnected without a grace period, the offline policy
    /// applied, and the caller ends the agent's sessions.
    pub fn log_out(&mut self, agent: i64, now: i64) -> Result<(), RoutingError> {
        let a = self
            .agents
            .get_mut(&agent)
            .ok_or_else(|| RoutingError::NotFound(format!("agent {agent}")))?;
        a.grace_until = None;
        self.go_offline(agent, now);
        self.fx.logouts.push(agent);
        Ok(())
    }

    /// The agent's campaigns may route now.
    pub(super) fn route_agent(&mut self, agent: i64) {
        if let Some(a) = self.agents.get(&agent) {
            self.fx.route.extend(a.campaigns.iter().copied());
            self.fx.agents.insert(agent);
        }
    }
}
