//! Dates and times written digit by digit. `format!` with `{:02}` costs
//! about a thousand instructions a call, and a large site writes hundreds
//! of thousands of them: every card, page and VEVENT has several.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// Appends `n` with at least `width` digits, zero-padded on the left.
pub fn push_padded(out: &mut String, n: u32, width: usize) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

/// Appends `2022-04-06` (`sep` "-") or `20220406` (`sep` ""); a year
/// before 0 as `format!` writes it.
pub fn push_date(out: &mut String, d: NaiveDate, sep: &str) {
    match u32::try_from(d.year()) {
        Ok(year) => push_padded(out, year, 4),
        Err(_) => out.push_str(&format!("{:04}", d.year())),
    }
    out.push_str(sep);
    push_padded(out, d.month(), 2);
    out.push_str(sep);
    push_padded(out, d.day(), 2);
}

/// Appends `18:30` (`sep` ":", no seconds) or `183000` (`sep` "",
/// with seconds), the two forms pages and feeds use.
pub fn push_time(out: &mut String, t: NaiveDateTime, sep: &str) {
    push_padded(out, t.hour(), 2);
    out.push_str(sep);
    push_padded(out, t.minute(), 2);
    if sep.is_empty() {
        push_padded(out, t.second(), 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_digits_as_format() {
        for (n, w) in [
            (0, 2),
            (7, 2),
            (42, 2),
            (123, 2),
            (5, 4),
            (2022, 4),
            (12345, 4),
        ] {
            let mut s = String::new();
            push_padded(&mut s, n, w);
            assert_eq!(s, format!("{n:0w$}"));
        }
        for (y, m, d) in [(2022, 4, 6), (987, 12, 31), (-44, 3, 15), (10000, 1, 1)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            let mut s = String::new();
            push_date(&mut s, date, "-");
            assert_eq!(s, format!("{:04}-{:02}-{:02}", y, m, d));
            let t = date.and_hms_opt(9, 5, 7).expect("a time");
            let mut s = String::new();
            push_time(&mut s, t, "");
            assert_eq!(s, "090507");
            let mut s = String::new();
            push_time(&mut s, t, ":");
            assert_eq!(s, "09:05");
        }
    }
}
