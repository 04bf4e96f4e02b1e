//! A small JSON text ⇄ serde bridge for the widget's own bodies and the edge's replies.
//!
//! Why not `serde_json` or `serde-wasm-bindgen`: size. Errors carry no text (`custom`
//! drops its message), so serde's error formatting (and the float and `Debug` printing
//! it would pull in) never reaches the wasm. Numbers: integers are read and written in
//! Rust; a number with a fraction or an exponent is parsed and printed by JavaScript
//! (`parseFloat` / `Number#toString`), exactly as `JSON.parse` / `JSON.stringify` do.
//! Enums are read in their unit form (`"allow"`), which is all the edge sends.
//!
//! The reader is strict: RFC 8259's number grammar (no `+1`, `01`, `1.`, `.5`, `1.5abc`),
//! no trailing commas, nesting at most [`MAX_DEPTH`] deep (so hostile input cannot
//! exhaust the stack). `fuzz/fuzz_targets/widget_json.rs` holds it to `serde_json`.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};

/// Malformed JSON, or JSON of another shape than the type asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid JSON")
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Error
    }
}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Error
    }
}

type Result<T> = std::result::Result<T, Error>;

/// Deepest nesting of arrays and objects accepted (the edge's replies nest 4 deep).
pub const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------------------
// Reading

/// `T` from JSON text (trailing whitespace allowed, nothing else).
///
/// # Errors
/// [`Error`] for malformed JSON or another shape.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T> {
    let mut de = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = T::deserialize(&mut de)?;
    de.ws();
    if de.i == de.s.len() {
        Ok(v)
    } else {
        Err(Error)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    /// Arrays and objects open at `i`.
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    /// The next non-space byte, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Enters an array or object (its opening byte is consumed).
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error);
        }
        Ok(())
    }

    fn word(&mut self, w: &[u8]) -> Result<()> {
        if self.s[self.i..].starts_with(w) {
            self.i += w.len();
            Ok(())
        } else {
            Err(Error)
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.s.get(self.i..self.i + 4).ok_or(Error)?;
        self.i += 4;
        digits.iter().try_fold(0u32, |acc, &d| {
            let v = (d as char).to_digit(16).ok_or(Error)?;
            Ok(acc * 16 + v)
        })
    }

    /// A string; the opening quote is next.
    fn string(&mut self) -> Result<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // Cut at ASCII bytes only, so the slice is valid UTF-8.
            out.push_str(std::str::from_utf8(&self.s[start..self.i]).map_err(|_| Error)?);
            let b = *self.s.get(self.i).ok_or(Error)?;
            self.i += 1;
            match b {
                b'"' => return Ok(out),
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or(Error)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) {
                                self.word(b"\\u")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(Error);
                                }
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            char::from_u32(cp).ok_or(Error)?
                        }
                        _ => return Err(Error),
                    };
                    out.push(c);
                }
                _ => return Err(Error),
            }
        }
    }

    /// Skips one value of any kind.
    fn skip(&mut self) -> Result<()> {
        match self.peek().ok_or(Error)? {
            b'"' => self.string().map(drop),
            b'[' | b'{' => {
                let close = if self.s[self.i] == b'[' { b']' } else { b'}' };
                self.i += 1;
                self.enter()?;
                if self.eat(close) {
                    self.depth -= 1;
                    return Ok(());
                }
                loop {
                    if close == b'}' {
                        if self.peek() != Some(b'"') {
                            return Err(Error);
                        }
                        self.string()?;
                        if !self.eat(b':') {
                            return Err(Error);
                        }
                    }
                    self.skip()?;
                    if self.eat(close) {
                        self.depth -= 1;
                        return Ok(());
                    }
                    if !self.eat(b',') {
                        return Err(Error);
                    }
                }
            }
            _ => self.token().map(drop),
        }
    }

    /// The raw text of a literal or number (checked by the caller).
    fn scalar_end(&mut self) -> Result<&str> {
        let start = self.i;
        while let Some(b'a'..=b'z' | b'0'..=b'9' | b'-' | b'+' | b'.' | b'E') = self.s.get(self.i) {
            self.i += 1;
        }
        if start == self.i {
            return Err(Error);
        }
        std::str::from_utf8(&self.s[start..self.i]).map_err(|_| Error)
    }
}

