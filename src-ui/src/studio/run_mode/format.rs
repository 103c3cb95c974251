//! How the Run mode writes durations and long names.

/// `text` cut with "…" to at most `max` characters.
pub(super) fn shorten(text: &str, max: usize) -> String {
    stepcraft::graph::shorten(text, max)
}

/// An ARN in at most `max` characters: whole when it fits, else its service and as many of
/// its last parts as fit (`arn:aws:lambda:…:ProcessOrder`), else as many of its last parts as
/// fit (`…:function:ProcessOrderPayments`), else its end. Other text is cut at the end.
pub fn short_arn(arn: &str, max: usize) -> String {
    if arn.chars().count() <= max {
        return arn.to_owned();
    }
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() < 6 || parts[0] != "arn" {
        return shorten(arn, max);
    }
    let head = parts[..3].join(":");
    let with_head = max.saturating_sub(head.chars().count() + ":…:".chars().count());
    if let Some(tail) = last_parts(&parts[3..], with_head) {
        return format!("{head}:…:{tail}");
    }
    if let Some(tail) = last_parts(&parts[3..], max.saturating_sub("…:".chars().count())) {
        return format!("…:{tail}");
    }
    let end: Vec<char> = arn.chars().rev().take(max.saturating_sub(1)).collect();
    format!("…{}", end.into_iter().rev().collect::<String>())
}

/// As many of the last `parts` as fit in `room` characters, joined with `:`; `None` when not
/// even the last fits.
fn last_parts(parts: &[&str], room: usize) -> Option<String> {
    let mut used = 0;
    let mut taken = 0;
    for part in parts.iter().rev() {
        let more = part.chars().count() + usize::from(taken > 0);
        if used + more > room {
            break;
        }
        used += more;
        taken += 1;
    }
    (taken > 0).then(|| parts[parts.len() - taken..].join(":"))
}

/// A duration on the virtual clock: `850 ms`, `12.5 s`, `3 min 20 s`, `2 h 5 min`.
pub fn elapsed(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_arns_keep_their_service_and_end() {
        let short = "arn:aws:states:::lambda:invoke";
        assert_eq!(short_arn(short, 34), short);
        assert_eq!(
            short_arn(
                "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrder",
                34
            ),
            "arn:aws:lambda:…:ProcessOrder"
        );
        assert_eq!(
            short_arn("arn:aws:lambda:us-east-1:123456789012:function:Pay", 34),
            "arn:aws:lambda:…:function:Pay"
        );
        assert_eq!(
            short_arn(
                "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrderPayments",
                34
            ),
            "…:function:ProcessOrderPayments"
        );
        let long_name = format!("arn:aws:lambda:us-east-1:1:function:{}", "x".repeat(40));
        let shown = short_arn(&long_name, 34);
        assert_eq!(shown.chars().count(), 34);
        assert!(shown.starts_with('…') && shown.ends_with("xxx"), "{shown}");
        assert_eq!(
            short_arn("not an arn at all, just long text", 10)
                .chars()
                .count(),
            10
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(elapsed(850), "850 ms");
        assert_eq!(elapsed(12_500), "12.5 s");
        assert_eq!(elapsed(200_000), "3 min 20 s");
        assert_eq!(elapsed(7_500_000), "2 h 5 min");
        assert_eq!(elapsed(-5), "0 ms");
    }
}
