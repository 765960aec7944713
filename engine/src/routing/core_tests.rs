//! The router's rules, step by step with a hand-set clock and the native strategies.

use super::actions::TransferTarget;
use super::bot_steps::BotStep;
use super::campaign::{CampaignSettings, PluginBinding};
use super::core::{RouterCore, RouterSettings};
use super::effects::{BotStage, Trigger};
use super::lifecycle::Inbound;
use super::live::state;
use super::{fallback, validate};
use crate::conversations::Content;
use crate::store::{CampaignRow, LiveConversationRow, MemberRow, RoutingUser};

const T0: i64 = 1_800_000_000_000;
const CAMPAIGN: i64 = 1;
const NUMBER: i64 = 10;

fn user(id: i64, max: i64) -> RoutingUser {
    RoutingUser {
        id,
        username: format!("agent{id}"),
        display_name: format!("Agent {id}"),
        role: "agent".into(),
        max_concurrent: max,
        disabled: false,
    }
}

fn campaign(id: i64, name: &str, settings: &CampaignSettings, members: &[i64]) -> CampaignRow {
    CampaignRow {
        id,
        name: name.into(),
        enabled: true,
        incoming_blacklist: true,
        outgoing_blacklist: true,
        settings: serde_json::to_string(settings).expect("settings"),
        numbers: Vec::new(),
        members: members
            .iter()
            .map(|&user_id| MemberRow {
                user_id,
                penalty: 0,
                skills: Vec::new(),
            })
            .collect(),
        created_ms: T0,
        updated_ms: T0,
    }
}

/// A router with agents `agents` (global max `max`) in campaign 1 with `settings`.
fn router(settings: CampaignSettings, agents: &[i64], max: i64) -> RouterCore {
    router_with(
        vec![campaign(CAMPAIGN, "support", &settings, agents)],
        agents,
        max,
    )
}

fn router_with(campaigns: Vec<CampaignRow>, agents: &[i64], max: i64) -> RouterCore {
    let mut core = RouterCore::new(RouterSettings::default());
    core.rebuild(
        agents.iter().map(|&id| user(id, max)).collect(),
        Vec::new(),
        campaigns,
        vec![(NUMBER, Some(CAMPAIGN))],
        Vec::new(),
        T0,
    );
    core
}

fn arrive(core: &mut RouterCore, id: i64, now: i64) {
    core.adopt(LiveConversationRow {
        id,
        number_id: NUMBER,
        contact_id: id,
        state: state::NEW.into(),
        open: true,
        created_ms: now,
        ..LiveConversationRow::default()
    });
    core.inbound(
        Inbound {
            conversation: id,
            message: id * 100,
            content: Content::Text { text: "hi".into() },
            at_ms: now,
            has_window: false,
        },
        now,
    );
}

/// Runs the passes the core asks for, with the native least-busy strategy, as the task does.
fn route(core: &mut RouterCore, now: i64) {
    for _ in 0..4 {
        let campaigns = core.fx_route();
        for campaign in campaigns {
            if let Some(input) = core.route_input(campaign, now, 7) {
                let (_, assignments) = fallback::route("least-busy", "", &input);
                validate(&input, &assignments).expect("valid");
                core.apply(campaign, &assignments, now);
            }
        }
    }
    core.check_invariants().expect("loads match");
}

fn turn(core: &mut RouterCore, now: i64) {
    core.fire_due(now);
    route(core, now);
    core.take(now);
}

fn st(core: &RouterCore, id: i64) -> String {
    core.conversations
        .get(&id)
        .map_or("gone".into(), |c| c.row.state.clone())
}

fn online(core: &mut RouterCore, agents: &[i64]) {
    for &a in agents {
        core.connect(a, T0);
    }
}

#[test]
fn capacity_holds_with_fifty_simultaneous_arrivals() {
    let settings = CampaignSettings {
        max_per_agent: 3,
        ..CampaignSettings::default()
    };
    let agents: Vec<i64> = (1..=10).collect();
    let mut core = router(settings, &agents, 2);
    online(&mut core, &agents);
    for id in 1..=50 {
        arrive(&mut core, 1000 + id, T0);
    }
    turn(&mut core, T0);
    let assigned = core
        .conversations
        .values()
        .filter(|c| c.row.state == state::ASSIGNED)
        .count();
    // 10 agents × min(global 2, campaign 3).
    assert_eq!(assigned, 20);
    for a in core.agents.values() {
        assert!(a.load <= 2, "agent {} holds {}", a.id, a.load);
    }
    assert_eq!(core.campaigns[&CAMPAIGN].queue.len(), 30);
}

