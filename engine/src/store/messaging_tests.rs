//! The messaging part of the [`Store`] contract: the outbox across a crash, statuses that
//! reconcile a message left `unknown`, parked statuses, and the window.

use super::test_dir::TestDir;
use super::*;

/// A store with one connector, its number and a contact: `(store, connector, number, contact)`.
pub(in crate::store) async fn with_connector(
    dir: &TestDir,
) -> Result<(std::sync::Arc<dyn Store>, i64, i64, i64), StoreError> {
    let store = open(dir.path()).await?;
    let connector = store
        .create_connector(NewConnector {
            name: "c".into(),
            plugin: "sandbox".into(),
            config: "{}".into(),
            secrets: Vec::new(),
            webhook_secret: Vec::new(),
            allow_ips: Vec::new(),
            enabled: true,
            numbers: vec!["+5491155550100".into()],
            at_ms: 1,
        })
        .await?;
    let contact = store
        .ensure_contact(
            ContactKey {
                number: Some("+5491166660001".into()),
                ..ContactKey::default()
            },
            1,
        )
        .await?;
    Ok((store, connector.id, connector.numbers[0].id, contact))
}

fn outbound(connector: i64, number: i64, contact: i64, at_ms: i64) -> NewOutbound {
    NewOutbound {
        connector_id: connector,
        number_id: number,
        contact_id: contact,
        conversation_id: None,
        origin: "api".into(),
        kind: "text".into(),
        content: r#"{"type":"text","text":"hola"}"#.into(),
        sms: None,
        at_ms,
    }
}

fn status(provider_id: &str, status: MessageStatus, message_id: Option<i64>) -> IntakeItem {
    IntakeItem::Status(StatusUpdate {
        provider_message_id: provider_id.into(),
        status,
        at_ms: 50,
        error_code: None,
        error_message: None,
        message_id,
    })
}

#[tokio::test]
async fn a_send_interrupted_by_a_crash_is_unknown_never_resent_and_settled_by_an_echo()
-> Result<(), StoreError> {
    let dir = TestDir::new();
    let (store, connector, number, contact) = with_connector(&dir).await?;
    let (sending, _) = store
        .enqueue_outbound(outbound(connector, number, contact, 10))
        .await?;
    let (waiting, _) = store
        .enqueue_outbound(outbound(connector, number, contact, 20))
        .await?;
    let claimed = store.claim_outbound(connector, 15, 10).await?;
    assert_eq!(
        claimed.iter().map(|j| j.id).collect::<Vec<_>>(),
        [sending],
        "only what is due"
    );
    store.close().await;

    // Restart: the one that was mid-send is unknown and not claimable; the queued one resumes.
    let store = open(dir.path()).await?;
    assert_eq!(store.mark_interrupted_sends(30).await?, 1);
    assert_eq!(
        store.message(sending).await?.map(|m| m.status).as_deref(),
        Some("unknown")
    );
    let claimed = store.claim_outbound(connector, 30, 10).await?;
    assert_eq!(claimed.iter().map(|j| j.id).collect::<Vec<_>>(), [waiting]);

    // A status naming the provider's id and echoing ours settles it.
    let outcomes = store
        .record_intake(IntakeBatch {
            connector_id: connector,
            received_ms: 40,
            poll_cursor: None,
            items: vec![status("prov-1", MessageStatus::Delivered, Some(sending))],
        })
        .await?;
    assert!(
        matches!(outcomes[0], IntakeOutcome::Status { applied: true, .. }),
        "{outcomes:?}"
    );
    let settled = store.message(sending).await?.expect("message");
    assert_eq!(
        (
            settled.status.as_str(),
            settled.provider_message_id.as_deref()
        ),
        ("delivered", Some("prov-1"))
    );
    Ok(())
}

#[tokio::test]
async fn statuses_before_the_send_answer_are_parked_then_applied_forward_only()
-> Result<(), StoreError> {
    let dir = TestDir::new();
    let (store, connector, number, contact) = with_connector(&dir).await?;
    let (id, _) = store
        .enqueue_outbound(outbound(connector, number, contact, 10))
        .await?;
    store.claim_outbound(connector, 10, 1).await?;
    let items = vec![
        status("p-9", MessageStatus::Read, None),
        status("p-9", MessageStatus::Delivered, None),
    ];
    let outcomes = store
        .record_intake(IntakeBatch {
            connector_id: connector,
            received_ms: 11,
            poll_cursor: None,
            items,
        })
        .await?;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, IntakeOutcome::Status { parked: true, .. }))
    );
    store
        .record_send(
            id,
            SendResult::Accepted {
                provider_message_id: "p-9".into(),
            },
            12,
        )
        .await?;
    assert_eq!(
        store.message(id).await?.map(|m| m.status).as_deref(),
        Some("read"),
        "read wins, whatever the order"
    );
    // A late `sent` changes nothing.
    store
        .record_intake(IntakeBatch {
            connector_id: connector,
            received_ms: 13,
            poll_cursor: None,
            items: vec![status("p-9", MessageStatus::Sent, None)],
        })
        .await?;
    assert_eq!(
        store.message(id).await?.map(|m| m.status).as_deref(),
        Some("read")
    );
    Ok(())
}
