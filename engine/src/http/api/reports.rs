//! `/api/v1/reports/hourly`: a campaign's day hour by hour — volume, service level and waiting
//! time — for the supervisor's dashboard charts. Computed from the stored conversations (the
//! same samples as the service-level report), so it survives restarts and needs no counters.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock;
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::routing::campaign::CampaignSettings;
use crate::routing::service_level::{SlCounter, SlSample};

/// Routes; the handler checks the role.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/reports/hourly", get(hourly))
}

/// Which day of which campaign.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HourlyQuery {
    pub campaign_id: i64,
    /// The day, `YYYY-MM-DD` (default: today in `tz`).
    pub date: Option<String>,
    /// IANA time zone the day and hours are in (default UTC), e.g. `America/Argentina/Buenos_Aires`.
    pub tz: Option<String>,
}

/// One hour of the day.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct HourRow {
    /// Hour start, RFC 3339.
    pub start: String,
    /// Hour of day in `tz`, 0–23.
    pub hour: i8,
    /// Conversations that entered the queue in this hour.
    pub queued: u64,
    /// Of those, answered by an agent.
    pub answered: u64,
    /// Of those, abandoned by the customer.
    pub abandoned: u64,
    /// Service level of those, percent; absent when nothing counts.
    pub service_level: Option<f64>,
    /// Mean wait until answered or abandoned, seconds; absent when none ended waiting.
    pub avg_wait_secs: Option<f64>,
    /// Longest such wait, seconds.
    pub max_wait_secs: Option<f64>,
}

/// The day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HourlyReport {
    pub campaign_id: i64,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub tz: String,
    pub threshold_secs: u32,
    /// Over the whole day.
    pub queued: u64,
    pub service_level: Option<f64>,
    pub avg_wait_secs: Option<f64>,
    /// One row per hour of the day (23 or 25 on a daylight-saving change).
    pub hours: Vec<HourRow>,
}