/// The start of a value, read by one non-generic function (keeps each visitor's copy
/// of `deserialize_any` small).
enum Token {
    Str(String),
    /// `[` or `{` was consumed; the closing byte.
    Open(u8),
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
}

impl Parser<'_> {
    #[inline(never)]
    fn token(&mut self) -> Result<Token> {
        Ok(match self.peek().ok_or(Error)? {
            b'"' => Token::Str(self.string()?),
            open @ (b'[' | b'{') => {
                self.i += 1;
                self.enter()?;
                Token::Open(open + 2) // `[`+2 = `]`, `{`+2 = `}`
            }
            _ => match self.scalar_end()? {
                "null" => Token::Null,
                "true" => Token::Bool(true),
                "false" => Token::Bool(false),
                n if !is_number(n.as_bytes()) => return Err(Error),
                n => {
                    if let Ok(v) = n.parse::<u64>() {
                        Token::U64(v)
                    } else if let Ok(v) = n.parse::<i64>().map_err(drop).and_then(|v| {
                        // `-0` is the float -0.0 (as JSON.parse and serde_json read it).
                        if v == 0 { Err(()) } else { Ok(v) }
                    }) {
                        Token::I64(v)
                    } else {
                        let v = parse_float(n);
                        if !v.is_finite() {
                            return Err(Error);
                        }
                        Token::F64(v)
                    }
                }
            },
        })
    }
}

