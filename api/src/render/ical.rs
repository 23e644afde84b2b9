//! An agreement's dialogue events as an RFC 5545 calendar (`icalendar` writes the lines,
//! escapes text and folds long lines). Times are UTC (`…Z`), so no `VTIMEZONE` is needed;
//! `X-WR-TIMEZONE` tells calendar apps the zone to show them in. Each event's `UID` is its
//! id, `SEQUENCE` its sequence (bumped by every change), and a cancelled event stays in the
//! feed as `STATUS:CANCELLED` so that subscribers remove it. `DTSTAMP` is the event's last
//! change, not the time of the request, so the feed (and its ETag) only moves with the events.

use icalendar::{Calendar, Component, Event, EventLike, EventStatus as IcalStatus};
use samverkan_domain::dialogue::{DialogueEvent, EventStatus, TIME_ZONE};

/// RFC 5545 text allows no bare carriage return: line breaks are `\n` once escaped.
fn text(t: &str) -> String {
    t.replace("\r\n", "\n").replace('\r', "\n")
}

pub fn calendar(name: &str, events: &[&DialogueEvent]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//Samverkan//Dialogue events//SV"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        .append_property(("X-WR-TIMEZONE", TIME_ZONE));
    if !name.is_empty() {
        cal.name(&text(name));
    }
    for e in events {
        let d = e.details();
        let stamp = e.history().last().map_or(d.starts_at, |h| h.at);
        let mut ev = Event::new();
        ev.uid(&format!("{}@samverkan", e.id()))
            .timestamp(stamp)
            .sequence(e.sequence())
            .summary(&text(&d.title))
            .starts(d.starts_at)
            .ends(d.ends_at)
            .status(match e.status() {
                EventStatus::Cancelled => IcalStatus::Cancelled,
                EventStatus::Scheduled | EventStatus::Held => IcalStatus::Confirmed,
            });
        if let Some(description) = &d.description {
            ev.description(&text(description));
        }
        match (&d.place, &d.online_link) {
            (Some(place), _) => {
                ev.location(&text(place));
            }
            (None, Some(link)) => {
                ev.location(link);
            }
            (None, None) => {}
        }
        if let Some(link) = &d.online_link {
            ev.url(link);
        }
        cal.push(ev.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use samverkan_domain::dialogue::{EventInput, EventKind};
    use uuid::Uuid;

    use super::*;

    #[test]
    fn text_is_escaped_times_are_utc_and_a_cancellation_shows() {
        let at = |h| Utc.with_ymd_and_hms(2027, 3, 10, h, 0, 0).unwrap();
        let mut e = DialogueEvent::announce_for(
            Uuid::from_u128(5),
            Uuid::from_u128(6),
            &[Uuid::from_u128(1)],
            EventInput {
                kind: EventKind::Conference,
                title: "Konferens; dialog, och samtal".into(),
                starts_at: at(14),
                ends_at: at(16),
                time_zone: TIME_ZONE.into(),
                place: Some("Sal Åsa\r\nStadshuset".into()),
                online_link: None,
                description: Some("Rad ett\\två".into()),
                organiser_party_id: Uuid::from_u128(1),
                capacity: None,
                registration_closes_at: at(12),
            },
            vec![],
            at(8),
        )
        .unwrap();
        e.cancel(None, at(9)).unwrap();
        let ics = calendar("Överenskommelsen", &[&e]);
        assert!(
            ics.contains("SUMMARY:Konferens\\; dialog\\, och samtal\r\n"),
            "{ics}"
        );
        assert!(ics.contains("LOCATION:Sal Åsa\\nStadshuset\r\n"), "{ics}");
        assert!(ics.contains("DESCRIPTION:Rad ett\\\\två\r\n"), "{ics}");
        assert!(ics.contains("DTSTART:20270310T140000Z\r\n"), "{ics}");
        assert!(ics.contains("SEQUENCE:1\r\n"), "{ics}");
        assert!(ics.contains("STATUS:CANCELLED\r\n"), "{ics}");
        assert!(ics.contains("DTSTAMP:20270310T090000Z\r\n"), "{ics}");
        assert!(!ics.replace("\r\n", "").contains('\r'), "no bare CR: {ics}");
    }
}
