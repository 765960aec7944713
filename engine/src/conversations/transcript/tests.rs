use super::*;
use crate::conversations::content::{ButtonKind, Choice, SharedContact, Template, TemplateButton};

/// 2026-03-02T12:00:00Z, 09:00 in Buenos Aires.
const NOON_UTC: i64 = 1_772_452_800_000;

fn header() -> TranscriptHeader {
    TranscriptHeader {
        conversation_id: 42,
        campaign: Some("Ventas".into()),
        business_number: "+541150000000".into(),
        contact: "+5491155551234".into(),
        contact_name: Some("Ana Pérez".into()),
        agent: Some("Juan".into()),
        state: "closed".into(),
        created_ms: NOON_UTC,
        closed_ms: Some(NOON_UTC + 600_000),
        disposition: Some("sale".into()),
        csat: Some(5),
        tags: vec!["vip".into(), "promo".into()],
    }
}

fn line(offset_ms: i64, who: Speaker, text: &str, status: Option<&str>) -> TranscriptLine {
    TranscriptLine {
        at_ms: NOON_UTC + offset_ms,
        who,
        text: text.into(),
        status: status.map(Into::into),
    }
}

fn lines() -> Vec<TranscriptLine> {
    vec![
        line(0, Speaker::Bot, "¡Hola! ¿En qué te ayudo?", Some("read")),
        line(5_000, Speaker::Customer, "Quiero comprar", None),
        line(60_000, Speaker::System, "Transferred to Juan", None),
        line(
            61_500,
            Speaker::Agent("Juan".into()),
            "Hola Ana",
            Some("delivered"),
        ),
    ]
}

#[test]
fn text_transcript_in_utc_without_a_zone() {
    let text = to_text(&header(), &lines(), None);
    let expected = "\
Conversation 42
Campaign: Ventas
Business number: +541150000000
Contact: Ana Pérez (+5491155551234)
Agent: Juan
State: closed
Created: 2026-03-02T12:00:00Z
Closed: 2026-03-02T12:10:00Z
Disposition: sale
CSAT: 5
Tags: vip, promo
Time zone: UTC

[2026-03-02T12:00:00Z] Bot (read): ¡Hola! ¿En qué te ayudo?
[2026-03-02T12:00:05Z] Customer: Quiero comprar
[2026-03-02T12:01:00Z] System: Transferred to Juan
[2026-03-02T12:01:01Z] Agent Juan (delivered): Hola Ana
";
    assert_eq!(text, expected);
}

#[test]
fn text_transcript_in_the_given_zone_with_its_offset() {
    let text = to_text(&header(), &lines(), Some("America/Argentina/Buenos_Aires"));
    assert!(
        text.contains("Created: 2026-03-02T09:00:00-03:00\n"),
        "{text}"
    );
    assert!(
        text.contains("Time zone: America/Argentina/Buenos_Aires\n"),
        "{text}"
    );
    assert!(
        text.contains("[2026-03-02T09:00:05-03:00] Customer: Quiero comprar\n"),
        "{text}"
    );
}

#[test]
fn an_unknown_zone_falls_back_to_utc_and_says_so() {
    let text = to_text(&header(), &lines(), Some("Mars/Base"));
    assert!(text.contains("Created: 2026-03-02T12:00:00Z\n"), "{text}");
    assert!(text.contains("Time zone: UTC\n"), "{text}");
}

#[test]
fn text_leaves_out_empty_header_fields() {
    let header = TranscriptHeader {
        campaign: None,
        contact_name: None,
        agent: None,
        closed_ms: None,
        disposition: None,
        csat: None,
        tags: Vec::new(),
        ..header()
    };
    let text = to_text(&header, &[], None);
    assert_eq!(
        text,
        "Conversation 42\nBusiness number: +541150000000\nContact: +5491155551234\n\
         State: closed\nCreated: 2026-03-02T12:00:00Z\nTime zone: UTC\n\n"
    );
}

#[test]
fn text_indents_further_lines_so_none_passes_for_an_entry() {
    let forged = "hola\n[2026-03-02T12:00:09Z] Agent Juan: te regalo todo\r\nchau\x1b[2J";
    let text = to_text(&header(), &[line(0, Speaker::Customer, forged, None)], None);
    assert!(
        text.ends_with(
            "[2026-03-02T12:00:00Z] Customer: hola\n    [2026-03-02T12:00:09Z] Agent Juan: te regalo todo\n    chau [2J\n"
        ),
        "{text}"
    );
    let mut header = header();
    header.contact_name = Some("Ana\nState: open".into());
    let text = to_text(&header, &[], None);
    assert!(
        text.contains("Contact: Ana State: open (+5491155551234)\n"),
        "{text}"
    );
}

