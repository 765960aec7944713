//! What `serve --demo` adds to an empty engine: a sandbox connector with one WhatsApp number,
//! so messages flow at once through the sandbox API (and the customer simulator); two agents
//! and a supervisor; and a `Support` campaign on that number whose menu bot greets the
//! customer and offers `Sales` or `Support`, with the survey at the end. Their credentials are
//! printed at every demo start: the demo's data lives apart from a real deployment's and
//! listens on loopback.

use std::net::SocketAddr;

use serde_json::json;

use crate::clock;
use crate::http::auth::password::Passwords;
use crate::providers::Messaging;
use crate::providers::connectors::ConnectorInput;
use crate::routing::campaign::{CampaignSettings, PluginBinding, PresetReply};
use crate::store::{MemberRow, NewCampaign, NewUser, Role};

/// The demo's people: (username, display name, role, password).
pub const PEOPLE: [(&str, &str, Role, &str); 3] = [
    ("ana", "Ana Agent", Role::Agent, "ana-demo-pass"),
    ("bruno", "Bruno Agent", Role::Agent, "bruno-demo-pass"),
    (
        "sofia",
        "Sofía Supervisor",
        Role::Supervisor,
        "sofia-demo-pass",
    ),
];

/// The demo admin's password, given to the `admin` user while it has none, so the admin
/// console can be tried at once (the admin token still works).
pub const ADMIN_PASSWORD: &str = "admin-demo-pass";

/// The demo's named breaks, as agents pick them on the desk.
const BREAKS: [&str; 3] = ["Lunch", "Coffee", "Training"];

/// Name of the demo's connector.
pub const CONNECTOR: &str = "demo-sandbox";
/// The demo business number.
pub const NUMBER: &str = "+5491155550100";

/// Creates the demo connector unless it exists. Failures are logged: the demo still starts.
pub async fn seed(messaging: &Messaging, address: SocketAddr) {
    if messaging
        .connectors
        .all()
        .iter()
        .any(|c| c.name == CONNECTOR)
    {
        return;
    }
    let input = ConnectorInput {
        name: CONNECTOR.into(),
        plugin: "sandbox".into(),
        config: json!({ "outbox_url": format!("http://{address}/sandbox/outbox") }),
        numbers: vec![NUMBER.into()],
        allow_ips: Vec::new(),
        enabled: true,
    };
    match messaging.connectors.create(input).await {
        Ok(view) => tracing::info!(
            connector = view.id,
            number = NUMBER,
            "demo sandbox connector created"
        ),
        Err(error) => tracing::warn!(%error, "could not create the demo sandbox connector"),
    }
}

/// Creates the demo's users and campaigns unless they exist, then prints the credentials.
/// Failures are logged: the demo still starts.
pub async fn seed_routing(messaging: &Messaging, passwords: &Passwords) {
    if let Err(error) = people_and_campaigns(messaging, passwords).await {
        tracing::warn!(%error, "could not seed the demo's users and campaigns");
        return;
    }
    let mut lines =
        vec!["demo sign-in (the web client at /, or POST /api/v1/auth/login):".to_owned()];
    for (username, _, role, password) in PEOPLE {
        lines.push(format!(
            "  {:<10} {username:<6} password {password}",
            role.as_str()
        ));
    }
    if admin_has(messaging, ADMIN_PASSWORD, passwords).await {
        lines.push(format!("  admin      admin  password {ADMIN_PASSWORD}"));
    }
    lines.push(format!(
        "  customers write to {NUMBER} through POST /api/v1/sandbox/<connector>/inbound"
    ));
    match demo_dialer(messaging).await {
        Ok(id) => lines.push(format!(
            "  dialer {id} `{DIALER}` holds a 5-row list: POST /api/v1/dialers/{id}/start (or `switchboard dialer start {id}`)"
        )),
        Err(error) => tracing::warn!(%error, "could not seed the demo dialer"),
    }
    println!("{}", lines.join("\n"));
}

/// The demo dialer's name.
const DIALER: &str = "Demo reminders";

