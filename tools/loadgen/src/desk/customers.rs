//! Customers writing through the sandbox connector (`POST /api/v1/sandbox/{id}/inbound`, the
//! engine's real intake path): [`FirstMessages`] opens one conversation per customer and keeps
//! the conversation ids the engine answers; [`Tagged`] sends the measured messages, each text
//! carrying its index, to conversations that are already open.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use hyper::Method;
use serde_json::{Value, json};

use super::setup::{business_number, customer_number};
use super::tally::message_text;
use crate::open_loop::{Call, Calls};

fn inbound(connector: i64, from: &str, to: &str, text: &str) -> Call {
    Call {
        method: Method::POST,
        path: format!("/api/v1/sandbox/{connector}/inbound"),
        body: Some(Bytes::from(
            json!({"from": from, "to": to, "text": text}).to_string(),
        )),
    }
}

/// Customer *i* writes to business number *i mod numbers*: one new conversation each.
pub struct FirstMessages {
    connector: i64,
    numbers: usize,
    conversations: Mutex<Vec<Option<i64>>>,
}

impl FirstMessages {
    /// `customers` customers of `connector`, spread over its first `numbers` numbers.
    pub fn new(connector: i64, numbers: usize, customers: u64) -> FirstMessages {
        FirstMessages {
            connector,
            numbers: numbers.max(1),
            conversations: Mutex::new(vec![None; usize::try_from(customers).unwrap_or(0)]),
        }
    }

    /// The conversation of each customer, where the engine answered with one.
    pub fn conversations(&self) -> Vec<Option<i64>> {
        self.conversations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Calls for FirstMessages {
    fn call(&self, index: u64) -> Call {
        let to = business_number((index % self.numbers as u64) as usize);
        inbound(
            self.connector,
            &customer_number(index),
            &to,
            &format!("hello, I am customer {index}"),
        )
    }

    fn answered(&self, index: u64, status: u16, body: &Bytes) {
        if status != 200 {
            return;
        }
        let conversation = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|answer| answer["conversation_id"].as_i64());
        let mut all = self
            .conversations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = usize::try_from(index).ok().and_then(|i| all.get_mut(i)) {
            *slot = conversation;
        }
    }
}

/// Message *i* of run `run` goes to customer `customers[i mod len]`, text `desk <run> <i>`.
pub struct Tagged {
    connector: i64,
    numbers: usize,
    run: String,
    customers: Vec<u64>,
    accepted: Vec<AtomicBool>,
}

impl Tagged {
    /// `total` messages from `customers` (non-empty), who wrote first to number
    /// *customer mod numbers*.
    pub fn new(connector: i64, numbers: usize, run: &str, customers: Vec<u64>, total: u64) -> Self {
        Tagged {
            connector,
            numbers: numbers.max(1),
            run: run.to_owned(),
            customers,
            accepted: (0..total).map(|_| AtomicBool::new(false)).collect(),
        }
    }

    /// Which messages were answered 200, by index.
    pub fn accepted(&self) -> Vec<bool> {
        self.accepted
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .collect()
    }
}

impl Calls for Tagged {
    fn call(&self, index: u64) -> Call {
        let customer = self.customers[(index % self.customers.len() as u64) as usize];
        let to = business_number((customer % self.numbers as u64) as usize);
        inbound(
            self.connector,
            &customer_number(customer),
            &to,
            &message_text(&self.run, index),
        )
    }

    fn answered(&self, index: u64, status: u16, _body: &Bytes) {
        if status == 200
            && let Some(slot) = usize::try_from(index)
                .ok()
                .and_then(|i| self.accepted.get(i))
        {
            slot.store(true, Ordering::Relaxed);
        }
    }
}

/// `GET /healthz`: the baseline's call.
pub struct Healthz;

impl Calls for Healthz {
    fn call(&self, _index: u64) -> Call {
        Call {
            method: Method::GET,
            path: "/healthz".into(),
            body: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_messages_keep_the_conversation_ids() {
        let first = FirstMessages::new(3, 2, 4);
        let call = first.call(3);
        assert_eq!(call.path, "/api/v1/sandbox/3/inbound");
        let body: Value = serde_json::from_slice(&call.body.expect("body")).expect("json");
        assert_eq!(body["from"], customer_number(3));
        assert_eq!(body["to"], business_number(1));
        first.answered(3, 200, &Bytes::from_static(br#"{"conversation_id":77}"#));
        first.answered(1, 500, &Bytes::from_static(br#"{"conversation_id":78}"#));
        assert_eq!(first.conversations(), vec![None, None, None, Some(77)]);
    }

    #[test]
    fn tagged_messages_cycle_over_the_customers() {
        let tagged = Tagged::new(3, 2, "r", vec![5, 8], 4);
        let body: Value =
            serde_json::from_slice(&tagged.call(3).body.expect("body")).expect("json");
        assert_eq!(body["from"], customer_number(8));
        assert_eq!(body["to"], business_number(0));
        assert_eq!(body["text"], "desk r 3");
        tagged.answered(3, 200, &Bytes::new());
        assert_eq!(tagged.accepted(), vec![false, false, false, true]);
    }
}
