//! Calendar dates (proleptic Gregorian), parsed strictly from `YYYY-MM-DD`.

use std::fmt;

/// A calendar date. Ordered chronologically; displayed as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, 1–9999.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31 (valid for the month).
    pub day: u8,
}

/// Why a string is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not `YYYY-MM-DD` with ASCII digits.
    #[error("expected a date as YYYY-MM-DD")]
    Format,
    /// Well-formed but no such day (month 13, 30 February, year 0).
    #[error("no such day: {year:04}-{month:02}-{day:02}")]
    NoSuchDay {
        /// Year as written.
        year: u16,
        /// Month as written.
        month: u8,
        /// Day as written.
        day: u8,
    },
}

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` of `year` (0 for an invalid month).
pub const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date from its parts.
    ///
    /// # Errors
    ///
    /// [`DateError::NoSuchDay`] when the parts do not name a day in years 1–9999.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if year == 0 || year > 9999 || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NoSuchDay { year, month, day });
        }
        Ok(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    ///
    /// # Errors
    ///
    /// [`DateError::Format`] for anything but four digits, dash, two digits, dash, two
    /// digits; [`DateError::NoSuchDay`] for a day that does not exist (`2023-02-29`).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Format);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, DateError> {
            b[r].iter().try_fold(0u16, |acc, &c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u16::from(c - b'0'))
                } else {
                    Err(DateError::Format)
                }
            })
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        // month and day are at most 99: they fit in u8.
        Date::new(year, month as u8, day as u8)
    }

    /// The date `days` days after 1970-01-01 (negative: before). Saturates at
    /// 0001-01-01 and 9999-12-31.
    pub fn from_unix_days(days: i64) -> Date {
        // Civil-from-days over 400-year eras of 146 097 days, with years starting on
        // 1 March so that the leap day is the last day of the year.
        const MIN: i64 = -719_162; // 0001-01-01
        const MAX: i64 = 2_932_896; // 9999-12-31
        let z = days.clamp(MIN, MAX) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        }
    }

    /// The UTC date of a unix timestamp in seconds.
    pub fn from_unix_seconds(secs: i64) -> Date {
        Date::from_unix_days(secs.div_euclid(86_400))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_unix_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Whole years from `self` (a birth date) to `on`; negative when `on` is earlier.
    ///
    /// A birthday counts on the day itself. Someone born on 29 February turns a year
    /// older on 1 March in common years (on 28 February they have not yet reached the
    /// anniversary): this is what comparing (month, day) pairs gives, and it is the
    /// conservative reading for an age limit.
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = i32::from(on.year) - i32::from(self.year);
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_leap_days() {
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(matches!(
            Date::parse("2023-02-29"),
            Err(DateError::NoSuchDay { .. })
        ));
        assert!(matches!(
            Date::parse("1900-02-29"),
            Err(DateError::NoSuchDay { .. })
        ));
    }

    #[test]
    fn rejects_bad_shapes() {
        for s in [
            "",
            "2024-2-01",
            "2024/02/01",
            "24-02-01",
            "2024-02-01T00",
            "２０２４-02-01",
            "2024-0a-01",
            " 2024-02-01",
            "+024-02-01",
        ] {
            assert_eq!(Date::parse(s), Err(DateError::Format), "{s}");
        }
        for s in [
            "2024-00-10",
            "2024-13-01",
            "2024-04-31",
            "0000-01-01",
            "2024-01-00",
        ] {
            assert!(
                matches!(Date::parse(s), Err(DateError::NoSuchDay { .. })),
                "{s}"
            );
        }
    }

    #[test]
    fn orders_and_displays() {
        assert!(d("2024-01-31") < d("2024-02-01"));
        assert!(d("1999-12-31") < d("2000-01-01"));
        assert_eq!(d("0987-03-04").to_string(), "0987-03-04");
    }

    #[test]
    fn unix_day_round_trip() {
        assert_eq!(Date::from_unix_days(0), d("1970-01-01"));
        assert_eq!(Date::from_unix_days(-1), d("1969-12-31"));
        assert_eq!(Date::from_unix_seconds(1_709_164_800), d("2024-02-29"));
        assert_eq!(Date::from_unix_seconds(1_709_251_199), d("2024-02-29"));
        assert_eq!(Date::from_unix_seconds(1_709_251_200), d("2024-03-01"));
        assert_eq!(Date::from_unix_seconds(-1), d("1969-12-31"));
        assert_eq!(Date::from_unix_days(i64::MIN), d("0001-01-01"));
        assert_eq!(Date::from_unix_days(i64::MAX), d("9999-12-31"));
        for days in (-719_162..2_932_896).step_by(997) {
            assert_eq!(Date::from_unix_days(days).to_unix_days(), days);
        }
        assert_eq!(d("9999-12-31").to_unix_days(), 2_932_896);
    }

    #[test]
    fn ages() {
        let dob = d("2006-05-17");
        assert_eq!(dob.years_until(d("2024-05-16")), 17);
        assert_eq!(dob.years_until(d("2024-05-17")), 18);
        let leap = d("2004-02-29");
        assert_eq!(leap.years_until(d("2022-02-28")), 17);
        assert_eq!(leap.years_until(d("2022-03-01")), 18);
        assert_eq!(leap.years_until(d("2024-02-29")), 20);
        assert_eq!(d("2030-01-01").years_until(d("2024-01-01")), -6);
    }
}
