use super::*;
use Weekday::*;

const BUENOS_AIRES: &str = "America/Argentina/Buenos_Aires";

/// An instant written with its offset, e.g. "2026-03-02T09:00-03:00".
fn ms(rfc3339: &str) -> i64 {
    rfc3339
        .parse::<Timestamp>()
        .expect(rfc3339)
        .as_millisecond()
}

fn range(days: &[Weekday], start: &str, end: &str) -> WeeklyRange {
    WeeklyRange {
        days: days.to_vec(),
        start: start.into(),
        end: end.into(),
    }
}

fn schedule(zone: &str, weekly: Vec<WeeklyRange>) -> Schedule {
    Schedule {
        time_zone: zone.into(),
        weekly,
        holidays: Vec::new(),
        exceptions: Vec::new(),
    }
}

fn office_hours() -> Schedule {
    schedule(
        BUENOS_AIRES,
        vec![range(&[Mon, Tue, Wed, Thu, Fri], "09:00", "18:00")],
    )
}

fn exception(date: &str, ranges: &[(&str, &str)]) -> ExceptionDate {
    ExceptionDate {
        date: date.into(),
        ranges: ranges
            .iter()
            .map(|(start, end)| TimeRange {
                start: (*start).into(),
                end: (*end).into(),
            })
            .collect(),
    }
}

// 2026-03-02 is a Monday, 2026-03-06 a Friday; Buenos Aires is UTC-3 all year.

#[test]
fn open_from_the_start_of_a_range_until_just_before_its_end() {
    let s = office_hours();
    assert!(s.validate().is_ok());
    assert!(!s.is_open(ms("2026-03-02T08:59:59-03:00")));
    assert!(s.is_open(ms("2026-03-02T09:00-03:00")));
    assert!(s.is_open(ms("2026-03-02T13:30-03:00")));
    assert!(s.is_open(ms("2026-03-02T17:59:59.999-03:00")));
    assert!(!s.is_open(ms("2026-03-02T18:00-03:00")));
}

#[test]
fn closed_on_days_the_weekly_ranges_do_not_name() {
    let s = office_hours();
    assert!(!s.is_open(ms("2026-03-07T10:00-03:00")), "Saturday");
    assert!(!s.is_open(ms("2026-03-08T10:00-03:00")), "Sunday");
}

#[test]
fn the_zone_decides_the_local_day_and_time() {
    let s = office_hours();
    // Monday 11:00 UTC is 08:00 in Buenos Aires; 12:00 UTC is 09:00.
    assert!(!s.is_open(ms("2026-03-02T11:00Z")));
    assert!(s.is_open(ms("2026-03-02T12:00Z")));
    // Saturday 02:00 UTC is still Friday 23:00 in Buenos Aires.
    let late_friday = schedule(BUENOS_AIRES, vec![range(&[Fri], "22:00", "24:00")]);
    assert!(late_friday.is_open(ms("2026-03-07T02:00Z")));
}

#[test]
fn overnight_range_belongs_to_the_day_it_starts() {
    let s = schedule(BUENOS_AIRES, vec![range(&[Fri], "22:00", "06:00")]);
    assert!(!s.is_open(ms("2026-03-06T21:59-03:00")));
    assert!(s.is_open(ms("2026-03-06T22:00-03:00")));
    assert!(s.is_open(ms("2026-03-06T23:59-03:00")));
    assert!(s.is_open(ms("2026-03-07T00:00-03:00")), "Saturday midnight");
    assert!(s.is_open(ms("2026-03-07T01:00-03:00")), "Saturday 01:00");
    assert!(!s.is_open(ms("2026-03-07T06:00-03:00")));
    // Friday early morning would be Thursday night's range, which there is none of.
    assert!(!s.is_open(ms("2026-03-06T01:00-03:00")));
    assert!(!s.is_open(ms("2026-03-07T23:00-03:00")), "Saturday night");
}

#[test]
fn midnight_end_is_the_end_of_the_day() {
    let s = schedule(
        BUENOS_AIRES,
        vec![range(&[Mon, Tue, Wed, Thu, Fri], "00:00", "24:00")],
    );
    assert!(s.is_open(ms("2026-03-06T23:59:59-03:00")));
    assert!(!s.is_open(ms("2026-03-07T00:00-03:00")));
    assert_eq!(
        s.next_change(ms("2026-03-06T12:00-03:00")),
        Some(ms("2026-03-07T00:00-03:00"))
    );
}

