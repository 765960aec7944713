//! The [`Store`] contract for users, sessions, API tokens of users, and the audit log.

use super::test_dir::TestDir;
use super::{AuditQuery, NewAuditEntry, NewSession, NewUser, Role, StoreError, UserChange, open};

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: name.to_uppercase(),
        role,
        password_hash: Some(format!("hash-of-{name}")),
        max_concurrent: 3,
        campaign_scope: None,
        at_ms: 10,
    }
}

fn session(hash: &str, user_id: i64, at_ms: i64) -> NewSession {
    NewSession {
        token_hash: hash.into(),
        user_id,
        csrf_token: format!("csrf-{hash}"),
        created_ms: at_ms,
        expires_ms: at_ms + 1_000,
        ip: Some("127.0.0.1".into()),
        user_agent: None,
    }
}

#[tokio::test]
async fn usernames_are_unique_in_any_case_and_found_in_any_case() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let alice = store.create_user(user("Alice", Role::Agent)).await?;
    assert_eq!(
        (alice.username.as_str(), alice.role, alice.max_concurrent),
        ("Alice", Role::Agent, 3)
    );
    let again = store.create_user(user("alice", Role::Admin)).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let found = store.user_by_name("ALICE").await?.expect("found");
    assert_eq!(found, alice);
    assert_eq!(store.user_by_name("bob").await?, None);
    Ok(())
}

#[tokio::test]
async fn the_admin_token_becomes_the_api_token_of_the_admin_user() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let admin = store.ensure_admin_user(Some("admin-hash"), 5).await?;
    assert_eq!(
        (admin.username.as_str(), admin.role, admin.password_hash),
        ("admin", Role::Admin, None)
    );
    let again = store.ensure_admin_user(Some("admin-hash"), 6).await?;
    assert_eq!(again.id, admin.id, "a second start changes nothing");
    assert_eq!(store.users().await?.len(), 1);
    assert_eq!(
        store.token_user("admin-hash").await?.map(|u| u.id),
        Some(admin.id)
    );
    let tokens = store.api_tokens().await?;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].username.as_deref(), Some("admin"));

    store.revoke_api_token(tokens[0].id, 7).await?;
    store.ensure_admin_user(Some("admin-hash"), 8).await?;
    assert_eq!(
        store.token_user("admin-hash").await?,
        None,
        "revoked stays revoked"
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_added_first_gets_the_admin_token() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store.create_user(user("ops", Role::Agent)).await?;
    let boss = store.create_user(user("boss", Role::Admin)).await?;
    let admin = store.ensure_admin_user(Some("h"), 5).await?;
    assert_eq!(admin.id, boss.id, "an existing admin, no new `admin` user");
    assert_eq!(store.users().await?.len(), 2);

    let other = TestDir::new();
    let store = open(other.path()).await?;
    store.create_user(user("admin", Role::Agent)).await?;
    let refused = store.ensure_admin_user(Some("h"), 5).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn tokens_act_as_their_user_until_revoked() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let agent = store.create_user(user("agent1", Role::Agent)).await?;
    let token = store
        .create_api_token("load", "t-hash", agent.id, 20)
        .await?;
    assert_eq!(
        (token.user_id, token.username.as_deref()),
        (Some(agent.id), Some("agent1"))
    );
    assert_eq!(
        store.token_user("t-hash").await?.map(|u| u.id),
        Some(agent.id)
    );
    store.revoke_api_token(token.id, 21).await?;
    assert_eq!(store.token_user("t-hash").await?, None);
    Ok(())
}

