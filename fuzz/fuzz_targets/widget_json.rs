//! Differential: the widget's hand-written JSON reader (`onboarding_widget::json`)
//! against serde_json on arbitrary text. Both must accept the same documents and read
//! them to the same value; the one allowed difference is nesting, which the widget caps
//! at `MAX_DEPTH` (serde_json at 128). Whatever it accepts it writes back as text that
//! serde_json reads to the same value (numbers compared as numbers: like
//! `JSON.stringify`, the writer spells `1.0` as `1`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use onboarding_widget::json;
use serde_json::Value;

fn depth(text: &str) -> usize {
    let (mut d, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                d += 1;
                max = max.max(d);
            }
            b']' | b'}' => d = d.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// `v` with every number as an f64 (`1` and `1.0` are the same JSON number).
fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => n.as_f64().map_or(Value::Null, |f| {
            serde_json::Number::from_f64(if f == 0.0 { 0.0 } else { f }).map_or(Value::Null, Value::Number)
        }),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
        other => other,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = json::from_str::<Value>(text);
    let reference = serde_json::from_str::<Value>(text);
    match (&ours, &reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "different values for {text:?}"),
        (Err(_), Err(_)) => {}
        (Err(_), Ok(_)) => assert!(depth(text) > json::MAX_DEPTH, "widget refused valid JSON {text:?}"),
        (Ok(a), Err(e)) => panic!("widget accepted invalid JSON {text:?} as {a:?} (serde_json: {e})"),
    }
    if let Ok(v) = ours {
        let written = json::to_string(&v).expect("writes what it read");
        let back = serde_json::from_str::<Value>(&written).map(numbers_as_f64);
        assert_eq!(back.ok(), Some(numbers_as_f64(v)), "round trip of {text:?} via {written:?}");
    }
});