#[test]
fn equal_start_and_end_is_a_closed_range() {
    let s = schedule(BUENOS_AIRES, vec![range(&Weekday::ALL, "10:00", "10:00")]);
    assert!(s.validate().is_ok());
    assert!(!s.is_open(ms("2026-03-02T10:00-03:00")));
    assert!(!s.is_open(ms("2026-03-02T15:00-03:00")));
    assert_eq!(s.next_change(ms("2026-03-02T00:00-03:00")), None);
}

#[test]
fn always_is_open_at_every_instant_and_never_changes() {
    let s = Schedule::always();
    assert!(s.validate().is_ok());
    for at in [
        "2026-03-02T00:00Z",
        "2026-03-08T23:59:59Z",
        "2026-12-25T12:00Z",
    ] {
        assert!(s.is_open(ms(at)), "{at}");
    }
    assert_eq!(s.next_change(ms("2026-03-02T00:00Z")), None);
}

#[test]
fn holiday_closes_its_own_date() {
    let mut s = office_hours();
    s.holidays = vec!["2026-03-02".into()];
    assert!(!s.is_open(ms("2026-03-02T10:00-03:00")));
    assert!(
        s.is_open(ms("2026-03-03T10:00-03:00")),
        "the next day is normal"
    );
}

#[test]
fn holiday_keeps_the_tail_of_the_previous_nights_range() {
    let mut s = schedule(
        BUENOS_AIRES,
        vec![
            range(&[Fri], "22:00", "06:00"),
            range(&[Sat], "09:00", "13:00"),
        ],
    );
    s.holidays = vec!["2026-03-07".into()]; // Saturday
    assert!(
        s.is_open(ms("2026-03-07T01:00-03:00")),
        "Friday's shift runs on"
    );
    assert!(!s.is_open(ms("2026-03-07T06:00-03:00")));
    assert!(
        !s.is_open(ms("2026-03-07T10:00-03:00")),
        "Saturday's own range"
    );

    // A holiday on the Friday closes the whole overnight range, tail included.
    s.holidays = vec!["2026-03-06".into()];
    assert!(!s.is_open(ms("2026-03-06T23:00-03:00")));
    assert!(!s.is_open(ms("2026-03-07T01:00-03:00")));
    assert!(s.is_open(ms("2026-03-07T10:00-03:00")));
}

#[test]
fn exception_replaces_the_weekly_ranges_of_its_date() {
    let mut s = office_hours();
    s.exceptions = vec![exception("2026-12-24", &[("09:00", "13:00")])]; // Thursday
    assert!(s.is_open(ms("2026-12-24T12:59-03:00")));
    assert!(!s.is_open(ms("2026-12-24T13:00-03:00")));
    assert!(
        !s.is_open(ms("2026-12-24T17:00-03:00")),
        "weekly range replaced"
    );
    assert!(
        s.is_open(ms("2026-12-23T17:00-03:00")),
        "the day before is normal"
    );
}

#[test]
fn exception_without_ranges_closes_the_date() {
    let mut s = office_hours();
    s.exceptions = vec![exception("2026-03-02", &[])];
    assert!(!s.is_open(ms("2026-03-02T10:00-03:00")));
    assert!(s.is_open(ms("2026-03-03T10:00-03:00")));
}

#[test]
fn exception_opens_a_day_the_weekly_ranges_leave_closed() {
    let mut s = office_hours();
    s.exceptions = vec![exception("2026-03-08", &[("20:00", "02:00")])]; // Sunday, overnight
    assert!(s.is_open(ms("2026-03-08T21:00-03:00")));
    assert!(s.is_open(ms("2026-03-09T01:00-03:00")), "runs into Monday");
    assert!(!s.is_open(ms("2026-03-09T03:00-03:00")));
}

