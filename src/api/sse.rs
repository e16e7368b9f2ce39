//! An incremental Server-Sent Events parser: feed it text chunks as a streaming fetch
//! delivers them, take complete events out. Pure, so it is tested natively.

/// One complete event: its `event:` name (default `message`) and joined `data:` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Bytes of text not yet ending in a blank line stay buffered, up to a cap, so a
/// misbehaving server cannot grow it without bound.
#[derive(Default)]
pub struct SseParser {
    buffer: String,
}

const MAX_BUFFER: usize = 1 << 20;

impl SseParser {
    /// Adds `chunk` and returns every event it completed.
    pub fn feed(&mut self, chunk: &str) -> Vec<SseEvent> {
        self.buffer.push_str(&chunk.replace("\r\n", "\n"));
        let mut events = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let block: String = self.buffer.drain(..end + 2).collect();
            if let Some(event) = parse_block(&block) {
                events.push(event);
            }
        }
        if self.buffer.len() > MAX_BUFFER {
            self.buffer.clear();
        }
        events
    }
}

fn parse_block(block: &str) -> Option<SseEvent> {
    let mut event = String::from("message");
    let mut data: Vec<&str> = Vec::new();
    for line in block.lines() {
        if line.starts_with(':') {
            continue; // comment / keep-alive
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = value.to_string(),
            "data" => data.push(value),
            _ => {}
        }
    }
    (!data.is_empty()).then(|| SseEvent {
        event,
        data: data.join("\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_are_reassembled() {
        let mut p = SseParser::default();
        assert!(p.feed("event: state\ndata: {\"a\"").is_empty());
        let events = p.feed(":1}\n\nevent: console\ndata: hi\n\n");
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: "state".into(),
                    data: "{\"a\":1}".into()
                },
                SseEvent {
                    event: "console".into(),
                    data: "hi".into()
                },
            ]
        );
    }

    #[test]
    fn comments_and_crlf_are_handled_and_multi_line_data_joined() {
        let mut p = SseParser::default();
        let events = p.feed(": keep-alive\r\n\r\ndata: one\r\ndata: two\r\n\r\n");
        assert_eq!(
            events,
            vec![SseEvent {
                event: "message".into(),
                data: "one\ntwo".into()
            }]
        );
    }

    #[test]
    fn an_endless_event_does_not_grow_the_buffer_without_bound() {
        let mut p = SseParser::default();
        let big = "x".repeat(MAX_BUFFER / 2 + 1);
        p.feed(&format!("data: {big}"));
        p.feed(&big);
        assert!(p.buffer.is_empty());
        assert_eq!(p.feed("data: ok\n\n").len(), 1);
    }
}