/// A stopped dialer on the demo number, replies to Sales, one message a second, with a short
/// list to start; returns its id.
async fn demo_dialer(
    messaging: &Messaging,
) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    let store = &messaging.store;
    if let Some(existing) = store
        .dialers()
        .await?
        .into_iter()
        .find(|d| d.name == DIALER)
    {
        return Ok(existing.id);
    }
    let (connector, _) = messaging
        .connectors
        .by_number(NUMBER)
        .ok_or("the demo connector is missing")?;
    let sales = store
        .campaigns()
        .await?
        .into_iter()
        .find(|c| c.name == "Sales")
        .map(|c| c.id);
    let settings = json!({
        "connectors": [connector.id],
        "campaign_id": sales,
        "interval_ms": 1000,
        "reply_window_secs": 86_400,
    });
    let now = clock::now_ms();
    // The demo number is WhatsApp: outside the 24 h window only an approved template goes.
    store
        .upsert_template(crate::store::NewTemplate {
            connector_id: connector.id,
            code: "turno".into(),
            language: "es_AR".into(),
            body: "Hola {{1}}, tu turno es mañana a las {{2}}. Respondé para hablar con ventas."
                .into(),
            provider_name: "turno_recordatorio".into(),
            namespace: None,
            params: 2,
            status: "approved".into(),
            at_ms: now,
        })
        .await?;
    let dialer = store
        .create_dialer(DIALER, &settings.to_string(), now)
        .await?;
    let records = ["Ana", "Bruno", "Carla", "Diego", "Eva"]
        .iter()
        .enumerate()
        .map(|(i, name)| crate::store::NewRecord {
            line: Some(i64::try_from(i).unwrap_or(0) + 1),
            name: Some((*name).to_owned()),
            destination: format!("+54911555501{:02}", 10 + i),
            message: Some(format!("hsm:turno:{name}:10\\:00")),
            ..crate::store::NewRecord::default()
        })
        .collect();
    store.spool_records(dialer.id, None, records, now).await?;
    Ok(dialer.id)
}

/// Whether the `admin` user signs in with `password`: set it if the user has none.
async fn admin_has(messaging: &Messaging, password: &str, passwords: &Passwords) -> bool {
    let store = &messaging.store;
    let Ok(Some(admin)) = store.user_by_name("admin").await else {
        return false;
    };
    if admin.password_hash.is_some() {
        return passwords
            .verify(password, admin.password_hash.as_deref())
            .await;
    }
    let hashed = match passwords.hash(password).await {
        Ok(hash) => hash,
        Err(error) => {
            tracing::warn!(%error, "could not hash the demo admin's password");
            return false;
        }
    };
    store
        .set_password_hash(admin.id, &hashed, clock::now_ms())
        .await
        .inspect_err(|error| tracing::warn!(%error, "could not set the demo admin's password"))
        .is_ok()
}

async fn people_and_campaigns(
    messaging: &Messaging,
    passwords: &Passwords,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let store = &messaging.store;
    let now = clock::now_ms();
    let mut agents = Vec::new();
    for (username, display_name, role, password) in PEOPLE {
        let user = match store.user_by_name(username).await? {
            Some(user) => user,
            None => {
                store
                    .create_user(NewUser {
                        username: username.into(),
                        display_name: display_name.into(),
                        role,
                        password_hash: Some(passwords.hash(password).await?),
                        max_concurrent: 4,
                        campaign_scope: None,
                        at_ms: now,
                    })
                    .await?
            }
        };
        if role == Role::Agent {
            agents.push(user.id);
        }
    }
    if store.breaks().await?.is_empty() {
        for name in BREAKS {
            store.add_break(name, now).await?;
        }
    }
    let existing = store.campaigns().await?;
    let members: Vec<MemberRow> = agents
        .iter()
        .map(|&user_id| MemberRow {
            user_id,
            penalty: 0,
            skills: Vec::new(),
        })
        .collect();
    if !existing.iter().any(|c| c.name == "Sales") {
        let sales = CampaignSettings {
            description: "Where the menu's option 1 goes.".into(),
            ..CampaignSettings::default()
        };
        store
            .create_campaign(NewCampaign {
                name: "Sales".into(),
                enabled: true,
                incoming_blacklist: true,
                outgoing_blacklist: true,
                settings: serde_json::to_string(&sales)?,
                numbers: Vec::new(),
                members: members.clone(),
                at_ms: now,
            })
            .await?;
    }
    if !existing.iter().any(|c| c.name == "Support") {
        let support = CampaignSettings {
            description: "The demo number's campaign: menu bot, then an agent, then a survey."
                .into(),
            bot_on_start: Some(PluginBinding {
                plugin: "menu".into(),
                config: json!({
                    "greeting": "Hi! Thanks for writing to Switchboard's demo.",
                    "options": [
                        {"key": "1", "label": "Sales", "campaign": "Sales"},
                        {"key": "2", "label": "Support"},
                    ],
                }),
            }),
            bot_on_end: Some(PluginBinding {
                plugin: "survey".into(),
                config: json!({}),
            }),
            preset_replies: vec![PresetReply {
                code: "hello".into(),
                title: "Greeting".into(),
                text: "Hello! How can I help you today?".into(),
            }],
            ..CampaignSettings::default()
        };
        store
            .create_campaign(NewCampaign {
                name: "Support".into(),
                enabled: true,
                incoming_blacklist: true,
                outgoing_blacklist: true,
                settings: serde_json::to_string(&support)?,
                numbers: vec![NUMBER.into()],
                members,
                at_ms: now,
            })
            .await?;
    }
    Ok(())
}
