//! `biz_opaque_callback_data`: a string set on a send that Meta echoes in every status of that
//! message. It carries the host's message id, so a message whose send answer was lost (a crash
//! between the request and the receipt) can still be matched to its statuses.

/// The prefix that tells our ids from a tracker another system set on the same number.
const PREFIX: &str = "switchboard:";

/// The value sent for host message `id`.
pub fn encode(id: u64) -> String {
    format!("{PREFIX}{id}")
}

/// The host message id in an echoed value, when it is one of ours.
pub fn decode(value: &str) -> Option<u64> {
    let digits = value.strip_prefix(PREFIX)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_foreign_values_are_ignored() {
        assert_eq!(decode(&encode(42)), Some(42));
        assert_eq!(decode(&encode(u64::MAX)), Some(u64::MAX));
        for foreign in [
            "42",
            "switchboard:",
            "switchboard:+4",
            "switchboard:99999999999999999999",
            "order-7",
        ] {
            assert_eq!(decode(foreign), None, "{foreign}");
        }
    }
}
