//! How the Run mode writes durations and long names.

/// `text` cut with "…" to at most `max` characters.
pub(super) fn shorten(text: &str, max: usize) -> String {
    stepcraft::graph::shorten(text, max)
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
    fn durations_read_well() {
        assert_eq!(elapsed(850), "850 ms");
        assert_eq!(elapsed(12_500), "12.5 s");
        assert_eq!(elapsed(200_000), "3 min 20 s");
        assert_eq!(elapsed(7_500_000), "2 h 5 min");
        assert_eq!(elapsed(-5), "0 ms");
    }
}
