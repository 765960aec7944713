//! One WebSocket per agent on `/api/v1/ws`, each read by its own task that stamps every frame
//! with the instant it was read, before parsing it, and hands what matters to the tally: the
//! conversations assigned to the agent and the customer messages pushed to it. A frame whose
//! `seq` is not the previous one plus 1 is a gap (the engine's hub cuts a connection whose
//! queue is full), and a socket the engine closes is reported.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::setup::Agent;

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long opening a socket and reading its hello may take.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);

/// What a socket saw, stamped when its frame was read.
#[derive(Debug, Clone)]
pub enum Seen {
    /// `conversation.assigned` to this agent.
    Assigned { agent: i64, conversation: i64 },
    /// `message.created` of an inbound message.
    Message {
        agent: i64,
        conversation: i64,
        text: String,
        at: Instant,
    },
    /// Any other frame type.
    Other { kind: String },
    /// Frames `expected..got` never came.
    Gap { agent: i64, missing: u64 },
    /// The engine closed the socket (or it failed) before the run closed it.
    Closed { agent: i64, why: String },
}

#[derive(Deserialize)]
struct Frame {
    seq: u64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

/// The open sockets; [`Sockets::close`] ends them.
pub struct Sockets {
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Sockets {
    /// Opens one socket per agent, `parallel` handshakes at a time; each reports to `seen`.
    pub async fn open(
        base_url: &str,
        agents: &[Agent],
        parallel: usize,
        seen: mpsc::UnboundedSender<Seen>,
    ) -> anyhow::Result<Sockets> {
        let ws_url = format!("{}/api/v1/ws", base_url.replacen("http", "ws", 1));
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for batch in agents.chunks(parallel.max(1)) {
            let mut opening = JoinSet::new();
            for agent in batch {
                let url = ws_url.clone();
                let agent = agent.clone();
                opening.spawn(async move {
                    let stream = open(&url, &agent.token)
                        .await
                        .with_context(|| format!("agent {}'s socket", agent.id))?;
                    Ok::<_, anyhow::Error>((agent.id, stream))
                });
            }
            while let Some(opened) = opening.join_next().await {
                let (agent, stream) = opened.context("a socket-opening task panicked")??;
                tasks.spawn(read(agent, stream, seen.clone(), stopped.clone()));
            }
        }
        Ok(Sockets { stop, tasks })
    }

    /// Sockets still open.
    pub fn open_count(&self) -> usize {
        self.tasks.len()
    }

    /// Closes every socket and waits for their tasks.
    pub async fn close(mut self) {
        let _ = self.stop.send(true);
        while self.tasks.join_next().await.is_some() {}
    }
}

async fn open(url: &str, token: &str) -> anyhow::Result<Stream> {
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (mut stream, _) = tokio::time::timeout(OPEN_TIMEOUT, connect_async(request))
        .await
        .context("handshake timed out")??;
    let first = tokio::time::timeout(OPEN_TIMEOUT, stream.next())
        .await
        .context("no hello")?;
    match first {
        Some(Ok(Message::Text(text))) => {
            let frame: Frame = serde_json::from_str(&text).context("hello is not JSON")?;
            if frame.kind != "hello" || frame.seq != 0 {
                bail!("expected the hello frame first, got {text}");
            }
        }
        other => bail!("expected the hello frame first, got {other:?}"),
    }
    Ok(stream)
}

async fn read(
    agent: i64,
    mut stream: Stream,
    seen: mpsc::UnboundedSender<Seen>,
    mut stop: watch::Receiver<bool>,
) {
    let mut last_seq = 0;
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = stop.changed() => {
                let _ = stream.close(None).await;
                return;
            }
        };
        let at = Instant::now();
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(close))) => {
                let why = close.map_or_else(|| "close frame".to_owned(), |c| c.to_string());
                let _ = seen.send(Seen::Closed { agent, why });
                return;
            }
            Some(Ok(_)) => continue,
            Some(Err(error)) => {
                let _ = seen.send(Seen::Closed {
                    agent,
                    why: error.to_string(),
                });
                return;
            }
            None => {
                let _ = seen.send(Seen::Closed {
                    agent,
                    why: "end of stream".into(),
                });
                return;
            }
        };
        let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
            let _ = seen.send(Seen::Other {
                kind: "unparsable".into(),
            });
            continue;
        };
        // Direct answers (pong, errors) carry seq 0 and are outside the numbering.
        if frame.seq != 0 {
            if frame.seq != last_seq + 1 {
                let _ = seen.send(Seen::Gap {
                    agent,
                    missing: frame.seq.saturating_sub(last_seq + 1),
                });
            }
            last_seq = frame.seq;
        }
        let _ = seen.send(classify(agent, frame, at));
    }
}

fn classify(agent: i64, frame: Frame, at: Instant) -> Seen {
    let data = &frame.data;
    match frame.kind.as_str() {
        "conversation.assigned" if data["agent_id"].as_i64() == Some(agent) => {
            match data["id"].as_i64() {
                Some(conversation) => Seen::Assigned {
                    agent,
                    conversation,
                },
                None => Seen::Other { kind: frame.kind },
            }
        }
        "message.created" if data["direction"] == "in" => {
            match (
                data["conversation_id"].as_i64(),
                data["content"]["text"].as_str(),
            ) {
                (Some(conversation), Some(text)) => Seen::Message {
                    agent,
                    conversation,
                    text: text.to_owned(),
                    at,
                },
                _ => Seen::Other { kind: frame.kind },
            }
        }
        _ => Seen::Other { kind: frame.kind },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn frame(value: Value) -> Frame {
        serde_json::from_value(value).expect("frame")
    }

    #[test]
    fn frames_are_read_as_the_engine_writes_them() {
        let at = Instant::now();
        let assigned = frame(json!({"seq": 3, "type": "conversation.assigned",
                                    "data": {"id": 42, "agent_id": 7, "state": "assigned"}}));
        assert!(matches!(
            classify(7, assigned, at),
            Seen::Assigned {
                agent: 7,
                conversation: 42
            }
        ));
        let message = frame(json!({"seq": 4, "type": "message.created", "data": {
            "id": 9, "conversation_id": 42, "direction": "in",
            "content": {"type": "text", "text": "desk r 17"}, "at_ms": 1}}));
        let Seen::Message {
            conversation, text, ..
        } = classify(7, message, at)
        else {
            panic!("a message");
        };
        assert_eq!((conversation, text.as_str()), (42, "desk r 17"));
        let other_agents = frame(json!({"seq": 5, "type": "conversation.assigned",
                                        "data": {"id": 43, "agent_id": 8}}));
        assert!(matches!(classify(7, other_agents, at), Seen::Other { .. }));
    }
}
