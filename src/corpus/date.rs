//! Partial dates (`2011`, `2011-11`, `2011-11-04`) and the publication dates
//! written in the texts themselves (`Publié le 18 octobre 2021`,
//! `04 Dec. 2009`).

use std::fmt;
use std::str::FromStr;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date known to the year, the month or the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: u16,
    /// The month, 1–12, when known.
    pub month: Option<u8>,
    /// The day of the month, when known (only with a month).
    pub day: Option<u8>,
}

impl PartialDate {
    /// Builds a date, checking that month and day exist.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Option<Self> {
        if !(1000..=9999).contains(&year) {
            return None;
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return None;
            }
            if let Some(d) = day {
                if d < 1 || d > days_in_month(year, m) {
                    return None;
                }
            }
        } else if day.is_some() {
            return None;
        }
        Some(PartialDate { year, month, day })
    }

    /// The first day this date may stand for, as `YYYYMMDD`.
    pub fn first_day(self) -> u64 {
        let m = self.month.unwrap_or(1);
        let d = self.day.unwrap_or(1);
        u64::from(self.year) * 10_000 + u64::from(m) * 100 + u64::from(d)
    }

    /// The last day this date may stand for, as `YYYYMMDD`.
    pub fn last_day(self) -> u64 {
        let m = self.month.unwrap_or(12);
        let d = self.day.unwrap_or_else(|| days_in_month(self.year, m));
        u64::from(self.year) * 10_000 + u64::from(m) * 100 + u64::from(d)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = String;

    /// Parses ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Result<u16, String> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => (num(y, 4)?, None, None),
            [y, m] => (num(y, 4)?, Some(num(m, 2)? as u8), None),
            [y, m, d] => (num(y, 4)?, Some(num(m, 2)? as u8), Some(num(d, 2)? as u8)),
            _ => return Err(bad()),
        };
        PartialDate::new(year, month, day).ok_or_else(bad)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Month names and abbreviations, French and English, folded to ASCII
/// lowercase without the trailing dot.
fn month_number(name: &str) -> Option<u8> {
    let name: String = name
        .trim_end_matches('.')
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'û' | 'ù' => 'u',
            other => other,
        })
        .collect();
    let month = match name.as_str() {
        "janvier" | "janv" | "january" | "jan" => 1,
        "fevrier" | "fevr" | "fev" | "february" | "feb" => 2,
        "mars" | "march" | "mar" => 3,
        "avril" | "avr" | "april" | "apr" => 4,
        "mai" | "may" => 5,
        "juin" | "june" | "jun" => 6,
        "juillet" | "juil" | "july" | "jul" => 7,
        "aout" | "august" | "aug" => 8,
        "septembre" | "sept" | "sep" | "september" => 9,
        "octobre" | "oct" | "october" => 10,
        "novembre" | "nov" | "november" => 11,
        "decembre" | "dec" | "december" => 12,
        _ => return None,
    };
    Some(month)
}

/// Finds the first day-month-year date written out in `line`
/// (`18 octobre 2021`, `1er novembre 2021`, `04 Dec. 2009`,
/// `December 4, 2009`).
pub fn find_date(line: &str) -> Option<PartialDate> {
    // Day, month, year: the capture group of each in the pattern.
    static PATTERNS: std::sync::LazyLock<[(Regex, [usize; 3]); 2]> =
        std::sync::LazyLock::new(|| {
            [
                (
                    Regex::new(r"(?i)\b(\d{1,2})(?:er)?\s+([a-zéûè]{3,9}\.?)\s+(\d{4})\b")
                        .expect("valid regex"),
                    [1, 2, 3],
                ),
                (
                    Regex::new(r"(?i)\b([a-z]{3,9}\.?)\s+(\d{1,2}),?\s+(\d{4})\b")
                        .expect("valid regex"),
                    [2, 1, 3],
                ),
            ]
        });
    // Every date has a year of four digits: most lines are spared the
    // patterns.
    if !line
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    PATTERNS.iter().find_map(|(pattern, [d, m, y])| {
        pattern.captures_iter(line).find_map(|caps| {
            let month = month_number(&caps[*m])?;
            let day = caps[*d].parse().ok()?;
            PartialDate::new(caps[*y].parse().ok()?, Some(month), Some(day))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_partial_dates() {
        assert_eq!("2011".parse::<PartialDate>().unwrap().to_string(), "2011");
        assert_eq!(
            "2011-11".parse::<PartialDate>().unwrap().to_string(),
            "2011-11"
        );
        let d: PartialDate = "2009-12-04".parse().unwrap();
        assert_eq!((d.first_day(), d.last_day()), (20091204, 20091204));
        let y: PartialDate = "2024-02".parse().unwrap();
        assert_eq!((y.first_day(), y.last_day()), (20240201, 20240229));
        for bad in ["20111", "2011-13", "2011-02-30", "yesterday", "", "2011-1"] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn written_dates() {
        let d = |s| find_date(s).map(|d| d.to_string());
        assert_eq!(
            d("Publié le 18 octobre 2021 à 16h10").as_deref(),
            Some("2021-10-18")
        );
        assert_eq!(d("  • 04 Dec. 2009 -").as_deref(), Some("2009-12-04"));
        assert_eq!(
            d("Mis à jour le: 07 Dec. 2009 14:12").as_deref(),
            Some("2009-12-07")
        );
        assert_eq!(d("le 1er novembre 2021").as_deref(), Some("2021-11-01"));
        assert_eq!(
            d("Published December 4, 2009").as_deref(),
            Some("2009-12-04")
        );
        assert_eq!(d("en 12 points 2009"), None);
    }
}
