//! Small formatting helpers shared by rows and views: ages, quantities.

use jiff::Timestamp;

/// k9s-style age: `45s`, `12m`, `3h`, `5d`; `-` when unknown.
pub fn age(created: Option<Timestamp>, now: Timestamp) -> String {
    let Some(created) = created else {
        return "-".into();
    };
    duration(now.as_second().saturating_sub(created.as_second()))
}

/// Seconds as `45s`, `12m`, `3h`, `5d`.
pub fn duration(secs: i64) -> String {
    match secs.max(0) {
        s if s < 120 => format!("{s}s"),
        s if s < 2 * 3600 => format!("{}m", s / 60),
        s if s < 2 * 86400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86400),
    }
}

/// Parses a Kubernetes quantity (`250m`, `2`, `512Mi`, `1.5Gi`, `1e3`) into a plain number.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0_f64.powi(4),
        s if s.starts_with('e') || s.starts_with('E') => 10f64.powi(s[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

/// Bytes as `512Mi` / `15Gi`, the way people read node memory.
pub fn bytes(b: f64) -> String {
    const GI: f64 = 1024.0 * 1024.0 * 1024.0;
    const MI: f64 = 1024.0 * 1024.0;
    if b >= GI {
        let g = b / GI;
        if g >= 10.0 {
            format!("{g:.0}Gi")
        } else {
            format!("{g:.1}Gi")
        }
    } else {
        format!("{:.0}Mi", b / MI)
    }
}

/// Truncates to `max` characters with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_quantities() {
        let now: Timestamp = "2024-01-01T12:00:00Z".parse().expect("ts");
        let t = |s: &str| Some(s.parse::<Timestamp>().expect("ts"));
        assert_eq!(age(t("2024-01-01T11:59:30Z"), now), "30s");
        assert_eq!(age(t("2024-01-01T11:00:00Z"), now), "60m");
        assert_eq!(age(t("2023-12-30T12:00:00Z"), now), "2d");
        assert_eq!(age(None, now), "-");
        assert_eq!(parse_quantity("250m"), Some(0.25));
        assert_eq!(parse_quantity("512Mi"), Some(512.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("bogus"), None);
        assert_eq!(bytes(15.5 * 1024.0 * 1024.0 * 1024.0), "16Gi");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