#[test]
fn max_per_agent_limits_each_campaign() {
    let settings = CampaignSettings {
        max_per_agent: 1,
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    arrive(&mut core, 2, T0);
    turn(&mut core, T0);
    assert_eq!(st(&core, 1), state::ASSIGNED);
    assert_eq!(st(&core, 2), state::QUEUED);
}

#[test]
fn a_full_queue_rejects_with_the_message() {
    let settings = CampaignSettings {
        max_waiting: Some(1),
        queue_full_message: "full".into(),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    arrive(&mut core, 1, T0);
    arrive(&mut core, 2, T0);
    assert_eq!(st(&core, 1), state::QUEUED);
    assert_eq!(st(&core, 2), state::REJECTED);
    let (fx, write) = core.take(T0);
    assert!(fx.sends.iter().any(|s| s.conversation == 2
        && s.content
            == Content::Text {
                text: "full".into()
            }));
    assert!(write.conversations.iter().any(|c| c.id == 2 && !c.open));
    assert!(
        !core.holds(2),
        "ended conversations leave memory once saved"
    );
}

#[test]
fn abandonment_ends_a_silent_waiting_customer() {
    let settings = CampaignSettings {
        abandonment_secs: Some(60),
        service_level_secs: 20,
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0 + 59_000);
    assert_eq!(st(&core, 1), state::QUEUED);
    // A new message moves the deadline.
    core.inbound(
        Inbound {
            conversation: 1,
            message: 2,
            content: Content::Text {
                text: "still there?".into(),
            },
            at_ms: T0 + 59_000,
            has_window: false,
        },
        T0 + 59_000,
    );
    core.fire_due(T0 + 61_000);
    assert_eq!(st(&core, 1), state::QUEUED);
    core.fire_due(T0 + 119_000);
    assert_eq!(st(&core, 1), state::ABANDONED);
    let k = &core.campaigns[&CAMPAIGN];
    assert_eq!((k.abandoned, k.abandoned_late), (1, 1));
}

#[test]
fn max_queue_time_runs_the_after_wait_bot() {
    let settings = CampaignSettings {
        max_queue_secs: Some(30),
        bot_after_wait: Some(PluginBinding {
            plugin: "after-wait".into(),
            config: serde_json::json!({}),
        }),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    arrive(&mut core, 1, T0);
    core.take(T0);
    core.fire_due(T0 + 29_000);
    assert!(core.take(T0).0.bots.is_empty());
    core.fire_due(T0 + 30_000);
    let (fx, _) = core.take(T0 + 30_000);
    assert_eq!(fx.bots.len(), 1);
    assert_eq!(fx.bots[0].stage, BotStage::AfterWait);
    assert_eq!(fx.bots[0].trigger, Trigger::Waited);
    assert_eq!(
        st(&core, 1),
        state::QUEUED,
        "it keeps its place while the bot talks"
    );
    // "Contact me later": the bot closes it.
    core.bot_done(
        1,
        BotStage::AfterWait,
        Ok(vec![BotStep::Close(Some("callback".into()))]),
        T0 + 31_000,
    );
    assert_eq!(st(&core, 1), state::CLOSED);
}

#[test]
fn max_queue_time_overflows_without_a_bot() {
    let settings = CampaignSettings {
        max_queue_secs: Some(30),
        overflow_campaign: Some("overflow".into()),
        ..CampaignSettings::default()
    };
    let other = CampaignSettings::default();
    let mut core = router_with(
        vec![
            campaign(CAMPAIGN, "support", &settings, &[1]),
            campaign(2, "overflow", &other, &[2]),
        ],
        &[1, 2],
        5,
    );
    online(&mut core, &[2]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0 + 30_000);
    let c = &core.conversations[&1];
    assert_eq!(
        (c.row.state.as_str(), c.row.campaign_id, c.row.agent_id),
        (state::ASSIGNED, Some(2), Some(2))
    );
}

#[test]
fn chat_time_limit_closes_through_the_end_bot() {
    let settings = CampaignSettings {
        chat_time_limit_secs: Some(600),
        bot_on_end: Some(PluginBinding {
            plugin: "survey".into(),
            config: serde_json::json!({}),
        }),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    assert_eq!(st(&core, 1), state::ASSIGNED);
    turn(&mut core, T0 + 599_000);
    assert_eq!(st(&core, 1), state::ASSIGNED);
    core.fire_due(T0 + 600_000);
    assert_eq!(st(&core, 1), state::CLOSING);
    assert_eq!(
        core.agents[&1].load, 0,
        "the agent is free while the survey runs"
    );
    core.bot_done(
        1,
        BotStage::End,
        Ok(vec![
            BotStep::SetVariable("csat".into(), "4".into()),
            BotStep::Close(None),
        ]),
        T0 + 601_000,
    );
    let c = &core.conversations[&1];
    assert_eq!((c.row.state.as_str(), c.row.csat), (state::CLOSED, Some(4)));
    assert_eq!(c.row.end_reason.as_deref(), Some("time_limit"));
}

#[test]
fn an_untaken_transfer_returns_to_the_original_agent() {
    let settings = CampaignSettings {
        max_transfer_secs: 60,
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1, 2], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    assert_eq!(core.conversations[&1].row.agent_id, Some(1));
    core.connect(2, T0);
    core.transfer(1, 1, TransferTarget::Agent(2), T0)
        .expect("transfer");
    assert_eq!(st(&core, 1), state::TRANSFERRING);
    core.check_invariants().expect("both hold it");
    turn(&mut core, T0 + 59_000);
    assert_eq!(st(&core, 1), state::TRANSFERRING);
    turn(&mut core, T0 + 60_000);
    let c = &core.conversations[&1];
    assert_eq!(
        (c.row.state.as_str(), c.row.agent_id),
        (state::ASSIGNED, Some(1))
    );
    assert_eq!(core.agents[&2].load, 0);
}

#[test]
fn a_transfer_to_a_campaign_is_taken_by_someone_else_or_returns() {
    let mut core = router(CampaignSettings::default(), &[1, 2], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    core.transfer(1, 1, TransferTarget::Campaign(CAMPAIGN), T0)
        .expect("transfer");
    turn(&mut core, T0 + 1000);
    assert_eq!(
        st(&core, 1),
        state::TRANSFERRING,
        "the agent who transferred is excluded"
    );
    core.connect(2, T0 + 2000);
    turn(&mut core, T0 + 2000);
    let c = &core.conversations[&1];
    assert_eq!(
        (c.row.agent_id, c.row.previous_agent_id),
        (Some(2), Some(1))
    );
    assert_eq!(core.agents[&1].load, 0);
}

#[test]
fn offers_expire_to_the_next_agent_and_never_back() {
    let settings = CampaignSettings {
        offer_timeout_secs: Some(20),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1, 2], 5);
    online(&mut core, &[1, 2]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    let first = core.conversations[&1].offer.expect("offered").0;
    turn(&mut core, T0 + 20_000);
    let second = core.conversations[&1].offer.expect("offered again").0;
    assert_ne!(first, second);
    core.reject(1, second, T0 + 21_000).expect("reject");
    turn(&mut core, T0 + 21_000);
    assert!(
        core.conversations[&1].offer.is_none(),
        "both declined: it waits"
    );
    assert_eq!(st(&core, 1), state::QUEUED);
}

#[test]
fn an_accepted_offer_is_assigned_once() {
    let settings = CampaignSettings {
        offer_timeout_secs: Some(20),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    core.accept(1, 1, T0 + 1).expect("accept");
    assert!(core.accept(1, 1, T0 + 2).is_err());
    turn(&mut core, T0 + 30_000);
    assert_eq!(st(&core, 1), state::ASSIGNED);
    assert_eq!(core.agents[&1].load, 1);
}

#[test]
fn a_dropped_agent_keeps_or_requeues_after_the_grace_period() {
    let settings = CampaignSettings {
        offline_agent_conversations: super::campaign::OfflinePolicy::Requeue,
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    core.disconnect(1, T0);
    turn(&mut core, T0 + 59_000);
    assert_eq!(st(&core, 1), state::ASSIGNED, "within the grace period");
    turn(&mut core, T0 + 60_000);
    assert_eq!(st(&core, 1), state::QUEUED);
    assert_eq!(core.agents[&1].display_state(), "disconnected");
}

#[test]
fn breaks_and_pauses_stop_new_work() {
    let mut core = router(CampaignSettings::default(), &[1], 5);
    online(&mut core, &[1]);
    core.set_presence(1, super::live::Presence::Break("lunch".into()), T0)
        .expect("break");
    arrive(&mut core, 1, T0);
    turn(&mut core, T0);
    assert_eq!(st(&core, 1), state::QUEUED);
    core.set_presence(1, super::live::Presence::Available, T0)
        .expect("back");
    core.set_paused(1, true, T0).expect("pause");
    turn(&mut core, T0);
    assert_eq!(st(&core, 1), state::QUEUED);
    core.set_paused(1, false, T0).expect("resume");
    turn(&mut core, T0);
    assert_eq!(st(&core, 1), state::ASSIGNED);
}

#[test]
fn a_failing_start_bot_hands_off_to_the_queue() {
    let settings = CampaignSettings {
        bot_on_start: Some(PluginBinding {
            plugin: "menu".into(),
            config: serde_json::json!({}),
        }),
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    arrive(&mut core, 1, T0);
    assert_eq!(st(&core, 1), state::BOT);
    core.bot_done(1, BotStage::Start, Err("trap".into()), T0);
    assert_eq!(st(&core, 1), state::QUEUED);
}

#[test]
fn the_service_level_counts_answers_and_late_abandons() {
    let settings = CampaignSettings {
        service_level_secs: 30,
        ..CampaignSettings::default()
    };
    let mut core = router(settings, &[1], 5);
    online(&mut core, &[1]);
    arrive(&mut core, 1, T0);
    arrive(&mut core, 2, T0);
    turn(&mut core, T0);
    core.agent_replied(1, T0 + 10_000);
    core.agent_replied(2, T0 + 40_000);
    let figures = core
        .campaign_figures(CAMPAIGN, T0 + 40_000)
        .expect("figures");
    assert_eq!(figures.service_level, Some(50.0));
}

/// ms of a local wall-clock time in Buenos Aires (UTC−3, no daylight saving).
fn buenos_aires(date: &str, time: &str) -> i64 {
    let ts: jiff::Timestamp = format!("{date}T{time}-03:00").parse().expect("instant");
    ts.as_millisecond()
}

fn night_shift() -> CampaignSettings {
    let schedule: super::schedule::Schedule = serde_json::from_value(serde_json::json!({
        "time_zone": "America/Argentina/Buenos_Aires",
        "weekly": [{ "days": ["fri"], "start": "22:00", "end": "06:00" },
                   { "days": ["mon", "tue", "wed", "thu"], "start": "09:00", "end": "18:00" }],
        "holidays": ["2026-12-08"],
    }))
    .expect("schedule");
    CampaignSettings {
        schedule: Some(schedule),
        out_of_hours_message: Some("We are closed".into()),
        ..CampaignSettings::default()
    }
}

#[test]
fn out_of_hours_replies_and_ends_overnight_ranges_included() {
    let mut core = router(night_shift(), &[1], 5);
    // Saturday 2026-11-28 at 01:00: inside Friday's 22:00–06:00 range.
    arrive(&mut core, 1, buenos_aires("2026-11-28", "01:00:00"));
    assert_eq!(st(&core, 1), state::QUEUED);
    // Saturday at 07:00: closed.
    let now = buenos_aires("2026-11-28", "07:00:00");
    arrive(&mut core, 2, now);
    assert_eq!(st(&core, 2), state::CLOSED);
    let (fx, _) = core.take(now);
    assert!(fx.sends.iter().any(|s| s.conversation == 2
        && s.content
            == Content::Text {
                text: "We are closed".into()
            }));
}

#[test]
fn a_holiday_closes_its_day() {
    let mut core = router(night_shift(), &[1], 5);
    // Tuesday 2026-12-08 is a holiday; Tuesday 2026-12-01 is not.
    arrive(&mut core, 1, buenos_aires("2026-12-08", "10:00:00"));
    assert_eq!(st(&core, 1), state::CLOSED);
    assert_eq!(
        core.conversations[&1].row.end_reason.as_deref(),
        Some("out_of_hours")
    );
    arrive(&mut core, 2, buenos_aires("2026-12-01", "10:00:00"));
    assert_eq!(st(&core, 2), state::QUEUED);
}