#[test]
fn exception_keeps_the_tail_of_the_previous_nights_range() {
    let mut s = schedule(BUENOS_AIRES, vec![range(&[Fri], "22:00", "06:00")]);
    s.exceptions = vec![exception("2026-03-07", &[("10:00", "12:00")])];
    assert!(s.is_open(ms("2026-03-07T05:00-03:00")));
    assert!(s.is_open(ms("2026-03-07T11:00-03:00")));
}

#[test]
fn next_change_is_the_close_while_open_and_the_open_while_closed() {
    let s = office_hours();
    assert_eq!(
        s.next_change(ms("2026-03-02T10:00-03:00")),
        Some(ms("2026-03-02T18:00-03:00"))
    );
    assert_eq!(
        s.next_change(ms("2026-03-02T07:00-03:00")),
        Some(ms("2026-03-02T09:00-03:00"))
    );
    // Strictly after: at the opening instant itself, the next change is the close.
    assert_eq!(
        s.next_change(ms("2026-03-02T09:00-03:00")),
        Some(ms("2026-03-02T18:00-03:00"))
    );
}

#[test]
fn next_change_crosses_midnight_and_days() {
    let s = office_hours();
    // Monday evening: Tuesday morning.
    assert_eq!(
        s.next_change(ms("2026-03-02T19:00-03:00")),
        Some(ms("2026-03-03T09:00-03:00"))
    );
    // Friday evening: across the weekend to Monday.
    assert_eq!(
        s.next_change(ms("2026-03-06T19:00-03:00")),
        Some(ms("2026-03-09T09:00-03:00"))
    );
    // A holiday on Monday pushes it to Tuesday.
    let mut with_holiday = s.clone();
    with_holiday.holidays = vec!["2026-03-09".into()];
    assert_eq!(
        with_holiday.next_change(ms("2026-03-06T19:00-03:00")),
        Some(ms("2026-03-10T09:00-03:00"))
    );
}

#[test]
fn next_change_of_an_overnight_range_is_the_next_morning() {
    let s = schedule(BUENOS_AIRES, vec![range(&[Fri], "22:00", "06:00")]);
    assert_eq!(
        s.next_change(ms("2026-03-06T23:00-03:00")),
        Some(ms("2026-03-07T06:00-03:00"))
    );
    assert_eq!(
        s.next_change(ms("2026-03-07T07:00-03:00")),
        Some(ms("2026-03-13T22:00-03:00"))
    );
}

#[test]
fn ranges_that_touch_are_one_opening() {
    // Friday night into Saturday's morning range: no change at 06:00, nor at midnight.
    let s = schedule(
        BUENOS_AIRES,
        vec![
            range(&[Fri], "22:00", "06:00"),
            range(&[Sat], "00:00", "08:00"),
            range(&[Sat], "08:00", "12:00"),
        ],
    );
    assert_eq!(
        s.next_change(ms("2026-03-06T23:00-03:00")),
        Some(ms("2026-03-07T12:00-03:00"))
    );
}

#[test]
fn next_change_looks_no_further_than_fourteen_days() {
    let mut s = schedule(BUENOS_AIRES, Vec::new());
    s.exceptions = vec![exception("2026-03-20", &[("09:00", "10:00")])];
    let from = ms("2026-03-02T09:00-03:00");
    assert_eq!(s.next_change(from), None, "18 days ahead");
    assert_eq!(
        s.next_change(ms("2026-03-10T09:00-03:00")),
        Some(ms("2026-03-20T09:00-03:00"))
    );
    // Exactly 14 days ahead still counts.
    assert_eq!(
        s.next_change(ms("2026-03-06T09:00-03:00")),
        Some(ms("2026-03-20T09:00-03:00"))
    );
}

#[test]
fn compiled_and_stored_forms_agree() {
    let s = office_hours();
    let compiled = s.compile().expect("valid");
    for at in [
        "2026-03-02T08:00-03:00",
        "2026-03-02T10:00-03:00",
        "2026-03-07T10:00-03:00",
    ] {
        assert_eq!(compiled.is_open(ms(at)), s.is_open(ms(at)), "{at}");
        assert_eq!(compiled.next_change(ms(at)), s.next_change(ms(at)), "{at}");
    }
}

// Madrid springs forward on 2026-03-29 at 02:00 CET (01:00Z) to 03:00 CEST, and falls back on
// 2026-10-25 at 03:00 CEST (01:00Z) to 02:00 CET.

