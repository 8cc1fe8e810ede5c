//! Scalar typing by the YAML 1.2 core schema: which plain scalars are null, booleans, integers
//! and floats, and which are strings.

use std::borrow::Cow;

use compact_str::CompactString;
use granit_parser::ScalarStyle;

use super::tree::Value;

/// An untagged scalar's value. Quoted and block scalars are strings; plain scalars resolve by the
/// YAML 1.2 core schema (strict booleans, no `yes`/`no`). Tagged scalars: `tags`.
pub(super) fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle) -> Value {
    if style == ScalarStyle::Plain
        && let Some(value) = resolve_plain(&text)
    {
        return value;
    }
    Value::Str(CompactString::from(text))
}

/// Whether YAML reads this plain (unquoted) text as a number: `1`, `0123`, `1.5`, `0x1F`.
pub fn reads_as_number(text: &str) -> bool {
    matches!(resolve_plain(text), Some(Value::Int(_) | Value::Float(_)))
}

/// A plain scalar's value by the core schema, or `None` for a string.
pub(super) fn resolve_plain(text: &str) -> Option<Value> {
    match text.as_bytes().first() {
        None => Some(Value::Null),
        Some(b'~' | b'n' | b'N') => {
            matches!(text, "~" | "null" | "Null" | "NULL").then_some(Value::Null)
        }
        Some(b't' | b'T') => matches!(text, "true" | "True" | "TRUE").then_some(Value::Bool(true)),
        Some(b'f' | b'F') => {
            matches!(text, "false" | "False" | "FALSE").then_some(Value::Bool(false))
        }
        Some(b'0'..=b'9' | b'+' | b'-' | b'.') => resolve_number(text),
        Some(_) => None,
    }
}

/// Integers (decimal with an optional sign, `0o` octal, `0x` hex) and floats (decimal and
/// exponent forms, `.inf`, `-.inf`, `.nan`, passed through non-finite for the loaders to
/// report). A decimal integer beyond `i64` is a float.
fn resolve_number(text: &str) -> Option<Value> {
    let (negative, unsigned) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if let Some(digits) = unsigned.strip_prefix("0x") {
        return radix_integer(digits, 16, negative);
    }
    if let Some(digits) = unsigned.strip_prefix("0o") {
        return radix_integer(digits, 8, negative);
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match text.parse::<i64>() {
            Ok(int) => Value::Int(int),
            Err(_) => Value::Float(text.parse::<f64>().ok()?),
        });
    }
    match unsigned {
        ".inf" | ".Inf" | ".INF" => {
            return Some(Value::Float(if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }));
        }
        ".nan" | ".NaN" | ".NAN" => {
            return (unsigned.len() == text.len()).then_some(Value::Float(f64::NAN));
        }
        _ => {}
    }
    if !is_decimal_float(unsigned) {
        return None;
    }
    text.parse::<f64>().ok().map(Value::Float)
}

/// `0x`/`0o` digits as an integer; one beyond `i64` is a float, one beyond `u64` a string.
fn radix_integer(digits: &str, radix: u32, negative: bool) -> Option<Value> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        i64::try_from(-i128::from(magnitude)).ok().map(Value::Int)
    } else {
        Some(i64::try_from(magnitude).map_or(Value::Float(magnitude as f64), Value::Int))
    }
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the unsigned core-schema float.
fn is_decimal_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(0);
    let mut at = whole;
    let mut fraction = 0;
    if bytes.get(at) == Some(&b'.') {
        fraction = digits(at + 1);
        at += 1 + fraction;
    }
    if whole == 0 && fraction == 0 {
        return false;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let exponent = digits(at);
        if exponent == 0 {
            return false;
        }
        at += exponent;
    }
    at == bytes.len()
}