/// A campaign's day, hour by hour, by the time conversations were queued.
#[utoipa::path(get, path = "/api/v1/reports/hourly", tag = "supervisor", params(HourlyQuery),
    responses((status = 200, body = HourlyReport), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn hourly(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<HourlyQuery>,
) -> Result<Json<HourlyReport>, ApiError> {
    let tz_name = query.tz.as_deref().unwrap_or("UTC");
    let tz = jiff::tz::TimeZone::get(tz_name)
        .map_err(|_| ApiError::new("invalid", format!("tz: `{tz_name}` is not a time zone")))?;
    let date: jiff::civil::Date = match query.date.as_deref() {
        Some(text) => text
            .parse()
            .map_err(|_| ApiError::new("invalid", format!("date: `{text}` is not YYYY-MM-DD")))?,
        None => jiff::Timestamp::from_millisecond(clock::now_ms())
            .map_err(ApiError::internal)?
            .to_zoned(tz.clone())
            .date(),
    };
    let hours = hour_starts(date, &tz)?;
    let (from, to) = (hours[0].1, hours[hours.len() - 1].1);
    let (settings, samples) =
        campaign_samples(&state, &principal, query.campaign_id, from, to).await?;
    let threshold = i64::from(settings.service_level_secs) * 1000;
    let rows = by_hour(&samples, threshold, &hours);
    let whole = summarize(&samples, threshold);
    Ok(Json(HourlyReport {
        campaign_id: query.campaign_id,
        date: date.to_string(),
        tz: tz_name.to_owned(),
        threshold_secs: settings.service_level_secs,
        queued: whole.queued,
        service_level: whole.service_level,
        avg_wait_secs: whole.avg_wait_secs,
        hours: rows,
    }))
}

/// What both service-level reports start from: the campaign's settings (its threshold) and the
/// conversations it queued between `from` and `to`, once the caller is known to be a supervisor
/// who sees the campaign.
pub(super) async fn campaign_samples(
    state: &AppState,
    principal: &Principal,
    campaign_id: i64,
    from: i64,
    to: i64,
) -> Result<(CampaignSettings, Vec<SlSample>), ApiError> {
    principal.require(Role::Supervisor)?;
    if !principal.sees_campaign(campaign_id) {
        return Err(ApiError::new(
            "forbidden",
            "that campaign is not in your scope",
        ));
    }
    let store = &state.messaging()?.store;
    let campaign = store
        .campaign(campaign_id)
        .await?
        .ok_or_else(|| ApiError::new("not_found", format!("no campaign {campaign_id}")))?;
    let settings: CampaignSettings = serde_json::from_str(&campaign.settings).unwrap_or_default();
    let samples = store
        .service_level_samples(campaign_id, from, to)
        .await?
        .into_iter()
        .map(|(queued_ms, first_reply_ms, abandoned_ms)| SlSample {
            queued_ms,
            first_reply_ms,
            abandoned_ms,
        })
        .collect();
    Ok((settings, samples))
}

/// The starts of the day's hours in `tz` (hour of day, ms), and the next day's start last.
fn hour_starts(
    date: jiff::civil::Date,
    tz: &jiff::tz::TimeZone,
) -> Result<Vec<(i8, i64)>, ApiError> {
    let invalid = |e: jiff::Error| ApiError::new("invalid", format!("date: {e}"));
    let start = date.to_zoned(tz.clone()).map_err(invalid)?;
    let end = date
        .tomorrow()
        .map_err(invalid)?
        .to_zoned(tz.clone())
        .map_err(invalid)?
        .timestamp()
        .as_millisecond();
    let mut hours = Vec::with_capacity(26);
    let mut at = start.timestamp().as_millisecond();
    // Step in absolute hours, so a daylight-saving day has 23 or 25 of them.
    while at < end {
        let zoned = jiff::Timestamp::from_millisecond(at)
            .map_err(invalid)?
            .to_zoned(tz.clone());
        hours.push((zoned.hour(), at));
        at += 3_600_000;
    }
    hours.push((0, end));
    Ok(hours)
}

/// Figures of one set of samples.
struct Summary {
    queued: u64,
    answered: u64,
    abandoned: u64,
    service_level: Option<f64>,
    avg_wait_secs: Option<f64>,
    max_wait_secs: Option<f64>,
}

fn summarize(samples: &[SlSample], threshold_ms: i64) -> Summary {
    let mut counter = SlCounter::new(threshold_ms);
    let (mut answered, mut abandoned) = (0, 0);
    let mut waits = Vec::new();
    for sample in samples {
        counter.record(sample);
        match (sample.first_reply_ms, sample.abandoned_ms) {
            (Some(reply), _) => {
                answered += 1;
                waits.push(reply - sample.queued_ms);
            }
            (None, Some(gone)) => {
                abandoned += 1;
                waits.push(gone - sample.queued_ms);
            }
            (None, None) => {}
        }
    }
    let secs = |ms: i64| ms.max(0) as f64 / 1000.0;
    Summary {
        queued: samples.len() as u64,
        answered,
        abandoned,
        service_level: counter.percent(),
        avg_wait_secs: (!waits.is_empty())
            .then(|| secs(waits.iter().sum::<i64>()) / waits.len() as f64),
        max_wait_secs: waits.iter().max().map(|&ms| secs(ms)),
    }
}

/// One row per hour; `hours` as [`hour_starts`] gives them (the last entry is the day's end).
fn by_hour(samples: &[SlSample], threshold_ms: i64, hours: &[(i8, i64)]) -> Vec<HourRow> {
    hours
        .windows(2)
        .map(|pair| {
            let ((hour, start), (_, end)) = (pair[0], pair[1]);
            let inside: Vec<SlSample> = samples
                .iter()
                .filter(|s| s.queued_ms >= start && s.queued_ms < end)
                .copied()
                .collect();
            let summary = summarize(&inside, threshold_ms);
            HourRow {
                start: clock::rfc3339(start),
                hour,
                queued: summary.queued,
                answered: summary.answered,
                abandoned: summary.abandoned,
                service_level: summary.service_level,
                avg_wait_secs: summary.avg_wait_secs,
                max_wait_secs: summary.max_wait_secs,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str, tz: &str) -> Vec<(i8, i64)> {
        let tz = jiff::tz::TimeZone::get(tz).expect("zone");
        hour_starts(text.parse().expect("date"), &tz).expect("hours")
    }

    fn at(text: &str) -> i64 {
        text.parse::<jiff::Timestamp>()
            .expect("instant")
            .as_millisecond()
    }

    #[test]
    fn a_day_has_its_hours_in_the_zone() {
        let utc = day("2026-03-10", "UTC");
        assert_eq!(utc.len(), 25, "24 hours and the end");
        assert_eq!(utc[0], (0, at("2026-03-10T00:00:00Z")));
        assert_eq!(utc[24].1, at("2026-03-11T00:00:00Z"));
        // Buenos Aires is UTC-3 all year: its day starts at 03:00 UTC.
        let ba = day("2026-03-10", "America/Argentina/Buenos_Aires");
        assert_eq!(ba[0], (0, at("2026-03-10T03:00:00Z")));
        assert_eq!(ba[13].0, 13);
        // New York springs forward on 2026-03-08: a 23-hour day, 02:00 missing.
        let ny = day("2026-03-08", "America/New_York");
        assert_eq!(ny.len(), 24);
        assert_eq!(ny[2].0, 3);
    }

    #[test]
    fn hours_count_volume_service_level_and_waits() {
        let hours = day("2026-03-10", "UTC");
        let sample = |queued: &str, reply: Option<i64>, gone: Option<i64>| {
            let queued_ms = at(queued);
            SlSample {
                queued_ms,
                first_reply_ms: reply.map(|s| queued_ms + s * 1000),
                abandoned_ms: gone.map(|s| queued_ms + s * 1000),
            }
        };
        let samples = [
            // 09:00 hour: answered in 10 s (in time), in 40 s (late), abandoned after 50 s.
            sample("2026-03-10T09:05:00Z", Some(10), None),
            sample("2026-03-10T09:30:00Z", Some(40), None),
            sample("2026-03-10T09:59:59Z", None, Some(50)),
            // 14:00 hour: abandoned after 5 s (before the threshold: counts nowhere) and one
            // still waiting.
            sample("2026-03-10T14:00:00Z", None, Some(5)),
            sample("2026-03-10T14:10:00Z", None, None),
        ];
        let rows = by_hour(&samples, 20_000, &hours);
        assert_eq!(rows.len(), 24);
        let nine = &rows[9];
        assert_eq!(
            (nine.hour, nine.queued, nine.answered, nine.abandoned),
            (9, 3, 2, 1)
        );
        let sl = nine.service_level.expect("service level");
        assert!(
            (sl - 100.0 / 3.0).abs() < 1e-9,
            "1 in time of 3 counted: {sl}"
        );
        assert_eq!(nine.avg_wait_secs, Some(100.0 / 3.0));
        assert_eq!(nine.max_wait_secs, Some(50.0));
        let two = &rows[14];
        assert_eq!((two.queued, two.answered, two.abandoned), (2, 0, 1));
        assert_eq!(two.service_level, None, "an early abandon counts nowhere");
        assert_eq!(two.avg_wait_secs, Some(5.0));
        let quiet = &rows[3];
        assert_eq!(
            (quiet.queued, quiet.service_level, quiet.avg_wait_secs),
            (0, None, None)
        );
        assert_eq!(quiet.start, "2026-03-10T03:00:00Z");
        let whole = summarize(&samples, 20_000);
        assert_eq!(whole.queued, 5);
        assert_eq!(whole.service_level, Some(100.0 / 3.0));
    }
}
