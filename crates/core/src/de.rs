//! Lenient serde helpers: a user-supplied body that uses `null`, a number or a boolean
//! where a string is expected still deserializes, so validation (not serde) reports the
//! problem with a field path.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// What a lenient scalar turned out to be.
enum Scalar {
    Absent,
    Text(String),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number, boolean or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Text(if v { "true" } else { "false" }.to_owned()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
    // Arrays and objects where a scalar belongs: treat as an unusable value that
    // validation reports ("invalid_format") rather than failing the whole body.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Text("\u{FFFD}".to_owned()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Text("\u{FFFD}".to_owned()))
    }
}

/// `String` from a string, number, boolean or `null` (→ empty).
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match d.deserialize_any(ScalarVisitor)? {
        Scalar::Absent => String::new(),
        Scalar::Text(s) => s,
    })
}

/// `Option<String>` from a string, number, boolean or `null` (→ `None`).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match d.deserialize_any(ScalarVisitor)? {
        Scalar::Absent => None,
        Scalar::Text(s) => Some(s),
    })
}

/// `bool` from a boolean or the strings `"true"` / `"false"`; `null` → `false`.
pub(crate) fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match d.deserialize_any(ScalarVisitor)? {
        Scalar::Absent => false,
        Scalar::Text(s) => s.trim().eq_ignore_ascii_case("true"),
    })
}

/// `Option<bool>` from a boolean or the strings `"true"` / `"false"`.
///
/// Any other string is an error: this is used for upstream fields where a wrong value
/// must not silently become `false`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match d.deserialize_any(ScalarVisitor)? {
        Scalar::Absent => Ok(None),
        Scalar::Text(s) => match s.trim() {
            t if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
            "" => Ok(None),
            other => Err(de::Error::invalid_value(
                de::Unexpected::Str(other),
                &"a boolean or \"true\"/\"false\"",
            )),
        },
    }
}

/// `T::default()` when the value is `null`.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