/// RFC 8259 `number`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_number(n: &[u8]) -> bool {
    let digits = |i: &mut usize| {
        let start = *i;
        while n.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    let mut i = usize::from(n.first() == Some(&b'-'));
    match n.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if n.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(n.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(n.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == n.len()
}

/// A number with a fraction or exponent (grammar already checked): JavaScript's
/// `parseFloat` in the browser (no float parser in the wasm), Rust's natively.
#[cfg(target_arch = "wasm32")]
fn parse_float(n: &str) -> f64 {
    js_sys::Number::parse_float(n)
}

#[cfg(not(target_arch = "wasm32"))]
fn parse_float(n: &str) -> f64 {
    n.parse().unwrap_or(f64::NAN)
}

/// Shortest text that reads back as `v`: JavaScript's `Number#toString` in the
/// browser, Rust's `Display` natively (both round-trip; their spellings of very large
/// and small numbers differ, and both are valid JSON).
#[cfg(target_arch = "wasm32")]
fn format_float(v: f64) -> Option<String> {
    js_sys::Number::from(v)
        .to_string_with_radix(10)
        .ok()
        .map(String::from)
}

#[cfg(not(target_arch = "wasm32"))]
fn format_float(v: f64) -> Option<String> {
    Some(v.to_string())
}

struct Seq<'p, 'a> {
    p: &'p mut Parser<'a>,
    close: u8,
    first: bool,
}

impl Seq<'_, '_> {
    /// Whether another element (or entry) follows.
    fn more(&mut self) -> Result<bool> {
        if self.p.eat(self.close) {
            self.p.depth -= 1;
            return Ok(false);
        }
        if !std::mem::take(&mut self.first) && !self.p.eat(b',') {
            return Err(Error);
        }
        Ok(true)
    }
}

impl<'de> de::SeqAccess<'de> for Seq<'_, '_> {
    type Error = Error;
    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>> {
        if self.more()? {
            seed.deserialize(&mut *self.p).map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<'de> de::MapAccess<'de> for Seq<'_, '_> {
    type Error = Error;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.more()? {
            return Ok(None);
        }
        if self.p.peek() != Some(b'"') {
            return Err(Error);
        }
        let key = self.p.string()?;
        if !self.p.eat(b':') {
            return Err(Error);
        }
        seed.deserialize(key.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.p)
    }
}

impl<'de> de::Deserializer<'de> for &mut Parser<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.token()? {
            Token::Str(s) => visitor.visit_string(s),
            Token::Open(close) => {
                let seq = Seq {
                    p: self,
                    close,
                    first: true,
                };
                if close == b']' {
                    visitor.visit_seq(seq)
                } else {
                    visitor.visit_map(seq)
                }
            }
            Token::Null => visitor.visit_unit(),
            Token::Bool(b) => visitor.visit_bool(b),
            Token::U64(v) => visitor.visit_u64(v),
            Token::I64(v) => visitor.visit_i64(v),
            Token::F64(v) => visitor.visit_f64(v),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() == Some(b'n') {
            self.word(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.peek() != Some(b'"') {
            return Err(Error);
        }
        visitor.visit_enum(self.string()?.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

// ---------------------------------------------------------------------------------------
// Writing

/// JSON text of `value` (the same text `JSON.stringify` gives for it).
///
/// # Errors
/// Never for the widget's types (serde's contract lets a `Serialize` fail).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut w = Writer(String::new());
    value.serialize(&mut w)?;
    Ok(w.0)
}

struct Writer(String);

impl Writer {
    fn str(&mut self, s: &str) {
        let out = &mut self.0;
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c < ' ' => {
                    out.push_str("\\u00");
                    let b = c as u8;
                    for d in [b >> 4, b & 15] {
                        out.push(char::from_digit(u32::from(d), 16).unwrap_or('0'));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn int(&mut self, v: i128) {
        if v < 0 {
            self.0.push('-');
        }
        let mut n = v.unsigned_abs();
        let mut digits = [0u8; 40];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            self.0.push(d as char);
        }
    }
}

/// An array or object being written.
struct Compound<'w> {
    w: &'w mut Writer,
    first: bool,
    /// Closing text (`]`, `}` or `}}` for a variant's body).
    close: &'static str,
}

impl Compound<'_> {
    fn sep(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.w.0.push(',');
        }
    }
    fn key(&mut self, key: &str) {
        self.sep();
        self.w.str(key);
        self.w.0.push(':');
    }
    fn done(self) -> Result<()> {
        self.w.0.push_str(self.close);
        Ok(())
    }
}

impl<'w> Writer {
    fn open(&'w mut self, open: &str, close: &'static str) -> Compound<'w> {
        self.0.push_str(open);
        Compound {
            w: self,
            first: true,
            close,
        }
    }
    fn variant_open(&'w mut self, variant: &str, open: char, close: &'static str) -> Compound<'w> {
        self.0.push('{');
        self.str(variant);
        self.0.push(':');
        self.0.push(open);
        Compound {
            w: self,
            first: true,
            close,
        }
    }
}

impl<'w> ser::Serializer for &'w mut Writer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w>;
    type SerializeTuple = Compound<'w>;
    type SerializeTupleStruct = Compound<'w>;
    type SerializeTupleVariant = Compound<'w>;
    type SerializeMap = Compound<'w>;
    type SerializeStruct = Compound<'w>;
    type SerializeStructVariant = Compound<'w>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.int(v.into());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        // As JSON.stringify: non-finite numbers are null.
        match format_float(v) {
            Some(s) if v.is_finite() => self.0.push_str(&s),
            _ => self.0.push_str("null"),
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.str(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.0.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.0.push('{');
        self.str(variant);
        self.0.push(':');
        value.serialize(&mut *self)?;
        self.0.push('}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Compound<'w>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>> {
        Ok(self.variant_open(variant, '[', "]}"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w>> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Compound<'w>> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w>> {
        Ok(self.variant_open(variant, '{', "}}"))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.sep();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        // Keys are strings for every type the widget writes.
        self.sep();
        key.serialize(&mut *self.w)?;
        self.w.0.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.key(key);
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<()> {
        self.done()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onboarding_core::model::identity::{Decision, PublicInquiry};
    use onboarding_core::model::problem::Problem;
    use onboarding_core::model::status::Status;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        name: String,
        flag: bool,
        n: u16,
        neg: i32,
        opt: Option<String>,
        list: Vec<String>,
    }

    #[test]
    fn round_trips_and_escapes_like_json_stringify() {
        let b = Body {
            name: "a\"b\\c\n\u{1}é😀/".into(),
            flag: true,
            n: 422,
            neg: -7,
            opt: None,
            list: vec!["x".into(), String::new()],
        };
        let text = to_string(&b).unwrap();
        assert_eq!(
            text,
            r#"{"name":"a\"b\\c\n\u0001é😀/","flag":true,"n":422,"neg":-7,"opt":null,"list":["x",""]}"#
        );
        assert_eq!(from_str::<Body>(&text).unwrap(), b);
        let spaced = " {\"name\" : \"\\u00e9\\ud83d\\ude00\\/\", \"flag\":false, \"n\":0, \"neg\":1, \"extra\": {\"a\":[1,{\"b\":null}],\"c\":\"}\"}, \"list\": [] } ";
        let b2: Body = from_str(spaced).unwrap();
        assert_eq!(b2.name, "é😀/");
        assert_eq!(b2.opt, None);
    }

    #[test]
    fn rejects_malformed_and_mistyped() {
        assert_eq!(from_str::<Body>("{"), Err(Error));
        assert_eq!(from_str::<Body>(r#"{"name":1}"#), Err(Error));
        assert_eq!(from_str::<Vec<String>>(r#"["a",]"#), Err(Error));
        assert_eq!(from_str::<Vec<String>>(r#"["a"] x"#), Err(Error));
        assert_eq!(from_str::<String>(r#""\ud800""#), Err(Error));
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for ok in [
            "0",
            "-0",
            "7",
            "-12",
            "1.5",
            "0.25",
            "1e3",
            "1E+3",
            "-2.5e-3",
            "18446744073709551615",
        ] {
            assert!(from_str::<serde::de::IgnoredAny>(ok).is_ok(), "{ok}");
            assert!(from_str::<Vec<f64>>(&format!("[{ok}]")).is_ok(), "{ok}");
        }
        for bad in [
            "+1", "01", "-01", "1.", ".5", "1.5abc", "1e", "1e+", "--1", "-", "0x10", "1_000",
            "Infinity", "NaN", "1e999",
        ] {
            assert_eq!(from_str::<serde::de::IgnoredAny>(bad), Err(Error), "{bad}");
            assert_eq!(
                from_str::<Vec<f64>>(&format!("[{bad}]")),
                Err(Error),
                "{bad}"
            );
        }
        assert_eq!(from_str::<f64>("-2.5e-3"), Ok(-0.0025));
        // Found by fuzz/widget_json: `-0` keeps its sign, as JSON.parse does.
        assert!(from_str::<f64>("-0").is_ok_and(|v| v == 0.0 && v.is_sign_negative()));
        assert_eq!(from_str::<u16>("422"), Ok(422));
        assert_eq!(from_str::<bool>("truex"), Err(Error));
    }

    #[test]
    fn nesting_is_capped() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(from_str::<serde::de::IgnoredAny>(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(
            from_str::<serde::de::IgnoredAny>(&nested(MAX_DEPTH + 1)),
            Err(Error)
        );
        // Skipped (unknown) fields count too, and a hostile depth does not overflow the stack.
        let deep = format!("{{\"name\":\"a\",\"x\":{}}}", nested(100_000));
        assert_eq!(from_str::<Body>(&deep), Err(Error));
        let ok = format!(
            "{{\"n\":1,\"extra\":{},\"name\":\"a\",\"flag\":true,\"neg\":0,\"list\":[]}}",
            nested(MAX_DEPTH - 1)
        );
        assert_eq!(from_str::<Body>(&ok).map(|b| b.n), Ok(1));
    }

    #[test]
    fn reads_core_replies() {
        let p: Problem = from_str(
            r#"{"type":"about:blank","title":"T","status":422,"code":"validation_failed","errors":[{"field":"email","code":"required","message":"M"}]}"#,
        )
        .unwrap();
        assert_eq!((p.status, p.errors.len()), (422, 1));
        let inq: PublicInquiry =
            from_str(r#"{"inquiryId":"i1","decision":"Challenge","questionnaire":null}"#).unwrap();
        assert_eq!(inq.decision, Decision::Challenge);
        let status = Status::new("t1", "2026-01-01T00:00:00Z");
        let back: Status = from_str(&to_string(&status).unwrap()).unwrap();
        assert_eq!(back, status);
    }
}
