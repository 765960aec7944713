//! Live events to browsers: one bounded queue per WebSocket, filled by the router task.
//!
//! Each event goes only to who may see it (DESIGN §8): the agents concerned, the supervisors
//! of its campaign, and spies of its conversation. A connection that cannot keep up is cut
//! (its queue is full): the client reconnects, fetches a snapshot and goes on, so a slow
//! browser never slows the router. Frames carry a per-connection `seq`, so a client sees a gap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::mpsc;

use super::effects::{Audience, Event};

/// Frames a connection may have waiting before it is cut.
const QUEUE_FRAMES: usize = 1024;

/// Who is on the other end of a connection.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user_id: i64,
    /// Sees campaign-wide events (supervisors, admins).
    pub supervises: bool,
    /// The campaigns a supervisor is limited to (`None`: all).
    pub scope: Option<Arc<[i64]>>,
}

struct Connection {
    viewer: Viewer,
    tx: mpsc::Sender<String>,
    seq: u64,
    /// Campaigns whose queue figures this connection gets (an agent's memberships; all for
    /// supervisors in scope).
    campaigns: Option<Arc<[i64]>>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    connections: HashMap<u64, Connection>,
    by_user: HashMap<i64, Vec<u64>>,
    supervisors: Vec<u64>,
    spies: HashMap<i64, Vec<u64>>,
}

/// The fan-out of live events.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

/// A registered connection: frames arrive on `frames`; dropping it unregisters.
pub struct Subscription {
    pub id: u64,
    pub frames: mpsc::Receiver<String>,
    hub: Arc<Hub>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.remove(self.id);
    }
}

impl Hub {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain maps behind: still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a connection. `campaigns`: the agent's campaigns, for queue figures.
    pub fn subscribe(
        self: &Arc<Self>,
        viewer: Viewer,
        campaigns: Option<Arc<[i64]>>,
    ) -> Subscription {
        let (tx, frames) = mpsc::channel(QUEUE_FRAMES);
        let mut inner = self.lock();
        inner.next_id += 1;
        let id = inner.next_id;
        inner.by_user.entry(viewer.user_id).or_default().push(id);
        if viewer.supervises {
            inner.supervisors.push(id);
        }
        inner.connections.insert(
            id,
            Connection {
                viewer,
                tx,
                seq: 0,
                campaigns,
            },
        );
        drop(inner);
        Subscription {
            id,
            frames,
            hub: self.clone(),
        }
    }

    fn remove(&self, id: u64) {
        let mut inner = self.lock();
        let Some(connection) = inner.connections.remove(&id) else {
            return;
        };
        if let Some(ids) = inner.by_user.get_mut(&connection.viewer.user_id) {
            ids.retain(|&c| c != id);
            if ids.is_empty() {
                inner.by_user.remove(&connection.viewer.user_id);
            }
        }
        inner.supervisors.retain(|&c| c != id);
        for spies in inner.spies.values_mut() {
            spies.retain(|&c| c != id);
        }
        inner.spies.retain(|_, v| !v.is_empty());
    }

    /// Adds connection `id` as a spy of conversation `conversation`.
    pub fn spy(&self, id: u64, conversation: i64) {
        let mut inner = self.lock();
        if inner.connections.contains_key(&id) {
            let spies = inner.spies.entry(conversation).or_default();
            if !spies.contains(&id) {
                spies.push(id);
            }
        }
    }

    /// Stops spying.
    pub fn unspy(&self, id: u64, conversation: i64) {
        let mut inner = self.lock();
        if let Some(spies) = inner.spies.get_mut(&conversation) {
            spies.retain(|&c| c != id);
        }
    }

    /// The connections of a user (to find a spy's connection, or count an agent's sockets).
    pub fn connections_of(&self, user: i64) -> Vec<u64> {
        self.lock().by_user.get(&user).cloned().unwrap_or_default()
    }

    /// Delivers `event` to its audience.
    pub fn publish(&self, event: &Event) {
        let body = body(event.kind, &event.data);

        let mut inner = self.lock();
        let targets = targets(&inner, &event.audience);
        for id in targets {
            send(&mut inner, id, &body);
        }
    }

