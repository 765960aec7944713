//! The dialer end to end: real server, sandbox provider plugin, a loopback outbox that records
//! every send with its arrival time.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_tests::dialer::{
    LINE, action, call, connector, dialer, most_in_a_second, number, outbox, records, sends,
    status, upload, wait_done,
};
use switchboard_tests::mock::MockProvider;
use switchboard_tests::server::TestServer;

/// Waits until `outbox` got at least `n` sends.
async fn wait_sends(outbox: &MockProvider, n: usize, within: Duration) {
    let deadline = Instant::now() + within;
    while outbox.requests().len() < n {
        assert!(
            Instant::now() < deadline,
            "only {} sends of {n}",
            outbox.requests().len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Uploads `csv` with chunked transfer encoding (no length up front), over a raw socket;
/// returns the status and the JSON answer.
async fn chunked_upload(server: &TestServer, dialer: i64, csv: &str) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = server.url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/dialers/{dialer}/lists HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {}\r\nContent-Type: text/csv\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.token
    );
    // The server may answer and close before the end: later writes may fail, the answer stays.
    let _ = socket.write_all(head.as_bytes()).await;
    for piece in csv.as_bytes().chunks(4096) {
        let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
        chunk.extend_from_slice(piece);
        chunk.extend_from_slice(b"\r\n");
        if socket.write_all(&chunk).await.is_err() {
            break;
        }
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (code, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Waits until the router took conversation `id` (it left `new`/`idle`); returns its view.
async fn routed(server: &TestServer, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let view = call(
            server,
            Method::GET,
            &format!("/api/v1/conversations/{id}"),
            None,
            200,
        )
        .await;
        if !["new", "idle"].contains(&view["state"].as_str().unwrap_or("")) {
            return view;
        }
        assert!(Instant::now() < deadline, "never routed: {view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A list of `n` good rows with a header.
fn list(n: usize) -> String {
    let mut csv = String::from("name;destination;message;extra\n");
    for i in 0..n {
        csv.push_str(&format!("Name {i};{};Hola {i};row-{i}\n", number(i)));
    }
    csv
}

#[tokio::test]
async fn a_ten_thousand_row_list_is_sent_once_in_position_order_and_paced() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 100_000).await;
    let ceiling = 1000;
    let id = dialer(
        &server,
        "bulk",
        json!({"connectors": [connector], "max_per_second": ceiling}),
    )
    .await;

    // Bad rows of every kind mixed in, and duplicates.
    let mut csv = String::from("name,destination,message,extra\n");
    let mut bad_lines = HashMap::new();
    let mut good = Vec::new();
    for i in 0..10_000 {
        let line = i + 2;
        let row = match i % 97 {
            13 => {
                bad_lines.insert(line, "not a valid");
                format!("Bad {i},not-a-number,hola,\n")
            }
            29 => {
                bad_lines.insert(line, "no destination");
                format!("Bad {i},,hola,\n")
            }
            41 => {
                bad_lines.insert(line, "followed by");
                format!("Bad {i},{},hsm:promo:bad\\escape,\n", number(i))
            }
            57 => {
                bad_lines.insert(line, "5 columns");
                format!("Bad {i},{},a,b,c\n", number(i))
            }
            71 => format!("Dup {i},{},again,\n", number(i - 1)),
            _ => {
                good.push(number(i));
                format!(
                    "\"Name, {i}\",{},\"Hola {i}, ¿venís?\",row-{i}\n",
                    number(i)
                )
            }
        };
        csv.push_str(&row);
    }
    let report = upload(&server, id, csv).await;
    assert_eq!(report["delimiter"], ",");
    assert_eq!(report["header"], true);
    assert_eq!(report["accepted"], good.len(), "{report}");
    assert_eq!(report["invalid"], bad_lines.len());
    let duplicates = (0..10_000).filter(|i| i % 97 == 71).count();
    assert_eq!(report["duplicates"], duplicates);
    for row in report["invalid_rows"].as_array().expect("invalid rows") {
        let line = row["line"].as_u64().expect("line") as usize;
        let reason = row["reason"].as_str().expect("reason");
        let expected = bad_lines
            .get(&line)
            .unwrap_or_else(|| panic!("line {line} is not bad"));
        assert!(reason.contains(expected), "line {line}: {reason}");
    }

    let started = Instant::now();
    action(&server, id, "start").await;
    let done = wait_done(&server, id, Duration::from_secs(120)).await;
    let took = started.elapsed();
    assert_eq!(done["counts"]["sent"], good.len(), "{done}");
    assert_eq!(done["counts"]["invalid"], bad_lines.len());
    assert_eq!(done["processed"], good.len() + bad_lines.len());

    // Exactly once each.
    let sent = sends(&outbox);
    assert_eq!(sent.len(), good.len());
    let unique: HashSet<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!(unique.len(), good.len(), "a number was sent twice");
    assert_eq!(unique, good.iter().map(String::as_str).collect());

    // In position order: each send began after every earlier record's (message ids follow
    // positions), and arrivals never run ahead by more than the sends in flight together.
    let rows = records(&server, id).await;
    let mut last_message = 0;
    let mut position_of = HashMap::new();
    for row in &rows {
        if row["state"] == "sent" {
            let message = row["message_id"].as_i64().expect("message id");
            assert!(message > last_message, "out of order: {row}");
            last_message = message;
            position_of.insert(
                row["destination"].as_str().expect("destination").to_owned(),
                row["position"].as_i64().expect("position"),
            );
        } else {
            assert_eq!(row["state"], "invalid", "{row}");
            assert!(row["reason"].as_str().is_some_and(|r| !r.is_empty()));
        }
    }
    // Sends in flight together may overtake one another on the way (a slow request, a busy
    // core), so at the provider the order holds to within the requests in flight.
    let mut by_position: Vec<i64> = position_of.values().copied().collect();
    by_position.sort_unstable();
    for (arrived, (to, _)) in sent.iter().enumerate() {
        let position = position_of[to];
        let rank = by_position
            .binary_search(&position)
            .expect("known position");
        assert!(
            rank.abs_diff(arrived) <= 300,
            "{to} (position {position}, {rank}th in the list) arrived {arrived}th"
        );
    }

    // Paced: never above the ceiling in any second (a chunk of arrival jitter allowed), and
    // not faster than the ceiling overall.
    let times: Vec<Instant> = sent.iter().map(|(_, at)| *at).collect();
    let peak = most_in_a_second(&times);
    assert!(peak <= ceiling + 50, "{peak} sends in one second");
    let floor = Duration::from_secs_f64(good.len() as f64 / f64::from(ceiling as u32) - 1.0);
    assert!(took >= floor, "{} sends in {took:?}", good.len());
    server.stop().await;
}

#[tokio::test]
async fn outside_the_dialing_window_nothing_is_sent() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let every_day = json!([{"days": ["mon","tue","wed","thu","fri","sat","sun"], "start": "00:00", "end": "24:00"}]);
    let closed = json!({"connectors": [connector],
        "schedule": {"time_zone": "UTC", "weekly": every_day, "holidays": [today]}});
    let id = dialer(&server, "closed today", closed).await;
    upload(&server, id, list(20)).await;
    action(&server, id, "start").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(outbox.requests().is_empty(), "sent outside the window");
    let status = status(&server, id).await;
    assert_eq!(
        (
            &status["on_schedule"],
            &status["running"],
            &status["not_processed"]
        ),
        (&json!(false), &json!(true), &json!(20)),
        "{status}"
    );
    assert_eq!(status["waiting"], "outside the dialing window");

    // The window opens (the holiday is taken out): the same run sends.
    call(
        &server,
        Method::PUT,
        &format!("/api/v1/dialers/{id}"),
        Some(
            json!({"name": "closed today", "settings": {"connectors": [connector],
            "schedule": {"time_zone": "UTC", "weekly": every_day}}}),
        ),
        200,
    )
    .await;
    wait_done(&server, id, Duration::from_secs(30)).await;
    assert_eq!(outbox.requests().len(), 20);
    server.stop().await;
}

#[tokio::test]
async fn an_interval_paces_sends_and_stop_halts_within_one_interval() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(
        &server,
        "paced",
        json!({"connectors": [connector], "interval_ms": 50}),
    )
    .await;
    upload(&server, id, list(60)).await;
    action(&server, id, "start").await;
    wait_sends(&outbox, 12, Duration::from_secs(20)).await;
    let stopped = action(&server, id, "stop").await;
    let at_stop = outbox.requests().len();
    assert_eq!(stopped["running"], false);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = outbox.requests().len();
    assert!(after <= at_stop + 1, "{at_stop} at stop, {after} later");
    let times: Vec<Instant> = sends(&outbox).iter().map(|(_, at)| *at).collect();
    // 50 ms apart on average. The dialer grants sends never closer than half a step (the
    // pacer's unit tests hold that exactly); here they are timed where they arrive, after an
    // HTTP hop on a loaded machine, which can squeeze one gap: no burst, not a strict floor.
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(5), "two sends {gap:?} apart");
    }
    let span = times[times.len() - 1] - times[0];
    let average = span / (times.len() as u32 - 1);
    assert!(
        average >= Duration::from_millis(48),
        "{average:?} between sends on average"
    );
    let status = status(&server, id).await;
    assert_eq!(status["counts"]["sending"], 0, "{status}");
    assert_eq!(status["counts"]["sent"], after, "{status}");

    // Started again, it carries on from where it stopped and sends the rest once.
    action(&server, id, "start").await;
    let done = wait_done(&server, id, Duration::from_secs(30)).await;
    let peak = done["peak_per_s"].as_u64().expect("peak");
    assert!(
        (1..=20).contains(&peak),
        "{peak} sends left in one second at 50 ms apart"
    );
    let sent = sends(&outbox);
    let unique: HashSet<&str> = sent.iter().map(|(to, _)| to.as_str()).collect();
    assert_eq!((sent.len(), unique.len()), (60, 60));
    // Requests leave in the list's order, 50 ms apart (25 ms at least after a stall): only
    // a request slower by that much on the way could arrive after the next one.
    for (arrived, (to, _)) in sent.iter().enumerate() {
        let position = (0..60)
            .position(|i| number(i) == *to)
            .expect("a list number");
        assert!(
            position.abs_diff(arrived) <= 1,
            "{to} (row {position}) arrived {arrived}th"
        );
    }
    let rows = records(&server, id).await;
    let started: Vec<i64> = rows
        .iter()
        .map(|r| r["message_id"].as_i64().expect("message"))
        .collect();
    assert!(
        started.is_sorted(),
        "sends began out of the list's order: {started:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_number_put_on_the_dnc_list_mid_run_is_skipped() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(
        &server,
        "dnc",
        json!({"connectors": [connector], "interval_ms": 30}),
    )
    .await;
    upload(&server, id, list(50)).await;
    // One number is on the list before the run, one is added while it runs.
    let before = server
        .admin(Method::POST, "/api/v1/dnc")
        .header("content-type", "text/csv")
        .body(format!("number\n{}\nnot-a-number\n", number(3)))
        .send()
        .await
        .expect("dnc upload");
    let before: Value = before.json().await.expect("json");
    assert_eq!(
        (&before["added"], &before["invalid_count"]),
        (&json!(1), &json!(1)),
        "{before}"
    );
    action(&server, id, "start").await;
    wait_sends(&outbox, 5, Duration::from_secs(20)).await;
    let added = server
        .admin(Method::POST, "/api/v1/dnc")
        .body(number(40))
        .send()
        .await
        .expect("dnc upload");
    assert_eq!(added.status(), 200);
    wait_done(&server, id, Duration::from_secs(30)).await;
    let sent: HashSet<String> = sends(&outbox).into_iter().map(|(to, _)| to).collect();
    assert_eq!(sent.len(), 48);
    for skipped in [3, 40] {
        assert!(
            !sent.contains(&number(skipped)),
            "{} was sent",
            number(skipped)
        );
        let row = records(&server, id)
            .await
            .into_iter()
            .find(|r| r["destination"] == number(skipped))
            .expect("record");
        assert_eq!(row["state"], "blocked", "{row}");
        assert!(row["reason"].as_str().is_some_and(|r| r.starts_with("dnc")));
    }
    // The list can be read and an entry removed.
    let entries = call(&server, Method::GET, "/api/v1/dnc", None, 200).await;
    assert_eq!(entries.as_array().map(Vec::len), Some(2));
    let first = entries[0]["id"].as_i64().expect("id");
    server
        .admin(Method::DELETE, &format!("/api/v1/dnc/{first}"))
        .send()
        .await
        .expect("remove");
    let entries = call(&server, Method::GET, "/api/v1/dnc", None, 200).await;
    assert_eq!(entries.as_array().map(Vec::len), Some(1));
    server.stop().await;
}

