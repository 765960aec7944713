//! Real-format status and template notifications (providers.md §2.4, §2.10), and batches.

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::provider::*;

#[test]
fn sent_carries_the_wamid_time_and_recipient() {
    let status = status("status_sent.json");
    assert_eq!(
        status,
        DeliveryStatus {
            provider_message_id: "wamid.HBgNNTUxNjk5MjMxODIyMhUCABEYEjgxQkVFRDVBQTVDODFDOTg3MQA="
                .into(),
            state: DeliveryState::Sent,
            at_ms: 1_750_857_384_000,
            error: None,
            // Another system's tracker is not a host message id.
            message_id: None,
            recipient: Some(number("+5516992318222")),
            aliases: vec![],
        }
    );
}

#[test]
fn delivered_and_read_give_back_the_host_message_id() {
    let delivered = status("status_delivered.json");
    assert_eq!(delivered.state, DeliveryState::Delivered);
    assert_eq!(delivered.message_id, Some(42));
    let read = status("status_read.json");
    assert_eq!(
        (read.state, read.message_id),
        (DeliveryState::Read, Some(42))
    );
    assert_eq!(read.recipient, Some(number("+5491155550123")));
}

#[test]
fn a_played_voice_message_counts_as_read() {
    assert_eq!(status("status_played.json").state, DeliveryState::Read);
}

#[test]
fn failed_outside_the_window_is_window_closed() {
    let status = status("status_failed_window.json");
    assert_eq!(status.state, DeliveryState::Failed);
    let Some(SendError::WindowClosed(failure)) = status.error else {
        panic!("window closed: {:?}", status.error)
    };
    assert_eq!(failure.code, "131047");
    assert!(
        failure
            .message
            .starts_with("Re-engagement message: Message failed")
    );
}

#[test]
fn failed_for_an_experiment_is_permanent() {
    let status = status("status_failed_experiment.json");
    assert!(
        matches!(&status.error, Some(SendError::Permanent(f)) if f.code == "130472"),
        "{:?}",
        status.error
    );
    assert_eq!(status.recipient, Some(number("+972987654321")));
}

#[test]
fn a_template_review_becomes_a_template_event() {
    assert_eq!(
        events("template_status.json"),
        [Event::Template(TemplateStatus {
            name: "order_update".into(),
            language: "es_AR".into(),
            status: "REJECTED".into(),
            reason: Some("INCORRECT_CATEGORY".into()),
        })]
    );
}

#[test]
fn a_batch_gives_every_message_and_status_in_order() {
    let summary: Vec<(String, String)> = events("batch.json")
        .into_iter()
        .map(|event| match event {
            Event::Message(m) => ("message".to_owned(), m.provider_message_id),
            Event::Status(s) => (state(s.state).to_owned(), s.provider_message_id),
            Event::Template(t) => ("template".to_owned(), t.name),
        })
        .collect();
    let expected = [
        ("message", "wamid.b1"),
        ("message", "wamid.b2"),
        ("sent", "wamid.out1"),
        ("delivered", "wamid.out1"),
        // wamid.other went to another phone number id of the same app: not this connector's.
        ("message", "wamid.b3"),
        ("read", "wamid.out2"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(summary, expected);
}

#[test]
fn batch_messages_keep_their_own_sender_and_escaped_text() {
    let events = events("batch.json");
    let Event::Message(first) = &events[0] else {
        panic!("message")
    };
    assert_eq!(first.content, Content::Text("¿Hola?".into()));
    assert_eq!(first.from.display_name.as_deref(), Some("Sheena Nelson"));
    let Event::Message(reaction) = &events[4] else {
        panic!("message")
    };
    assert_eq!(reaction.from.number.as_deref(), Some("+5491155550123"));
    assert_eq!(reaction.from.display_name.as_deref(), Some("Juan"));
    let Event::Status(sent) = &events[2] else {
        panic!("status")
    };
    assert_eq!(sent.message_id, Some(7));
}

#[test]
fn other_accounts_and_objects_are_acknowledged_without_events() {
    let config = serde_json::json!({
        "phone_number_id": PHONE_NUMBER_ID, "access_token": "t", "app_secret": APP_SECRET,
        "verify_token": "v", "waba_id": "1"
    })
    .to_string();
    let result =
        WhatsAppCloud::handle_webhook(&config, signed(&fixture("batch.json"))).expect("accepted");
    assert!(result.events.is_empty());
    let page = br#"{"object":"page","entry":[]}"#;
    assert!(events_of(page).is_empty());
}

fn state(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Sent => "sent",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Read => "read",
        DeliveryState::Failed => "failed",
    }
}

fn events_of(body: &[u8]) -> Vec<Event> {
    WhatsAppCloud::handle_webhook(&config(), signed(body))
        .expect("accepted")
        .events
}
