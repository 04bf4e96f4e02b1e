//! A small `text/event-stream` parser (WHATWG HTML "server-sent events" interpretation).
//!
//! `EventSource` cannot send an `Authorization` header, so the widget reads the stream
//! with `fetch` and feeds the bytes here. Lines are split on bytes (CR, LF or CRLF), so a
//! UTF-8 sequence cut between two chunks is never split.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:` field, `message` when absent.
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id seen on the stream (for `Last-Event-ID` on reconnect).
    pub id: String,
}

/// Incremental parser: feed it chunks, get the complete events back.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    data: String,
    event: String,
    has_data: bool,
    last_id: String,
    after_cr: bool,
    started: bool,
    /// Reconnection delay asked for by the server (`retry:`), in milliseconds.
    pub retry_ms: Option<u32>,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last event id seen (empty when none).
    pub fn last_id(&self) -> &str {
        &self.last_id
    }

    /// Feeds a chunk; returns the events completed by it.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        let mut bytes = chunk;
        if !self.started && !bytes.is_empty() {
            self.started = true;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
            }
        }
        for &b in bytes {
            if std::mem::take(&mut self.after_cr) && b == b'\n' {
                continue;
            }
            match b {
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut out);
                }
                b'\n' => self.end_line(&mut out),
                _ => self.line.push(b),
            }
        }
        out
    }

    fn end_line(&mut self, out: &mut Vec<SseEvent>) {
        let raw = std::mem::take(&mut self.line);
        let line = String::from_utf8_lossy(&raw);
        if line.is_empty() {
            if std::mem::take(&mut self.has_data) {
                let mut data = std::mem::take(&mut self.data);
                data.pop();
                let event = std::mem::take(&mut self.event);
                out.push(SseEvent {
                    event: if event.is_empty() {
                        "message".to_owned()
                    } else {
                        event
                    },
                    data,
                    id: self.last_id.clone(),
                });
            } else {
                self.event.clear();
            }
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.find(':') {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(' ').unwrap_or(v))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_id),
            "retry" => {
                if let Ok(ms) = value.parse() {
                    self.retry_ms = Some(ms);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_across_chunks_and_line_endings() {
        let mut p = SseParser::new();
        assert!(p.feed(b"\xEF\xBB\xBF: hello\r\nevent: sta").is_empty());
        let evs = p.feed(b"tus\rid: 7\ndata: {\"a\":\r\ndata:1}\r\n\r\ndata: x\n\n");
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].event, "status");
        assert_eq!(evs[0].data, "{\"a\":\n1}");
        assert_eq!(evs[0].id, "7");
        assert_eq!(evs[1].event, "message");
        assert_eq!(evs[1].data, "x");
        assert_eq!(p.last_id(), "7");
    }

    #[test]
    fn retry_and_empty_events() {
        let mut p = SseParser::new();
        assert!(p.feed(b"retry: 1500\nevent: ping\n\n").is_empty());
        assert_eq!(p.retry_ms, Some(1500));
        let evs = p.feed("data: ñ".as_bytes());
        assert!(evs.is_empty());
        let evs = p.feed(b"\n\n");
        assert_eq!(evs[0].data, "ñ");
    }
}