#[tokio::test]
async fn changes_apply_and_disabling_ends_sessions() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store.ensure_admin_user(None, 1).await?;
    let sup = store.create_user(user("sup", Role::Supervisor)).await?;
    store.create_session(session("s1", sup.id, 100)).await?;
    let changed = store
        .update_user(
            sup.id,
            UserChange {
                display_name: Some("Sue".into()),
                campaign_scope: Some(Some(vec![2, 7])),
                max_concurrent: Some(9),
                ..UserChange::default()
            },
            50,
        )
        .await?;
    assert_eq!(
        (
            changed.display_name.as_str(),
            changed.campaign_scope.clone(),
            changed.max_concurrent
        ),
        ("Sue", Some(vec![2, 7]), 9)
    );
    assert_eq!(changed.role, Role::Supervisor, "untouched fields stay");
    assert!(
        store.session("s1").await?.is_some(),
        "a change is not a logout"
    );

    let disabled = store
        .update_user(
            sup.id,
            UserChange {
                disabled: Some(true),
                campaign_scope: Some(None),
                ..UserChange::default()
            },
            60,
        )
        .await?;
    assert_eq!(
        (disabled.disabled_ms, disabled.campaign_scope),
        (Some(60), None)
    );
    assert_eq!(store.session("s1").await?, None);
    let enabled = store
        .update_user(
            sup.id,
            UserChange {
                disabled: Some(false),
                ..UserChange::default()
            },
            70,
        )
        .await?;
    assert_eq!(enabled.disabled_ms, None);

    let missing = store.update_user(999, UserChange::default(), 1).await;
    assert!(
        matches!(missing, Err(StoreError::NotFound(_))),
        "{missing:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_be_demoted_or_disabled() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let admin = store.ensure_admin_user(None, 1).await?;
    for change in [
        UserChange {
            role: Some(Role::Supervisor),
            ..UserChange::default()
        },
        UserChange {
            disabled: Some(true),
            ..UserChange::default()
        },
    ] {
        let refused = store.update_user(admin.id, change, 2).await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
    }
    assert_eq!(
        store.user(admin.id).await?,
        Some(admin.clone()),
        "nothing changed"
    );
    store.create_user(user("second", Role::Admin)).await?;
    let demoted = store
        .update_user(
            admin.id,
            UserChange {
                role: Some(Role::Agent),
                ..UserChange::default()
            },
            3,
        )
        .await?;
    assert_eq!(demoted.role, Role::Agent);
    Ok(())
}

#[tokio::test]
async fn sessions_are_read_touched_ended_and_purged() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let a = store.create_user(user("a", Role::Agent)).await?;
    for hash in ["s1", "s2", "s3"] {
        store.create_session(session(hash, a.id, 100)).await?;
    }
    let s1 = store.session("s1").await?.expect("stored");
    assert_eq!(
        (
            s1.user.id,
            s1.csrf_token.as_str(),
            s1.last_seen_ms,
            s1.expires_ms
        ),
        (a.id, "csrf-s1", 100, 1_100)
    );
    store.touch_session("s1", 500).await?;
    assert_eq!(
        store.session("s1").await?.map(|s| s.last_seen_ms),
        Some(500)
    );

    assert_eq!(store.end_user_sessions(a.id, Some("s1")).await?, 2);
    assert!(store.session("s1").await?.is_some());
    assert_eq!(store.session("s2").await?, None);
    store.end_session("s1").await?;
    assert_eq!(store.session("s1").await?, None);

    store.create_session(session("idle", a.id, 100)).await?;
    store.create_session(session("busy", a.id, 100)).await?;
    store.touch_session("busy", 900).await?;
    store.create_session(session("old", a.id, 0)).await?;
    store.touch_session("old", 999).await?;
    // At 1 050 with sessions idle since before 800 ending: `idle` is idle, `old` past its end.
    assert_eq!(store.purge_sessions(1_050, 800).await?, 2);
    assert!(store.session("busy").await?.is_some());
    Ok(())
}

#[tokio::test]
async fn the_audit_log_pages_newest_first_and_filters() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let entry = |actor: i64, action: &str| NewAuditEntry {
        at_ms: 1,
        actor_user_id: Some(actor),
        actor_name: format!("user{actor}"),
        action: action.into(),
        target: "/api/v1/x".into(),
        data: serde_json::json!({ "n": actor }),
        ip: None,
    };
    let mut ids = Vec::new();
    for (actor, action) in [(1, "a"), (2, "a"), (1, "b"), (1, "a")] {
        ids.push(store.append_audit(entry(actor, action)).await?);
    }
    let query = |before, actor, action: Option<&str>| AuditQuery {
        before,
        limit: 2,
        actor_user_id: actor,
        action: action.map(str::to_owned),
    };
    let page = store.audit_log(query(i64::MAX, None, None)).await?;
    assert_eq!(
        page.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[3], ids[2]]
    );
    assert_eq!(page[0].data, serde_json::json!({ "n": 1 }));
    let next = store.audit_log(query(ids[2], None, None)).await?;
    assert_eq!(
        next.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[1], ids[0]]
    );
    let mine = store.audit_log(query(i64::MAX, Some(1), Some("a"))).await?;
    assert_eq!(
        mine.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[3], ids[0]]
    );
    Ok(())
}
