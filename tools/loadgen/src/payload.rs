//! The requests a `webhook` run sends: WhatsApp Cloud API notifications of one inbound text
//! message each (providers.md §2.2, §2.3), signed the way Meta signs them (§2.5):
//! `X-Hub-Signature-256: sha256=<lowercase hex of HMAC-SHA256(app secret, raw body)>`.
//!
//! The body is written from a template rather than through a JSON value: the varying fields are
//! digits and fixed ASCII, the given ids are escaped once, and at tens of thousands of requests
//! a second the generator must cost less than the target it measures.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header Meta signs notifications with.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// The first sender number (Argentine mobile, WhatsApp form); others count up from it.
const FIRST_SENDER: u64 = 5_491_100_000_000;

/// Builds request `index` of a run.
#[derive(Debug, Clone)]
pub struct Generator {
    /// `metadata.phone_number_id`, JSON-escaped with its quotes.
    phone_number_id: String,
    /// `entry[].id`, the WhatsApp Business Account id, JSON-escaped with its quotes.
    waba_id: String,
    /// Makes this run's message ids differ from every other run's.
    run_id: String,
    /// Each message id is sent this many times in a row (1: every request is a new message).
    repeat_ids: u64,
    /// Number of distinct customers the messages come from.
    senders: u64,
}

/// One generated request: the message id it carries and its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `messages[0].id`, the provider's message id (deduplication key).
    pub message_id: String,
    /// The raw JSON body, exactly the bytes signed.
    pub body: Vec<u8>,
}

impl Generator {
    /// A generator for the given business number. `repeat_ids` and `senders` below 1 count as 1.
    pub fn new(
        phone_number_id: &str,
        waba_id: &str,
        run_id: &str,
        repeat_ids: u64,
        senders: u64,
    ) -> Generator {
        Generator {
            phone_number_id: json_string(phone_number_id),
            waba_id: json_string(waba_id),
            run_id: run_id.chars().filter(char::is_ascii_alphanumeric).collect(),
            repeat_ids: repeat_ids.max(1),
            senders: senders.max(1),
        }
    }

    /// The message id request `index` carries: `wamid.` and a run-unique suffix; requests
    /// `k·repeat_ids … (k+1)·repeat_ids − 1` share one.
    pub fn message_id(&self, index: u64) -> String {
        format!("wamid.LG{}.{}", self.run_id, index / self.repeat_ids)
    }

    /// Request `index`, stamped with `unix_seconds` as the message's `timestamp`.
    pub fn request(&self, index: u64, unix_seconds: u64) -> Request {
        let message_id = self.message_id(index);
        let message = index / self.repeat_ids;
        let customer = message % self.senders;
        let from = FIRST_SENDER + customer;
        let body = format!(
            concat!(
                r#"{{"object":"whatsapp_business_account","entry":[{{"id":{waba},"changes":[{{"#,
                r#""value":{{"messaging_product":"whatsapp","metadata":{{"#,
                r#""display_phone_number":"15550783881","phone_number_id":{number}}},"#,
                r#""contacts":[{{"profile":{{"name":"Load Customer {customer}"}},"wa_id":"{from}"}}],"#,
                r#""messages":[{{"from":"{from}","id":"{id}","timestamp":"{ts}","type":"text","#,
                r#""text":{{"body":"load test message {message}"}}}}]}},"field":"messages"}}]}}]}}"#,
            ),
            waba = self.waba_id,
            number = self.phone_number_id,
            customer = customer,
            from = from,
            id = message_id,
            ts = unix_seconds,
            message = message,
        );
        Request {
            message_id,
            body: body.into_bytes(),
        }
    }
}

/// The `X-Hub-Signature-256` value for `body`: `sha256=` and 64 lowercase hex digits.
pub fn signature(app_secret: &[u8], body: &[u8]) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail here.
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// providers.md "Composed test vectors", Meta. Checked independently with
    /// `printf %s "$BODY" | openssl dgst -sha256 -hmac d41d8cd98f00b204e9800998ecf8427e`
    /// → `a5e53727b2f5d090495f438af4a651e260927ea1705f60769b3b0f5302a8b89a`.
    #[test]
    fn signature_matches_the_known_meta_vector() {
        let body = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}"#;
        assert_eq!(
            signature(b"d41d8cd98f00b204e9800998ecf8427e", body.as_bytes()),
            "sha256=a5e53727b2f5d090495f438af4a651e260927ea1705f60769b3b0f5302a8b89a"
        );
    }

    /// `printf %s hello | openssl dgst -sha256 -hmac key`.
    #[test]
    fn signature_of_a_short_body() {
        assert_eq!(
            signature(b"key", b"hello"),
            "sha256=9307b3b915efb5171ff14d8cb55fbcc798c6c0ef1456d66ded1a6aa723a58b7b"
        );
    }

    #[test]
    fn body_is_a_real_format_inbound_text_notification() {
        let generator = Generator::new("106540352242922", "102290129340398", "r1", 1, 1000);
        let request = generator.request(1234, 1_749_416_383);
        let body: Value = serde_json::from_slice(&request.body).expect("valid JSON");
        assert_eq!(body["object"], "whatsapp_business_account");
        let entry = &body["entry"][0];
        assert_eq!(entry["id"], "102290129340398");
        let change = &entry["changes"][0];
        assert_eq!(change["field"], "messages");
        let value = &change["value"];
        assert_eq!(value["messaging_product"], "whatsapp");
        assert_eq!(value["metadata"]["phone_number_id"], "106540352242922");
        let contact = &value["contacts"][0];
        assert_eq!(contact["profile"]["name"], "Load Customer 234");
        assert_eq!(contact["wa_id"], "5491100000234");
        let message = &value["messages"][0];
        assert_eq!(message["from"], "5491100000234");
        assert_eq!(message["id"], "wamid.LGr1.1234");
        assert_eq!(message["id"], request.message_id.as_str());
        assert_eq!(message["timestamp"], "1749416383");
        assert_eq!(message["type"], "text");
        assert_eq!(message["text"]["body"], "load test message 1234");
    }

    #[test]
    fn ids_are_unique_unless_repeated_on_purpose() {
        let once = Generator::new("1", "2", "run", 1, 10);
        assert_ne!(once.message_id(0), once.message_id(1));
        let thrice = Generator::new("1", "2", "run", 3, 10);
        let ids: Vec<String> = (0..6).map(|i| thrice.message_id(i)).collect();
        assert_eq!(ids[0], ids[2]);
        assert_ne!(ids[2], ids[3]);
        assert_eq!(ids[3], ids[5]);
        assert_ne!(
            Generator::new("1", "2", "a", 1, 1).message_id(0),
            Generator::new("1", "2", "b", 1, 1).message_id(0),
            "runs do not collide"
        );
    }

    #[test]
    fn given_ids_are_escaped() {
        let generator = Generator::new("1\"2", "3", "r", 1, 1);
        let body: Value =
            serde_json::from_slice(&generator.request(0, 0).body).expect("valid JSON");
        assert_eq!(
            body["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"],
            "1\"2"
        );
    }
}