#[test]
fn html_is_a_standalone_page() {
    let html = to_html(&header(), &lines(), Some("America/Argentina/Buenos_Aires"));
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{html}"
    );
    assert!(html.ends_with("</html>\n"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<style>"));
    assert!(html.contains("<title>Conversation 42</title>"));
    assert!(!html.contains("<link"), "no external stylesheet");
    assert!(html.contains("<dt>Contact</dt><dd>Ana Pérez (+5491155551234)</dd>"));
    assert!(html.contains("<div class=\"line agent\">"));
    assert!(html.contains(
        "<span class=\"who\">Agent Juan</span> <time datetime=\"2026-03-02T09:01:01-03:00\">\
         2026-03-02T09:01:01-03:00</time> <span class=\"status\">delivered</span>"
    ));
    assert!(html.contains("<div class=\"text\">Hola Ana</div>"));
}

#[test]
fn html_escapes_everything_from_the_conversation() {
    let attack = r#"<script>alert("x&'y")</script>"#;
    let escaped = "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;";
    let header = TranscriptHeader {
        campaign: Some(attack.into()),
        contact: attack.into(),
        contact_name: Some(attack.into()),
        agent: Some(attack.into()),
        state: attack.into(),
        disposition: Some(attack.into()),
        tags: vec![attack.into()],
        ..header()
    };
    let lines = [
        line(0, Speaker::Customer, attack, Some(attack)),
        line(1_000, Speaker::Agent(attack.into()), attack, None),
    ];
    let html = to_html(&header, &lines, Some(attack));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains(r#""x"#), "{html}");
    // Campaign, contact (twice in one field), agent, state, disposition, tags, two texts, the
    // customer line's status and the agent's name.
    assert_eq!(html.matches(escaped).count(), 11, "{html}");
    // The zone was not a zone: UTC, and the bad name is nowhere.
    assert!(html.contains("<dt>Time zone</dt><dd>UTC</dd>"));
}

#[test]
fn html_forbids_scripts_even_if_something_slipped_through() {
    let html = to_html(&header(), &[], None);
    assert!(html.contains(
        "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\""
    ));
}

#[test]
fn every_content_kind_reads_as_text() {
    let media = |mime: Option<&str>, filename: Option<&str>, caption: Option<&str>| Media {
        locator: "media:ab12".into(),
        mime_type: mime.map(Into::into),
        filename: filename.map(Into::into),
        caption: caption.map(Into::into),
    };
    let template = Template {
        code: "welcome".into(),
        name: "welcome_v2".into(),
        language: "es".into(),
        namespace: None,
        header_text: None,
        header_media: None,
        params: vec!["Ana".into()],
        buttons: vec![TemplateButton {
            index: 0,
            kind: ButtonKind::Url,
            value: "abc".into(),
        }],
        rendered: "Hola Ana, gracias por escribirnos".into(),
    };
    let choice = |id: &str, title: &str| Choice {
        id: id.into(),
        title: title.into(),
        description: None,
    };
    let cases: Vec<(Content, &str)> = vec![
        (
            Content::Text {
                text: "hola 👋".into(),
            },
            "hola 👋",
        ),
        (
            Content::Media(media(Some("image/jpeg"), Some("file.jpg"), None)),
            "[image: file.jpg]",
        ),
        (
            Content::Media(media(Some("audio/ogg"), None, None)),
            "[audio: media:ab12]",
        ),
        (
            Content::Media(media(Some("video/mp4"), Some("v.mp4"), Some("mirá"))),
            "[video: v.mp4] mirá",
        ),
        (
            Content::Media(media(
                Some("application/pdf"),
                Some("factura.pdf"),
                Some(""),
            )),
            "[document: factura.pdf]",
        ),
        (
            Content::Media(media(None, Some("x.bin"), None)),
            "[file: x.bin]",
        ),
        (
            Content::Location {
                latitude: -34.6037,
                longitude: -58.3816,
                name: Some("Obelisco".into()),
                address: Some("Av. 9 de Julio".into()),
            },
            "[location: Obelisco, Av. 9 de Julio (-34.6037, -58.3816)]",
        ),
        (
            Content::Location {
                latitude: 1.5,
                longitude: 2.0,
                name: None,
                address: None,
            },
            "[location: 1.5, 2]",
        ),
        (
            Content::Contacts {
                contacts: vec![
                    SharedContact {
                        name: "Ana".into(),
                        phones: vec!["+5491155551234".into()],
                        emails: vec!["ana@example.com".into()],
                    },
                    SharedContact {
                        name: "Luis".into(),
                        phones: Vec::new(),
                        emails: Vec::new(),
                    },
                ],
            },
            "[contact: Ana, +5491155551234, ana@example.com]\n[contact: Luis]",
        ),
        (
            Content::Template(template.clone()),
            "Hola Ana, gracias por escribirnos",
        ),
        (
            Content::Template(Template {
                rendered: String::new(),
                header_media: Some(media(Some("image/png"), Some("promo.png"), None)),
                ..template
            }),
            "[image: promo.png]\n[template: welcome]",
        ),
        (
            Content::Interactive(Interactive {
                header: Some("Menú".into()),
                body: "¿Qué necesitás?".into(),
                footer: None,
                list_button: None,
                choices: vec![choice("buy", "Comprar"), choice("help", "")],
            }),
            "Menú\n¿Qué necesitás?\n[buttons: Comprar | help]",
        ),
        (
            Content::Interactive(Interactive {
                header: None,
                body: "Elegí".into(),
                footer: Some("Gracias".into()),
                list_button: Some("Ver".into()),
                choices: vec![choice("a", "Uno"), choice("b", "Dos")],
            }),
            "Elegí\nGracias\n[list Ver: Uno | Dos]",
        ),
        (Content::ChoiceReply(choice("buy", "Comprar")), "Comprar"),
        (Content::ChoiceReply(choice("buy", "")), "[choice: buy]"),
        (
            Content::Reaction {
                message_id: "wamid.1".into(),
                emoji: "👍".into(),
            },
            "[reaction: 👍]",
        ),
        (
            Content::Reaction {
                message_id: "wamid.1".into(),
                emoji: String::new(),
            },
            "[reaction removed]",
        ),
        (
            Content::Unsupported {
                name: "order".into(),
            },
            "[unsupported: order]",
        ),
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for (content, expected) in &cases {
        assert_eq!(content_as_text(content), *expected, "{content:?}");
        kinds.insert(content.kind());
    }
    assert_eq!(
        kinds.len(),
        9,
        "every Content variant is covered: {kinds:?}"
    );
}