#[test]
fn range_over_a_spring_forward_gap_closes_when_the_clocks_jump() {
    let s = schedule("Europe/Madrid", vec![range(&[Sun], "01:00", "02:30")]);
    assert!(s.is_open(ms("2026-03-29T00:00Z")), "01:00 CET");
    assert!(s.is_open(ms("2026-03-29T00:59Z")));
    assert!(!s.is_open(ms("2026-03-29T01:00Z")), "03:00 CEST");
    assert_eq!(
        s.next_change(ms("2026-03-29T00:30Z")),
        Some(ms("2026-03-29T01:00Z"))
    );
}

#[test]
fn range_starting_in_a_spring_forward_gap_opens_when_the_clocks_jump() {
    let s = schedule("Europe/Madrid", vec![range(&[Sun], "02:30", "05:00")]);
    assert_eq!(
        s.next_change(ms("2026-03-28T12:00Z")),
        Some(ms("2026-03-29T03:00+02:00"))
    );
    assert!(s.is_open(ms("2026-03-29T04:59+02:00")));
    assert!(!s.is_open(ms("2026-03-29T05:00+02:00")));
}

#[test]
fn range_wholly_inside_a_spring_forward_gap_never_opens() {
    let s = schedule("Europe/Madrid", vec![range(&[Sun], "02:15", "02:45")]);
    assert!(!s.is_open(ms("2026-03-29T01:00Z")));
    // The next opening is the following Sunday, an ordinary one.
    assert_eq!(
        s.next_change(ms("2026-03-28T12:00Z")),
        Some(ms("2026-04-05T02:15+02:00"))
    );
}

#[test]
fn range_ending_in_the_repeated_hour_closes_once() {
    let s = schedule("Europe/Madrid", vec![range(&[Sun], "00:00", "02:30")]);
    assert!(s.is_open(ms("2026-10-25T02:29+02:00")));
    assert!(!s.is_open(ms("2026-10-25T02:30+02:00")), "first 02:30");
    assert!(!s.is_open(ms("2026-10-25T02:15+01:00")), "second 02:15");
    // After the fall back, ordinary days follow CET.
    assert_eq!(
        s.next_change(ms("2026-10-25T02:30+02:00")),
        Some(ms("2026-11-01T00:00+01:00"))
    );
}

#[test]
fn midnight_gap_in_santiago_keeps_the_night_continuous() {
    // Santiago springs forward at the start of 2024-09-08: Saturday 23:59:59 -04 is followed by
    // Sunday 01:00 -03, so Sunday 00:00 is the jump itself.
    let s = schedule(
        "America/Santiago",
        vec![
            range(&[Sat], "20:00", "24:00"),
            range(&[Sun], "00:00", "08:00"),
        ],
    );
    assert!(s.is_open(ms("2024-09-07T23:59-04:00")));
    assert!(s.is_open(ms("2024-09-08T01:00-03:00")));
    assert_eq!(
        s.next_change(ms("2024-09-07T21:00-04:00")),
        Some(ms("2024-09-08T08:00-03:00"))
    );
}

