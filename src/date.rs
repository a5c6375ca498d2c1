//! Calendar dates and periods, without a clock: the `reviewed:` date of a content file,
//! the `review-after` period of `book.toml`, and the long form a page shows
//! ("3. März 2026").

use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The date of an ISO 8601 date or datetime (`2026-03-03`, `2026-03-03T09:30:00Z`).
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(5..7)?.parse().ok()?;
        let day = text.get(8..10)?.parse().ok()?;
        let date = Date { year, month, day };
        let valid = text.get(4..5) == Some("-")
            && text.get(7..8) == Some("-")
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        valid.then_some(date)
    }

    /// Today in UTC by the system clock.
    pub fn today_utc() -> Date {
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() / 86_400)
            .unwrap_or(0);
        Date::from_days(i64::try_from(days).unwrap_or(0))
    }

    /// Days since 1970-01-01 (Howard Hinnant's civil calendar algorithms).
    fn days(self) -> i64 {
        let year = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }

    /// This date plus `period` (a month later than 31 January is the last of February).
    pub fn after(self, period: &Period) -> Date {
        let amount = i64::from(period.amount);
        match period.unit {
            Unit::Days => Date::from_days(self.days() + amount),
            Unit::Weeks => Date::from_days(self.days() + 7 * amount),
            Unit::Months => {
                let months = self.year * 12 + i64::from(self.month) - 1 + amount;
                let (year, month) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
                let day = self.day.min(days_in_month(year, month));
                Date { year, month, day }
            }
        }
    }

    /// The date written out with month names: `3. März 2026` with `format`
    /// `"{day}. {month} {year}"` and German `months` (twelve names, space-separated).
    pub fn long(self, format: &str, months: &str) -> String {
        let month = months
            .split_whitespace()
            .nth(self.month as usize - 1)
            .map_or_else(|| self.month.to_string(), str::to_string);
        format
            .replace("{day}", &self.day.to_string())
            .replace("{month}", &month)
            .replace("{year}", &self.year.to_string())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The unit of a review period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Days,
    Weeks,
    Months,
}

/// How long a review holds: `12 months`, `6 weeks`, `90 days`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Period {
    pub amount: u32,
    pub unit: Unit,
    /// As written in `book.toml`, for messages.
    pub text: String,
}

impl Period {
    /// Reads `"12 months"` (also `month`, `weeks`, `days`, `day`, and the German
    /// `Monate`, `Wochen`, `Tage`).
    pub fn parse(text: &str) -> Option<Period> {
        let mut words = text.split_whitespace();
        let amount: u32 = words.next()?.parse().ok()?;
        let unit = match words.next()?.to_lowercase().as_str() {
            "day" | "days" | "tag" | "tage" => Unit::Days,
            "week" | "weeks" | "woche" | "wochen" => Unit::Weeks,
            "month" | "months" | "monat" | "monate" => Unit::Months,
            _ => return None,
        };
        (words.next().is_none() && amount > 0).then(|| Period {
            amount,
            unit,
            text: text.trim().to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).expect(text)
    }

    #[test]
    fn periods_add_days_weeks_and_months() {
        let twelve = Period::parse("12 months").expect("period");
        assert_eq!(date("2025-03-03").after(&twelve), date("2026-03-03"));
        let one = Period::parse("1 month").expect("period");
        assert_eq!(date("2024-01-31").after(&one), date("2024-02-29"));
        let weeks = Period::parse("6 Wochen").expect("period");
        assert_eq!(date("2025-12-25").after(&weeks), date("2026-02-05"));
        let days = Period::parse("30 days").expect("period");
        assert_eq!(date("2026-02-15").after(&days), date("2026-03-17"));
        assert_eq!(Period::parse("twelve months"), None);
        assert_eq!(Period::parse("12 fortnights"), None);
        assert_eq!(Period::parse("0 days"), None);
    }

    #[test]
    fn dates_parse_strictly_and_print_long() {
        assert_eq!(date("2026-03-03T09:30:00Z"), date("2026-03-03"));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("gestern"), None);
        let months =
            "Januar Februar März April Mai Juni Juli August September Oktober November Dezember";
        assert_eq!(
            date("2026-03-03").long("{day}. {month} {year}", months),
            "3. März 2026"
        );
        assert_eq!(
            Date::from_days(date("1999-12-31").days()),
            date("1999-12-31")
        );
        assert_eq!(date("1970-01-02").days(), 1);
    }
}