    /// Sends a frame to every connection of one user.
    pub fn to_user(&self, user: i64, kind: &str, data: &serde_json::Value) {
        let body = body(kind, data);
        let mut inner = self.lock();
        for id in inner.by_user.get(&user).cloned().unwrap_or_default() {
            send(&mut inner, id, &body);
        }
    }

    /// Sends a campaign's queue figures to its agents and the supervisors who see it.
    pub fn campaign_figures(&self, campaign: i64, data: &serde_json::Value) {
        let body = body("queue.updated", data);
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .connections
            .iter()
            .filter(|(_, c)| {
                let member = c
                    .campaigns
                    .as_ref()
                    .is_some_and(|list| list.contains(&campaign));
                member || (c.viewer.supervises && in_scope(&c.viewer, campaign))
            })
            .map(|(&id, _)| id)
            .collect();
        for id in ids {
            send(&mut inner, id, &body);
        }
    }

    /// Sends a frame to the supervisors who see `campaign` (with none, those who see every
    /// campaign): dialer progress.
    pub fn to_supervisors(&self, kind: &str, data: &serde_json::Value, campaign: Option<i64>) {
        let body = body(kind, data);
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .supervisors
            .iter()
            .copied()
            .filter(|id| {
                inner.connections.get(id).is_some_and(|c| match campaign {
                    Some(campaign) => in_scope(&c.viewer, campaign),
                    None => c.viewer.scope.is_none(),
                })
            })
            .collect();
        for id in ids {
            send(&mut inner, id, &body);
        }
    }

    /// Sends an agent's event (`agent.state`) to the supervisors who see any of its
    /// `campaigns`, for the live board; the agent's own connections got it already.
    pub fn agent_to_supervisors(
        &self,
        agent: i64,
        kind: &str,
        data: &dyn std::fmt::Display,
        campaigns: &[i64],
    ) {
        let body = body(kind, data);
        let mut inner = self.lock();
        let ids: Vec<u64> = inner
            .supervisors
            .iter()
            .copied()
            .filter(|id| {
                inner.connections.get(id).is_some_and(|c| {
                    c.viewer.user_id != agent
                        && (c.viewer.scope.is_none()
                            || campaigns.iter().any(|&k| in_scope(&c.viewer, k)))
                })
            })
            .collect();
        for id in ids {
            send(&mut inner, id, &body);
        }
    }

    /// Cuts every connection of a user (logged out).
    pub fn disconnect_user(&self, user: i64) {
        let mut inner = self.lock();
        for id in inner.by_user.get(&user).cloned().unwrap_or_default() {
            if let Some(connection) = inner.connections.get_mut(&id) {
                // A closed sender ends the socket's loop.
                let (tx, _) = mpsc::channel(1);
                connection.tx = tx;
            }
        }
    }

    /// Open connections.
    pub fn len(&self) -> usize {
        self.lock().connections.len()
    }

    /// No connection open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn in_scope(viewer: &Viewer, campaign: i64) -> bool {
    viewer
        .scope
        .as_ref()
        .is_none_or(|scope| scope.contains(&campaign))
}

fn body(kind: &str, data: &dyn std::fmt::Display) -> String {
    format!(
        "\"type\":{},\"data\":{}",
        serde_json::Value::from(kind),
        data
    )
}