#[test]
fn validate_rejects_an_unknown_zone() {
    let err = schedule("Mars/Olympus_Mons", Vec::new())
        .validate()
        .expect_err("unknown zone");
    assert_eq!(err, r#"time_zone: unknown time zone "Mars/Olympus_Mons""#);
}

#[test]
fn validate_rejects_bad_times_naming_the_field() {
    let cases = [
        (("25:00", "26:00"), "weekly[0].start: \"25:00\""),
        (("24:00", "10:00"), "weekly[0].start: \"24:00\""),
        (("9:00", "10:00"), "weekly[0].start: \"9:00\""),
        (("09:00", "12:60"), "weekly[0].end: \"12:60\""),
        (("09:00", "24:01"), "weekly[0].end: \"24:01\""),
        (("09:00", "10h00"), "weekly[0].end: \"10h00\""),
    ];
    for ((start, end), expected) in cases {
        let err = schedule(BUENOS_AIRES, vec![range(&[Mon], start, end)])
            .validate()
            .expect_err(start);
        assert!(err.starts_with(expected), "{err}");
        assert!(err.contains("HH:MM"), "{err}");
    }
    assert!(
        schedule(BUENOS_AIRES, vec![range(&[Mon], "00:00", "24:00")])
            .validate()
            .is_ok()
    );
}

#[test]
fn validate_rejects_a_range_without_days() {
    let err = schedule(BUENOS_AIRES, vec![range(&[], "09:00", "18:00")])
        .validate()
        .expect_err("no days");
    assert_eq!(err, "weekly[0].days: name at least one day");
}

#[test]
fn validate_rejects_bad_dates() {
    for bad in [
        "2026-02-30",
        "2026/12/25",
        "26-12-25",
        "2026-12-25T00:00",
        "",
    ] {
        let mut s = office_hours();
        s.holidays = vec!["2026-01-01".into(), bad.into()];
        let err = s.validate().expect_err(bad);
        assert_eq!(
            err,
            format!("holidays[1]: {bad:?} is not a date (YYYY-MM-DD)")
        );
    }
    let mut s = office_hours();
    s.exceptions = vec![exception("2026-13-01", &[])];
    assert!(
        s.validate()
            .expect_err("month 13")
            .starts_with("exceptions[0].date:")
    );
    s.exceptions = vec![exception("2026-12-24", &[("09:00", "25:00")])];
    assert!(
        s.validate()
            .expect_err("bad range")
            .starts_with("exceptions[0].ranges[0].end:")
    );
}

#[test]
fn validate_rejects_duplicate_dates() {
    let mut s = office_hours();
    s.holidays = vec!["2026-12-25".into(), "2026-12-25".into()];
    assert_eq!(
        s.validate().expect_err("twice"),
        "holidays[1]: 2026-12-25 is listed twice"
    );

    let mut s = office_hours();
    s.exceptions = vec![exception("2026-12-24", &[]), exception("2026-12-24", &[])];
    assert_eq!(
        s.validate().expect_err("twice"),
        "exceptions[1].date: 2026-12-24 is listed twice"
    );

    let mut s = office_hours();
    s.holidays = vec!["2026-12-24".into()];
    s.exceptions = vec![exception("2026-12-24", &[("09:00", "13:00")])];
    assert_eq!(
        s.validate().expect_err("both"),
        "exceptions[0].date: 2026-12-24 is also a holiday; keep one of the two"
    );
}

#[test]
fn an_invalid_schedule_is_never_open() {
    let mut s = Schedule::always();
    s.time_zone = "Nowhere/Land".into();
    assert!(!s.is_open(ms("2026-03-02T10:00Z")));
    assert_eq!(s.next_change(ms("2026-03-02T10:00Z")), None);
}

#[test]
fn json_names_days_by_three_letters_and_rejects_unknown_keys() {
    let json = r#"{"time_zone":"America/Argentina/Buenos_Aires",
        "weekly":[{"days":["mon","fri"],"start":"09:00","end":"18:00"}],
        "exceptions":[{"date":"2026-12-24","ranges":[{"start":"09:00","end":"13:00"}]}]}"#;
    let s: Schedule = serde_json::from_str(json).expect("parses");
    assert_eq!(s.weekly[0].days, vec![Mon, Fri]);
    assert!(s.holidays.is_empty());
    assert_eq!(
        serde_json::from_str::<Schedule>(&serde_json::to_string(&s).expect("json")).expect("back"),
        s
    );
    let typo = r#"{"time_zone":"UTC","weekly":[],"holiday":["2026-01-01"]}"#;
    assert!(serde_json::from_str::<Schedule>(typo).is_err());
    let bad_day =
        r#"{"time_zone":"UTC","weekly":[{"days":["monday"],"start":"09:00","end":"18:00"}]}"#;
    assert!(serde_json::from_str::<Schedule>(bad_day).is_err());
}

#[test]
fn zones_resolve_without_the_system_database() {
    // A machine without tzdata falls back on the copy bundled into the binary.
    let bundled = jiff::tz::TimeZoneDatabase::bundled();
    for zone in [BUENOS_AIRES, "America/Santiago", "Europe/Madrid", "UTC"] {
        assert!(bundled.get(zone).is_ok(), "{zone}");
    }
}
