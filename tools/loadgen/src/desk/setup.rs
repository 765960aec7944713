//! What a `desk` run creates through the admin API before it measures: one sandbox connector
//! with a business number per campaign, the agents (users with an API token each, no
//! password: no argon2 hash to wait for), and the campaigns, agent *i* a member of campaign
//! *i mod campaigns*.

use anyhow::Context;
use hyper::Method;
use serde_json::json;
use tokio::task::JoinSet;

use crate::api::{Api, id_field};

/// The business number of campaign `index` (Argentine mobile numbers, valid E.164).
pub fn business_number(index: usize) -> String {
    format!("+549115555{index:04}")
}

/// Customer `index`'s number: digits with a country code, as a provider would report them.
pub fn customer_number(index: u64) -> String {
    format!("+5491166{index:06}")
}

/// An agent of the run.
#[derive(Debug, Clone)]
pub struct Agent {
    /// The user id.
    pub id: i64,
    /// Its API token: the bearer of its socket.
    pub token: String,
}

/// What was created.
#[derive(Debug, Clone)]
pub struct Floor {
    pub connector: i64,
    pub numbers: Vec<String>,
    pub campaigns: Vec<i64>,
    pub agents: Vec<Agent>,
}

/// Creates the sandbox connector carrying `numbers`; returns its id.
pub async fn connector(api: &Api, name: &str, numbers: &[String]) -> anyhow::Result<i64> {
    let body = json!({
        "name": name,
        "plugin": "sandbox",
        "numbers": numbers,
        "config": {"outbox_url": format!("{}/sandbox/outbox", api.url())},
    });
    let answer = api
        .connection()
        .json(Method::POST, "/api/v1/connectors", Some(&body))
        .await?;
    id_field(&answer, "id")
}

/// Creates `count` agents, `parallel` calls at a time; agent `i` is `lg-<run>-<i>`.
pub async fn agents(
    api: &Api,
    run: &str,
    count: usize,
    max_concurrent: u32,
    parallel: usize,
) -> anyhow::Result<Vec<Agent>> {
    let parallel = parallel.clamp(1, count.max(1));
    let mut tasks = JoinSet::new();
    for lane in 0..parallel {
        let api = api.clone();
        let run = run.to_owned();
        tasks.spawn(async move {
            let mut connection = api.connection();
            let mut made = Vec::new();
            for index in (lane..count).step_by(parallel) {
                let username = format!("lg-{run}-{index}");
                let user = connection
                    .json(
                        Method::POST,
                        "/api/v1/users",
                        Some(&json!({"username": username, "role": "agent",
                                     "max_concurrent": max_concurrent})),
                    )
                    .await?;
                let id = id_field(&user, "id")?;
                let token = connection
                    .json(
                        Method::POST,
                        "/api/v1/tokens",
                        Some(&json!({"name": format!("{username}-token"), "user_id": id})),
                    )
                    .await?;
                // The secret is `secret`; `token` in case a version names it so.
                let secret = token["secret"]
                    .as_str()
                    .or(token["token"].as_str())
                    .with_context(|| format!("no token secret in {token}"))?;
                made.push((
                    index,
                    Agent {
                        id,
                        token: secret.to_owned(),
                    },
                ));
            }
            Ok::<_, anyhow::Error>(made)
        });
    }
    let mut all = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        all.extend(done.context("an agent-creating task panicked")??);
    }
    all.sort_unstable_by_key(|(index, _)| *index);
    Ok(all.into_iter().map(|(_, agent)| agent).collect())
}

/// Creates campaign `index` answering on `number`, with `members` and `max_per_agent`, routed
/// by least-busy; returns its id.
pub async fn campaign(
    api: &Api,
    name: &str,
    number: &str,
    members: &[i64],
    max_per_agent: u32,
) -> anyhow::Result<i64> {
    let members: Vec<_> = members.iter().map(|id| json!({"user_id": id})).collect();
    let body = json!({
        "name": name,
        "numbers": [number],
        "members": members,
        "settings": {"max_per_agent": max_per_agent, "strategy": {"plugin": "least-busy"}},
    });
    let answer = api
        .connection()
        .json(Method::POST, "/api/v1/campaigns", Some(&body))
        .await?;
    id_field(&answer, "id")
}

/// The whole floor: connector, agents, campaigns.
pub async fn floor(
    api: &Api,
    run: &str,
    agents_count: usize,
    campaigns_count: usize,
    max_per_agent: u32,
    parallel: usize,
) -> anyhow::Result<Floor> {
    let numbers: Vec<String> = (0..campaigns_count).map(business_number).collect();
    let connector = connector(api, &format!("desk-{run}"), &numbers).await?;
    let agents = agents(api, run, agents_count, max_per_agent, parallel).await?;
    let mut campaigns = Vec::with_capacity(campaigns_count);
    for (index, number) in numbers.iter().enumerate() {
        let members: Vec<i64> = agents
            .iter()
            .skip(index)
            .step_by(campaigns_count)
            .map(|a| a.id)
            .collect();
        let name = format!("desk-{run}-{index}");
        campaigns.push(campaign(api, &name, number, &members, max_per_agent).await?);
    }
    Ok(Floor {
        connector,
        numbers,
        campaigns,
        agents,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_distinct_and_international() {
        assert_eq!(business_number(7), "+5491155550007");
        assert_eq!(customer_number(99_999), "+5491166099999");
        assert_ne!(customer_number(1), customer_number(10));
    }
}
