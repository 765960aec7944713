//! `/metrics`: Prometheus (OpenMetrics text) exposition.
//!
//! The plugin counters live in the registry (each version counts its own calls); a scrape
//! reads them from `registry.list()` and encodes them, so there is no second set of counters
//! to keep in step. Labels are plugin name, version and kind only: never a phone number or a
//! conversation id, whose cardinality would grow without bound.

use std::time::UNIX_EPOCH;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::error::ApiError;
use super::state::AppState;
use crate::plugins::PluginView;

/// The OpenMetrics content type the text encoder produces.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let plugins = state
        .registry_if_ready()
        .map(|r| r.list())
        .unwrap_or_default();
    let started_at = state
        .started_at()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let messaging = state
        .messaging()
        .map(|m| m.stats.counters())
        .unwrap_or_default();
    let text = encode(Snapshot {
        plugins,
        started_at,
        ready: state.is_ready(),
        messaging,
    })
    .map_err(ApiError::internal)?;
    Ok(([(CONTENT_TYPE, OPENMETRICS)], text).into_response())
}

/// Encodes one scrape's worth of figures.
fn encode(snapshot: Snapshot) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(snapshot));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)?;
    Ok(text)
}

/// What one scrape shows, read at scrape time.
#[derive(Debug)]
struct Snapshot {
    plugins: Vec<PluginView>,
    /// Unix time the process started, in seconds.
    started_at: f64,
    ready: bool,
    /// Messaging counters: `(name, help, value)`.
    messaging: Vec<(&'static str, &'static str, u64)>,
}

impl Collector for Snapshot {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let start = ConstGauge::new(self.started_at);
        start.encode(encoder.encode_descriptor(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch, in seconds.",
            None,
            start.metric_type(),
        )?)?;
        let ready = ConstGauge::new(i64::from(self.ready));
        ready.encode(encoder.encode_descriptor(
            "switchboard_ready",
            "1 once the store and the plugin registry are loaded.",
            None,
            ready.metric_type(),
        )?)?;
        for (name, help, value) in &self.messaging {
            let counter = ConstCounter::new(*value);
            counter.encode(encoder.encode_descriptor(
                name,
                help,
                None,
                counter.metric_type(),
            )?)?;
        }
        self.encode_versions(
            &mut encoder,
            "switchboard_plugin_calls",
            "Calls of a plugin version since start.",
            |v| v.calls,
        )?;
        self.encode_versions(
            &mut encoder,
            "switchboard_plugin_errors",
            "Failed calls (trap, timeout, out of memory, invalid output) of a plugin version since start.",
            |v| v.errors,
        )?;
        self.encode_versions(
            &mut encoder,
            "switchboard_plugin_fallbacks",
            "Routing passes the native fallback answered because a plugin version failed.",
            |v| v.fallbacks,
        )?;
        self.encode_latency(&mut encoder)?;
        self.encode_active(&mut encoder)
    }
}

impl Snapshot {
    /// One counter family with a sample per plugin version.
    fn encode_versions(
        &self,
        encoder: &mut DescriptorEncoder,
        name: &str,
        help: &str,
        value: impl Fn(&crate::plugins::VersionView) -> u64,
    ) -> Result<(), std::fmt::Error> {
        let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
        for plugin in &self.plugins {
            for version in &plugin.versions {
                let labels = labels(plugin, &version.version);
                ConstCounter::new(value(version)).encode(family.encode_family(&labels)?)?;
            }
        }
        Ok(())
    }

    /// Call durations per plugin version.
    fn encode_latency(&self, encoder: &mut DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut family = encoder.encode_descriptor(
            "switchboard_plugin_call_duration_seconds",
            "Duration of plugin calls, from taking an instance to the answer.",
            None,
            MetricType::Histogram,
        )?;
        for plugin in &self.plugins {
            for version in &plugin.versions {
                let labels = labels(plugin, &version.version);
                let latency = &version.latency;
                family
                    .encode_family(&labels)?
                    .encode_histogram::<prometheus_client::encoding::NoLabelSet>(
                        latency.sum_seconds,
                        latency.count,
                        &latency.buckets,
                        None,
                    )?;
            }
        }
        Ok(())
    }

    /// A gauge that is 1 for the active version of each plugin: what a dashboard joins on.
    fn encode_active(&self, encoder: &mut DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let mut family = encoder.encode_descriptor(
            "switchboard_plugin_active",
            "1 for the version of each plugin that serves calls.",
            None,
            MetricType::Gauge,
        )?;
        for plugin in &self.plugins {
            let Some(version) = &plugin.active_version else {
                continue;
            };
            let labels = labels(plugin, version);
            ConstGauge::new(1i64).encode(family.encode_family(&labels)?)?;
        }
        Ok(())
    }
}

/// The labels of one plugin version's samples: name, version and kind, nothing unbounded.
fn labels<'a>(plugin: &'a PluginView, version: &'a str) -> [(&'static str, &'a str); 3] {
    [
        ("plugin", plugin.name.as_str()),
        ("version", version),
        ("kind", plugin.kind.as_str()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugins::latency::LatencySnapshot;
    use crate::plugins::{PluginKind, Source, VersionView};

    fn version(version: &str, calls: u64, errors: u64, active: bool) -> VersionView {
        VersionView {
            name: "least-busy".into(),
            version: version.into(),
            kind: PluginKind::Strategy,
            sha256: "00".into(),
            size: 1,
            source: Source::Installed,
            description: String::new(),
            installed_at: None,
            calls,
            errors,
            fallbacks: errors,
            latency: LatencySnapshot {
                buckets: vec![(0.000_05, calls), (f64::MAX, 0)],
                count: calls,
                sum_seconds: calls as f64 * 0.00003,
            },
            active,
        }
    }

    #[test]
    fn counts_are_labelled_by_plugin_and_version() {
        let plugins = vec![PluginView {
            name: "least-busy".into(),
            kind: PluginKind::Strategy,
            active_version: Some("1.1.0".into()),
            previous_version: Some("1.0.0".into()),
            activated_at: None,
            sha256: None,
            calls: 7,
            errors: 1,
            fallbacks: 1,
            versions: vec![version("1.0.0", 3, 0, false), version("1.1.0", 7, 1, true)],
        }];
        let text = encode(Snapshot {
            plugins,
            started_at: 1.5,
            ready: true,
            messaging: vec![(
                "switchboard_messages_received",
                "Inbound messages stored.",
                42,
            )],
        })
        .expect("encodes");
        assert!(
            text.contains("switchboard_messages_received_total 42"),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_calls_total{plugin="least-busy",version="1.1.0",kind="strategy"} 7"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_errors_total{plugin="least-busy",version="1.1.0",kind="strategy"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_calls_total{plugin="least-busy",version="1.0.0",kind="strategy"} 3"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_fallbacks_total{plugin="least-busy",version="1.1.0",kind="strategy"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_active{plugin="least-busy",version="1.1.0",kind="strategy"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_call_duration_seconds_bucket{le="+Inf",plugin="least-busy",version="1.1.0",kind="strategy"} 7"#),
            "{text}"
        );
        assert!(
            text.contains(r#"switchboard_plugin_call_duration_seconds_count{plugin="least-busy",version="1.1.0",kind="strategy"} 7"#),
            "{text}"
        );
        assert!(text.contains("switchboard_ready 1"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