fn targets(inner: &Inner, audience: &Audience) -> Vec<u64> {
    let mut ids = Vec::new();
    for agent in [audience.agent, audience.other_agent].into_iter().flatten() {
        if let Some(list) = inner.by_user.get(&agent) {
            ids.extend(list);
        }
    }
    if let Some(campaign) = audience.campaign {
        for id in &inner.supervisors {
            if inner
                .connections
                .get(id)
                .is_some_and(|c| in_scope(&c.viewer, campaign))
            {
                ids.push(*id);
            }
        }
    }
    if let Some(conversation) = audience.conversation
        && let Some(list) = inner.spies.get(&conversation)
    {
        ids.extend(list);
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn send(inner: &mut Inner, id: u64, body: &str) {
    let Some(connection) = inner.connections.get_mut(&id) else {
        return;
    };
    connection.seq += 1;
    let frame = format!("{{\"seq\":{},{body}}}", connection.seq);
    if connection.tx.try_send(frame).is_err() {
        // Full or gone: cut it; the client re-syncs from a snapshot.
        let (tx, _) = mpsc::channel(1);
        connection.tx = tx;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(audience: Audience) -> Event {
        Event {
            kind: "conversation.assigned",
            at_ms: 0,
            conversation: Some(7),
            message: None,
            data: crate::routing::effects::EventData::Json(json!({"id": 7})),
            audience,
            transient: false,
        }
    }

    fn agent(hub: &Arc<Hub>, id: i64) -> Subscription {
        hub.subscribe(
            Viewer {
                user_id: id,
                supervises: false,
                scope: None,
            },
            Some(Arc::from(vec![1])),
        )
    }

    #[test]
    fn events_reach_only_their_audience() {
        let hub = Arc::new(Hub::default());
        let mut a = agent(&hub, 1);
        let mut b = agent(&hub, 2);
        let mut boss = hub.subscribe(
            Viewer {
                user_id: 9,
                supervises: true,
                scope: Some(Arc::from(vec![1])),
            },
            None,
        );
        let mut other_boss = hub.subscribe(
            Viewer {
                user_id: 10,
                supervises: true,
                scope: Some(Arc::from(vec![2])),
            },
            None,
        );
        hub.publish(&event(Audience {
            agent: Some(1),
            campaign: Some(1),
            ..Audience::default()
        }));
        let frame = a.frames.try_recv().expect("agent 1 gets it");
        assert!(
            frame.starts_with("{\"seq\":1,\"type\":\"conversation.assigned\""),
            "{frame}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&frame).expect("json");
        assert_eq!(parsed["data"]["id"], 7);
        assert!(b.frames.try_recv().is_err(), "agent 2 does not");
        assert!(
            boss.frames.try_recv().is_ok(),
            "the campaign's supervisor does"
        );
        assert!(
            other_boss.frames.try_recv().is_err(),
            "another campaign's supervisor does not"
        );
    }

    #[test]
    fn agent_states_reach_the_supervisors_of_its_campaigns() {
        let hub = Arc::new(Hub::default());
        let boss = |user_id, scope: Option<Vec<i64>>| {
            hub.subscribe(
                Viewer {
                    user_id,
                    supervises: true,
                    scope: scope.map(Arc::from),
                },
                None,
            )
        };
        let mut everything = boss(9, None);
        let mut second = boss(10, Some(vec![2, 3]));
        let mut other = boss(11, Some(vec![4]));
        let mut peer = agent(&hub, 2);
        hub.agent_to_supervisors(1, "agent.state", &json!({"id": 1}), &[1, 3]);
        assert!(
            everything.frames.try_recv().is_ok(),
            "an unscoped supervisor"
        );
        assert!(second.frames.try_recv().is_ok(), "one who sees campaign 3");
        assert!(
            other.frames.try_recv().is_err(),
            "not one of campaign 4 only"
        );
        assert!(peer.frames.try_recv().is_err(), "not another agent");
    }

    #[test]
    fn spies_follow_a_conversation_and_unsubscribe_on_drop() {
        let hub = Arc::new(Hub::default());
        let mut spy = hub.subscribe(
            Viewer {
                user_id: 9,
                supervises: false,
                scope: None,
            },
            None,
        );
        hub.spy(spy.id, 7);
        hub.publish(&event(Audience {
            conversation: Some(7),
            ..Audience::default()
        }));
        assert!(spy.frames.try_recv().is_ok());
        drop(spy);
        assert!(hub.is_empty());
    }

    #[test]
    fn a_slow_connection_is_cut_not_waited_for() {
        let hub = Arc::new(Hub::default());
        let mut slow = agent(&hub, 1);
        for _ in 0..QUEUE_FRAMES + 10 {
            hub.to_user(1, "x", &json!({}));
        }
        let mut received = 0;
        while slow.frames.try_recv().is_ok() {
            received += 1;
        }
        assert_eq!(received, QUEUE_FRAMES);
        // The sender was replaced by a closed one: the socket loop ends.
        assert!(matches!(
            slow.frames.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }
}
