//! Partial ISO 8601 dates (`2025`, `2025-09`, `2025-09-08`) and periods (`2024-01/2024-06`).
//!
//! A partial date is a range of days: `2025-09` is every day of September 2025. Rules compare
//! dates as such ranges, so "said in 2025-09" is not "after" a source published on
//! 2025-09-08. Hand-written: the date crates model full dates or timestamps, not partial ones,
//! and the calendar arithmetic needed here is twenty lines.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar day, comparable in calendar order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// Year, 0000–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Day {
    /// Today's date in UTC, from the system clock.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day::from_unix_days((secs / 86_400) as i64)
    }

    /// The civil date of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    fn from_unix_days(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Day { year, month, day }
    }
}

/// A date of day, month or year precision, with the text it was written with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartialDate {
    text: String,
    first: Day,
    last: Day,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not of the form `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[error("`{0}` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")]
    Syntax(String),
    /// A month or day that the calendar does not have.
    #[error("`{0}` is not a day of the calendar")]
    Calendar(String),
    /// A period whose end is before its start.
    #[error("period `{0}` ends before it starts")]
    Order(String),
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn number<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the calendar (no 2025-09-31).
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let syntax = || DateError::Syntax(text.to_owned());
        let calendar = || DateError::Calendar(text.to_owned());
        let mut parts = text.split('-');
        let year: u16 = parts.next().and_then(|y| number(y, 4)).ok_or_else(syntax)?;
        let month: Option<u8> = match parts.next() {
            Some(m) => Some(number(m, 2).ok_or_else(syntax)?),
            None => None,
        };
        let day: Option<u8> = match parts.next() {
            Some(d) => Some(number(d, 2).ok_or_else(syntax)?),
            None => None,
        };
        if parts.next().is_some() {
            return Err(syntax());
        }
        let (first, last) = match (month, day) {
            (None, _) => (
                Day {
                    year,
                    month: 1,
                    day: 1,
                },
                Day {
                    year,
                    month: 12,
                    day: 31,
                },
            ),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(calendar()),
            (Some(m), None) => (
                Day {
                    year,
                    month: m,
                    day: 1,
                },
                Day {
                    year,
                    month: m,
                    day: days_in_month(year, m),
                },
            ),
            (Some(m), Some(d)) => {
                if d == 0 || d > days_in_month(year, m) {
                    return Err(calendar());
                }
                let day = Day {
                    year,
                    month: m,
                    day: d,
                };
                (day, day)
            }
        };
        Ok(PartialDate {
            text: text.to_owned(),
            first,
            last,
        })
    }

    /// The first day the date can mean.
    pub fn first(&self) -> Day {
        self.first
    }

    /// The last day the date can mean.
    pub fn last(&self) -> Day {
        self.last
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A date, or a range of dates `start/end`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Period {
    text: String,
    first: Day,
    last: Day,
}

impl Period {
    /// Reads a date or `start/end`; the end may not precede the start.
    pub fn parse(text: &str) -> Result<Period, DateError> {
        let (first, last) = match text.split_once('/') {
            Some((a, b)) => {
                let (a, b) = (PartialDate::parse(a)?, PartialDate::parse(b)?);
                if b.last() < a.first() {
                    return Err(DateError::Order(text.to_owned()));
                }
                (a.first(), b.last())
            }
            None => {
                let d = PartialDate::parse(text)?;
                (d.first(), d.last())
            }
        };
        Ok(Period {
            text: text.to_owned(),
            first,
            last,
        })
    }

    /// The first day of the period.
    pub fn first(&self) -> Day {
        self.first
    }

    /// The last day of the period.
    pub fn last(&self) -> Day {
        self.last
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<&PartialDate> for Period {
    fn from(d: &PartialDate) -> Period {
        Period {
            text: d.text.clone(),
            first: d.first,
            last: d.last,
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

macro_rules! text_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.text)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$t>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}
text_serde!(PartialDate);
text_serde!(Period);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_are_ranges() {
        let d = PartialDate::parse("2025-09").unwrap();
        assert_eq!(d.first().to_string(), "2025-09-01");
        assert_eq!(d.last().to_string(), "2025-09-30");
        let y = PartialDate::parse("2024").unwrap();
        assert_eq!(
            (y.first().to_string(), y.last().to_string()),
            ("2024-01-01".into(), "2024-12-31".into())
        );
        assert_eq!(PartialDate::parse("2024-02").unwrap().last().day, 29);
        assert_eq!(PartialDate::parse("2100-02").unwrap().last().day, 28);
    }

    #[test]
    fn rejects_impossible_days() {
        assert!(matches!(
            PartialDate::parse("2025-09-31"),
            Err(DateError::Calendar(_))
        ));
        assert!(matches!(
            PartialDate::parse("2025-02-29"),
            Err(DateError::Calendar(_))
        ));
        assert!(matches!(
            PartialDate::parse("2025-13"),
            Err(DateError::Calendar(_))
        ));
        assert!(PartialDate::parse("2024-02-29").is_ok());
        for bad in [
            "25",
            "2025-9",
            "2025-09-8",
            "2025/09",
            "2025-09-08T10:00",
            "",
            "２０２５",
        ] {
            assert!(
                matches!(PartialDate::parse(bad), Err(DateError::Syntax(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn periods() {
        let p = Period::parse("2024-01/2024-06").unwrap();
        assert_eq!(
            (p.first().to_string(), p.last().to_string()),
            ("2024-01-01".into(), "2024-06-30".into())
        );
        assert!(matches!(
            Period::parse("2024-06/2024-01"),
            Err(DateError::Order(_))
        ));
        assert!(Period::parse("2024").is_ok());
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Day::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Day::from_unix_days(20_420).to_string(), "2025-11-28");
        assert_eq!(Day::from_unix_days(11_016).to_string(), "2000-02-29");
    }
}
