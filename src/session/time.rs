//! Times as users write them: seconds (`12.5`, `"12.5s"`) or clock form (`"1:30"`, `"1:02:03.5"`).

/// Parses a time to seconds. Accepts `"90"`, `"90.5s"`, `"1:30"`, `"2:45.5"`, `"1:02:03"`.
pub fn parse_time(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let bad = || format!("'{text}' is not a time (use seconds like 12.5, or 1:30 or 1:02:03.5)");
    let t = t.strip_suffix('s').unwrap_or(t);
    let mut seconds = 0.0;
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    for (i, part) in parts.iter().enumerate() {
        let v: f64 = part.trim().parse().map_err(|_| bad())?;
        let last = i + 1 == parts.len();
        if !v.is_finite() || v < 0.0 || (!last && v.fract() != 0.0) || (i > 0 && v >= 60.0) {
            return Err(bad());
        }
        seconds = seconds * 60.0 + v;
    }
    Ok(seconds)
}

/// A time in a session: a number of seconds or a string for [`parse_time`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Seconds(pub f64);

impl<'de> serde::Deserialize<'de> for Seconds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(Seconds(n)),
            Raw::Text(s) => parse_time(&s)
                .map(Seconds)
                .map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse_time("90").unwrap(), 90.0);
        assert_eq!(parse_time("12.5s").unwrap(), 12.5);
        assert_eq!(parse_time("1:30").unwrap(), 90.0);
        assert_eq!(parse_time("2:45.5").unwrap(), 165.5);
        assert_eq!(parse_time("1:02:03").unwrap(), 3723.0);
        assert!(parse_time("1:75").is_err());
        assert!(parse_time("abc").is_err());
        assert!(parse_time("-3").is_err());
    }
}