#[tokio::test]
async fn purge_cancels_only_unprocessed_records() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(
        &server,
        "purge",
        json!({"connectors": [connector], "interval_ms": 40}),
    )
    .await;
    upload(&server, id, list(100)).await;
    action(&server, id, "start").await;
    wait_sends(&outbox, 5, Duration::from_secs(20)).await;
    let purged = action(&server, id, "purge").await;
    let cancelled = purged["cancelled"].as_i64().expect("cancelled");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = status(&server, id).await;
    let sent = outbox.requests().len() as i64;
    assert_eq!(status["counts"]["pending"], 0, "{status}");
    assert_eq!(status["counts"]["cancelled"], cancelled, "{status}");
    assert_eq!(status["counts"]["sent"], sent, "{status}");
    assert_eq!(cancelled + sent, 100, "{status}");
    for row in records(&server, id).await {
        let went = sends(&outbox)
            .iter()
            .any(|(to, _)| row["destination"] == *to);
        let expected = if went { "sent" } else { "cancelled" };
        assert_eq!(row["state"], expected, "{row}");
    }
    server.stop().await;
}

#[tokio::test]
async fn statuses_move_records_and_replies_land_in_the_dialers_campaign() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let replies = call(
        &server,
        Method::POST,
        "/api/v1/campaigns",
        Some(json!({"name": "Replies"})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("campaign");
    let id = dialer(
        &server,
        "promo",
        json!({"connectors": [connector], "campaign_id": replies}),
    )
    .await;
    upload(&server, id, list(2)).await;
    action(&server, id, "start").await;
    wait_done(&server, id, Duration::from_secs(20)).await;

    let rows = records(&server, id).await;
    for (row, state) in rows.iter().zip(["delivered", "read"]) {
        let message = row["message_id"].as_i64().expect("message");
        let sent = call(
            &server,
            Method::GET,
            &format!("/api/v1/messages/{message}"),
            None,
            200,
        )
        .await;
        let provider_id = sent["provider_message_id"]
            .as_str()
            .expect("provider id")
            .to_owned();
        for step in ["delivered", state] {
            call(
                &server,
                Method::POST,
                &format!("/api/v1/sandbox/{connector}/status"),
                Some(json!({"id": provider_id, "state": step})),
                200,
            )
            .await;
        }
    }
    let rows = records(&server, id).await;
    assert_eq!(
        (&rows[0]["state"], &rows[1]["state"]),
        (&json!("delivered"), &json!("read"))
    );
    let status = status(&server, id).await;
    assert_eq!(
        (&status["counts"]["delivered"], &status["counts"]["read"]),
        (&json!(1), &json!(1))
    );

    // The first recipient answers: the conversation is the dialer's campaign's.
    let injected = call(
        &server,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/inbound"),
        Some(json!({"from": number(0), "text": "¿qué promo?"})),
        200,
    )
    .await;
    let conversation = injected["conversation_id"].as_i64().expect("conversation");
    let view = routed(&server, conversation).await;
    assert_eq!(view["campaign_id"], replies, "{view}");
    server.stop().await;
}

#[tokio::test]
async fn a_reply_after_the_reply_window_stays_with_the_numbers_campaign() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let own = call(
        &server,
        Method::POST,
        "/api/v1/campaigns",
        Some(json!({"name": "Inbound", "numbers": [LINE]})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("campaign");
    let promo = call(
        &server,
        Method::POST,
        "/api/v1/campaigns",
        Some(json!({"name": "Promo"})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("campaign");
    let id = dialer(
        &server,
        "promo",
        json!({"connectors": [connector], "campaign_id": promo, "reply_window_secs": 0}),
    )
    .await;
    let record = call(
        &server,
        Method::POST,
        &format!("/api/v1/dialers/{id}/send"),
        Some(json!({"destination": number(7), "message": "Hola"})),
        200,
    )
    .await;
    assert_eq!(record["state"], "sent", "{record}");
    let injected = call(
        &server,
        Method::POST,
        &format!("/api/v1/sandbox/{connector}/inbound"),
        Some(json!({"from": number(7), "text": "hola"})),
        200,
    )
    .await;
    let conversation = injected["conversation_id"].as_i64().expect("conversation");
    let view = routed(&server, conversation).await;
    assert_eq!(view["campaign_id"], own, "{view}");
    server.stop().await;
}

#[tokio::test]
async fn too_fast_slows_the_dialer_and_failures_keep_their_reason() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "throttled", json!({"connectors": [connector]})).await;
    outbox.script([
        switchboard_tests::mock::Reply::new(429, r#"{"code":"throttled","message":"slow down"}"#),
        switchboard_tests::mock::Reply::new(
            404,
            r#"{"code":"bad-recipient","message":"no such phone"}"#,
        ),
    ]);
    upload(&server, id, list(5)).await;
    action(&server, id, "start").await;
    let done = wait_done(&server, id, Duration::from_secs(30)).await;
    // The throttled record went again; the refused one ended invalid with the provider's word.
    assert_eq!(
        (&done["counts"]["sent"], &done["counts"]["invalid"]),
        (&json!(4), &json!(1)),
        "{done}"
    );
    let invalid = records(&server, id)
        .await
        .into_iter()
        .find(|r| r["state"] == "invalid")
        .expect("invalid record");
    assert!(
        invalid["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no such phone")),
        "{invalid}"
    );
    server.stop().await;
}

#[tokio::test]
async fn single_sends_through_the_rest_api_and_the_ucontact_form() {
    let server = TestServer::start_with(|config| {
        config.dialer.trusted_networks = Vec::new();
    })
    .await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "SMS Cobranzas", json!({"connectors": [connector]})).await;

    let record = call(
        &server,
        Method::POST,
        &format!("/api/v1/dialers/{id}/send"),
        Some(json!({"destination": number(1), "message": "Su cuota vence hoy"})),
        200,
    )
    .await;
    assert_eq!(
        (&record["state"], &record["destination"]),
        (&json!("sent"), &json!(number(1)))
    );

    let form = [
        ("destination", number(2)),
        ("message", "Hola desde uContact".to_owned()),
        ("campaign", "sms cobranzas".to_owned()),
        ("agent", "jperez".to_owned()),
    ];
    let anonymous = server
        .request(Method::POST, "/Integra/resources/SMS/SendSMS")
        .form(&form)
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), 401, "no token, no trusted network");
    let answer = server
        .admin(Method::POST, "/Integra/resources/SMS/SendSMS")
        .form(&form)
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), 200);
    let answer: Value = answer.json().await.expect("json");
    assert_eq!(
        (&answer["result"], &answer["state"]),
        (&json!("OK"), &json!("sent")),
        "{answer}"
    );
    let unknown = server
        .admin(Method::POST, "/Integra/resources/SMS/SendSMS")
        .form(&[
            ("destination", number(3)),
            ("message", "x".into()),
            ("campaign", "nope".into()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 404);
    let sent: Vec<String> = sends(&outbox).into_iter().map(|(to, _)| to).collect();
    assert_eq!(sent, vec![number(1), number(2)]);
    let rows = records(&server, id).await;
    assert_eq!(rows[1]["extra"], "agent=jperez");

    // An invalid number is refused and sends nothing.
    let bad = server
        .admin(Method::POST, &format!("/api/v1/dialers/{id}/send"))
        .json(&json!({"destination": "12", "message": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status(), 422);
    assert_eq!(outbox.requests().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn a_trusted_network_sends_without_a_token() {
    let server = TestServer::start_with(|config| {
        config.dialer.trusted_networks = vec!["127.0.0.0/8".parse().expect("net")];
    })
    .await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    dialer(&server, "legacy", json!({"connectors": [connector]})).await;
    let answer = server
        .request(Method::POST, "/Integra/resources/SMS/SendSMS")
        .form(&[
            ("destination", number(9)),
            ("message", "hola".to_owned()),
            ("campaign", "legacy".to_owned()),
            ("agent", "".to_owned()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(answer.status(), 200, "{:?}", answer.text().await);
    assert_eq!(outbox.requests().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn bad_uploads_and_unknown_dialers_change_nothing() {
    let server = TestServer::start_with(|config| {
        config.dialer.max_list_bytes = 300 * 1024;
    })
    .await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "small", json!({"connectors": [connector]})).await;
    let too_big = server
        .admin(Method::POST, &format!("/api/v1/dialers/{id}/lists"))
        .body(list(10_000))
        .send()
        .await
        .expect("upload");
    assert_eq!(too_big.status(), 413);
    let error: Value = too_big.json().await.expect("json");
    assert_eq!(error["code"], "payload_too_large", "{error}");
    // Streamed without a length, the limit is found on the way: what was read is cancelled.
    let (code, error) = chunked_upload(&server, id, &list(10_000)).await;
    assert_eq!(code, 400, "{error}");
    assert_eq!(error["code"], "list_unreadable", "{error}");
    let status = status(&server, id).await;
    assert_eq!(
        status["not_processed"], 0,
        "a cut-off upload leaves nothing to send: {status}"
    );
    assert!(
        status["counts"]["cancelled"].as_i64().unwrap_or(0) > 0,
        "{status}"
    );

    let missing = server
        .admin(Method::POST, "/api/v1/dialers/999/lists")
        .body(list(1))
        .send()
        .await
        .expect("upload");
    assert_eq!(missing.status(), 404);
    for path in ["/api/v1/dialers/999/start", "/api/v1/dialers/999/purge"] {
        let response = server.admin(Method::POST, path).send().await.expect("call");
        assert_eq!(response.status(), 404, "{path}");
    }
    let bad_settings = server
        .admin(Method::POST, "/api/v1/dialers")
        .json(&json!({"name": "x", "settings": {"connectors": [connector], "channels": "(3.1)"}}))
        .send()
        .await
        .expect("create");
    assert_eq!(bad_settings.status(), 422);
    let no_connector = server
        .admin(Method::POST, "/api/v1/dialers")
        .json(&json!({"name": "y", "settings": {"connectors": [4242]}}))
        .send()
        .await
        .expect("create");
    assert_eq!(no_connector.status(), 422);
    server.stop().await;
}

#[tokio::test]
async fn agents_cannot_run_dialers() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "private", json!({"connectors": [connector]})).await;
    let agent = switchboard_tests::desk::user(&server, "ana", "agent").await;
    for (method, path) in [
        (Method::GET, "/api/v1/dialers".to_owned()),
        (Method::POST, format!("/api/v1/dialers/{id}/start")),
        (Method::GET, format!("/api/v1/dialers/{id}/records.csv")),
        (Method::GET, "/api/v1/dnc".to_owned()),
    ] {
        let response = server
            .request(method.clone(), &path)
            .bearer_auth(&agent.token)
            .send()
            .await
            .expect("call");
        assert_eq!(response.status(), 403, "{method} {path}");
    }
    server.stop().await;
}

#[tokio::test]
async fn records_export_as_csv_with_their_states() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "export", json!({"connectors": [connector]})).await;
    // Saved by a spreadsheet: a byte-order mark first, no header.
    let rows: String = (0..3)
        .map(|i| format!("Name {i};{};Hola {i};\n", number(i)))
        .collect();
    upload(&server, id, format!("\u{feff}{rows}Bad;nope;x;\n")).await;
    action(&server, id, "start").await;
    wait_done(&server, id, Duration::from_secs(20)).await;
    let response = server
        .admin(Method::GET, &format!("/api/v1/dialers/{id}/records.csv"))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/csv"))
    );
    let text = response.text().await.expect("text");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 4, "{text}");
    let states: Vec<&str> = rows.iter().map(|r| &r[6]).collect();
    assert_eq!(states, ["sent", "sent", "sent", "invalid"]);
    assert_eq!(
        &rows[0][2], "Name 0",
        "the byte-order mark is not part of the name"
    );
    assert_eq!(&rows[0][3], number(0));
    assert_eq!(&rows[0][4], "Hola 0");
    server.stop().await;
}

#[tokio::test]
async fn a_provider_limit_pauses_the_dialer_instead_of_burning_the_list() {
    use switchboard_tests::meta;
    use switchboard_tests::mock::Reply;
    let server = TestServer::start().await;
    let graph = meta::graph_mock().await;
    let (connector, _) = meta::connector(&server, &graph).await;
    call(
        &server,
        Method::POST,
        "/api/v1/templates",
        Some(
            json!({"connector_id": connector, "code": "promo", "language": "es_AR",
            "body": "Hola {{1}}, tenemos una promo", "provider_name": "promo_v1"}),
        ),
        200,
    )
    .await;
    let id = dialer(
        &server,
        "whatsapp",
        // Paced so the refusal is back before the next send is granted: at full speed the
        // sends already on the wire when it comes back (correctly) finish, and how many there
        // are depends on the machine's load.
        json!({"connectors": [connector], "default_template": "hsm:promo:cliente",
               "interval_ms": 250}),
    )
    .await;
    let ok = |n: usize| {
        Reply::new(
            200,
            json!({"messaging_product": "whatsapp", "messages": [{"id": format!("wamid.ok-{n}")}]})
                .to_string(),
        )
    };
    let tier = Reply::new(
        400,
        r#"{"error":{"message":"Message failed to send because there are restrictions on how many messages can be sent from this phone number.","type":"OAuthException","code":131049,"error_data":{"messaging_product":"whatsapp","details":"tier limit"},"fbtrace_id":"Az8"}}"#,
    );
    graph.script([ok(1), ok(2), tier]);
    let mut csv = String::new();
    for i in 0..10 {
        csv.push_str(&format!("Cliente {i};{};;\n", number(i)));
    }
    upload(&server, id, csv).await;
    action(&server, id, "start").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let paused = loop {
        let status = status(&server, id).await;
        if status["paused_reason"].is_string() && status["active"] == false {
            break status;
        }
        assert!(Instant::now() < deadline, "never paused: {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        paused["paused_reason"]
            .as_str()
            .is_some_and(|r| r.contains("131049")),
        "{paused}"
    );
    assert_eq!(paused["running"], false);
    assert_eq!(
        (
            &paused["counts"]["sent"],
            &paused["counts"]["pending"],
            &paused["counts"]["failed"]
        ),
        (&json!(2), &json!(8), &json!(0)),
        "the refused record waits with the rest: {paused}"
    );
    assert_eq!(graph.requests().len(), 3, "nothing more was tried");
    let sent = graph.requests()[0].json();
    assert_eq!(sent["type"], "template", "{sent}");
    assert_eq!(sent["template"]["name"], "promo_v1", "{sent}");

    // Started again (the operator raised the tier), it sends the rest, the refused one included.
    action(&server, id, "start").await;
    let done = wait_done(&server, id, Duration::from_secs(20)).await;
    assert_eq!(done["counts"]["sent"], 10, "{done}");
    assert!(done["paused_reason"].is_null());
    assert_eq!(graph.requests().len(), 11);
    server.stop().await;
}

#[tokio::test]
async fn supervisors_see_progress_on_their_socket() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(
        &server,
        "live",
        json!({"connectors": [connector], "interval_ms": 20}),
    )
    .await;
    upload(&server, id, list(40)).await;
    let sofia = switchboard_tests::desk::user(&server, "sofia", "supervisor").await;
    let mut socket = switchboard_tests::desk::Socket::open(&server, &sofia.token).await;
    action(&server, id, "start").await;
    let progress = socket
        .until("dialer.progress", |data| {
            data["dispatched"].as_u64().unwrap_or(0) > 0
        })
        .await;
    assert_eq!(progress["data"]["dialer_id"], id, "{progress}");
    assert!(
        progress["data"]["rate_per_s"].as_u64().is_some(),
        "{progress}"
    );
    socket.close().await;
    server.stop().await;
}

#[tokio::test]
async fn channels_rotate_over_ports_and_over_lines() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    // One line: the channels are ports of its gateway.
    let connector = connector(&server, &outbox, 1000).await;
    let ports = dialer(
        &server,
        "ports",
        json!({"connectors": [connector], "channels": "(0.2)", "interval_ms": 5}),
    )
    .await;
    upload(&server, ports, list(7)).await;
    action(&server, ports, "start").await;
    wait_done(&server, ports, Duration::from_secs(20)).await;
    // Each request carries its record's channel (whatever order they arrive in).
    for request in outbox.requests() {
        let body = request.json();
        let to = body["to"]["number"].as_str().expect("to");
        let row = (0..7).position(|i| number(i) == to).expect("a list number");
        assert_eq!(body["channel_slot"], row % 3, "{to}");
    }
    let channels: Vec<i64> = records(&server, ports)
        .await
        .iter()
        .map(|r| r["channel"].as_i64().expect("channel"))
        .collect();
    assert_eq!(channels, [0, 1, 2, 0, 1, 2, 0]);

    // Two lines (numbers): the channels are the lines.
    let two = outbox_two_lines(&server, &outbox).await;
    let lines = dialer(
        &server,
        "lines",
        json!({"connectors": [two], "channels": "(0.1)", "interval_ms": 5}),
    )
    .await;
    let before = outbox.requests().len();
    upload(&server, lines, list(4)).await;
    action(&server, lines, "start").await;
    wait_done(&server, lines, Duration::from_secs(20)).await;
    for request in &outbox.requests()[before..] {
        let body = request.json();
        let to = body["to"]["number"].as_str().expect("to");
        let row = (0..4).position(|i| number(i) == to).expect("a list number");
        let line = ["+5491155550201", "+5491155550202"][row % 2];
        assert_eq!(body["from"], line, "{to}");
    }
    server.stop().await;
}

/// A sandbox connector with two numbers on `outbox`.
async fn outbox_two_lines(server: &TestServer, outbox: &MockProvider) -> i64 {
    call(
        server,
        Method::POST,
        "/api/v1/connectors",
        Some(json!({"name": "two lines", "plugin": "sandbox",
            "numbers": ["+5491155550201", "+5491155550202"],
            "config": {"outbox_url": format!("{}/send", outbox.url), "channel": "sms"}})),
        201,
    )
    .await["id"]
        .as_i64()
        .expect("connector")
}

#[tokio::test]
async fn a_disabled_dialer_waits_and_dnc_can_be_switched_off() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let settings = json!({"connectors": [connector], "enabled": false, "dnc_check": false});
    let id = dialer(&server, "off", settings).await;
    upload(&server, id, list(3)).await;
    server
        .admin(Method::POST, "/api/v1/dnc")
        .body(number(1))
        .send()
        .await
        .expect("dnc");
    action(&server, id, "start").await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(outbox.requests().is_empty(), "a disabled dialer sent");
    assert_eq!(
        status(&server, id).await["waiting"],
        "the dialer is disabled"
    );
    call(
        &server,
        Method::PUT,
        &format!("/api/v1/dialers/{id}"),
        Some(json!({"name": "off", "settings": {"connectors": [connector], "dnc_check": false}})),
        200,
    )
    .await;
    wait_done(&server, id, Duration::from_secs(20)).await;
    // The do-not-call check is off for this dialer: the listed number was written to.
    assert_eq!(outbox.requests().len(), 3);
    server.stop().await;
}

#[tokio::test]
async fn the_messages_api_sends_through_a_dialer() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    let id = dialer(&server, "api", json!({"connectors": [connector]})).await;
    let queued = call(
        &server,
        Method::POST,
        "/api/v1/messages",
        Some(json!({"dialer_id": id, "to": number(5), "text": "Hola"})),
        202,
    )
    .await;
    let record = queued["dialer_record_id"].as_i64().expect("record");
    let message = queued["message_id"].as_i64().expect("message");
    let rows = records(&server, id).await;
    assert_eq!(
        (rows[0]["id"].as_i64(), rows[0]["message_id"].as_i64()),
        (Some(record), Some(message))
    );
    assert_eq!(rows[0]["state"], "sent");
    let from = call(
        &server,
        Method::POST,
        "/api/v1/messages",
        Some(json!({"dialer_id": id, "from": LINE, "to": number(6), "text": "x"})),
        400,
    )
    .await;
    assert_eq!(from["code"], "bad_request");
    server
        .admin(Method::POST, "/api/v1/blacklist")
        .json(&json!({"address": number(7), "direction": "out"}))
        .send()
        .await
        .expect("blacklist");
    let blocked = call(
        &server,
        Method::POST,
        "/api/v1/messages",
        Some(json!({"dialer_id": id, "to": number(7), "text": "x"})),
        409,
    )
    .await;
    assert_eq!(blocked["code"], "recipient_blocked", "{blocked}");
    assert_eq!(outbox.requests().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn the_contact_window_follows_the_recipients_clock() {
    let server = TestServer::start().await;
    let outbox = outbox().await;
    let connector = connector(&server, &outbox, 1000).await;
    // An hour that is not now in Buenos Aires (the list's numbers are Argentine).
    let here = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("America/Argentina/Buenos_Aires").expect("zone"));
    let start = (here.hour() + 2) % 24;
    let every_day = json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
    let window = json!([{"days": every_day, "start": format!("{start:02}:00"),
        "end": format!("{:02}:00", (start + 1) % 24)}]);
    let id = dialer(
        &server,
        "window",
        json!({"connectors": [connector], "contact_window": window}),
    )
    .await;
    upload(&server, id, list(5)).await;
    action(&server, id, "start").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        outbox.requests().is_empty(),
        "sent outside the recipients' hours"
    );
    let status = status(&server, id).await;
    assert_eq!(
        status["waiting"], "records wait for their contact window",
        "{status}"
    );
    assert_eq!(status["not_processed"], 5);

    // Their hours now: they go.
    let open = json!([{"days": every_day, "start": format!("{:02}:00", (here.hour() + 23) % 24),
        "end": format!("{:02}:00", (here.hour() + 2) % 24)}]);
    call(
        &server,
        Method::PUT,
        &format!("/api/v1/dialers/{id}"),
        Some(json!({"name": "window", "settings": {"connectors": [connector], "contact_window": open}})),
        200,
    )
    .await;
    // The waiting run looks again within its pause (30 s at most); an update wakes it.
    wait_done(&server, id, Duration::from_secs(40)).await;
    assert_eq!(outbox.requests().len(), 5);
    server.stop().await;
}
