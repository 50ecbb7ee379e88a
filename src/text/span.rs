//! Offsets back into the source: a [`Span`] says from which byte of a text
//! on the text comes from which source line. Blocks and passages carry
//! their spans, which is what makes line numbers in citations exact.

/// Where a piece of a text comes from: from byte `offset` of the text on,
/// the text is from source line `line` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    /// Byte offset in the text.
    pub offset: usize,
    /// Line number in the source file, 1-based.
    pub line: u32,
}

/// The source line of the byte at `offset` of a text mapped by `spans`.
pub fn line_at(spans: &[Span], offset: usize) -> u32 {
    let i = spans.partition_point(|s| s.offset <= offset);
    spans.get(i.saturating_sub(1)).map_or(0, |s| s.line)
}

/// First and last source line of the bytes `start..end` of a text mapped by
/// `spans`.
pub fn line_range(spans: &[Span], start: usize, end: usize) -> (u32, u32) {
    let first = line_at(spans, start);
    let last = spans
        .iter()
        .filter(|s| s.offset >= start && s.offset < end.max(start + 1))
        .map(|s| s.line)
        .max()
        .unwrap_or(first);
    (first, last.max(first))
}

/// The spans of the bytes `start..end`, rebased to start at 0.
pub fn sub_spans(spans: &[Span], start: usize, end: usize) -> Vec<Span> {
    let mut out = vec![Span {
        offset: 0,
        line: line_at(spans, start),
    }];
    out.extend(
        spans
            .iter()
            .filter(|s| s.offset > start && s.offset < end)
            .map(|s| Span {
                offset: s.offset - start,
                line: s.line,
            }),
    );
    out
}

/// Spans shifted by `base` bytes: those of a text appended at `base`.
pub fn shifted(spans: &[Span], base: usize) -> impl Iterator<Item = Span> + '_ {
    spans.iter().map(move |s| Span {
        offset: s.offset + base,
        line: s.line,
    })
}

/// The spans as stored: `offset:line` pairs joined by `;`.
pub fn to_string(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}:{}", s.offset, s.line))
        .collect::<Vec<_>>()
        .join(";")
}

/// Reads spans written by [`to_string`]; malformed pairs are skipped.
pub fn from_str(text: &str) -> Vec<Span> {
    text.split(';')
        .filter_map(|pair| {
            let (offset, line) = pair.split_once(':')?;
            Some(Span {
                offset: offset.parse().ok()?,
                line: line.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans() -> Vec<Span> {
        // "abc def ghi": "abc " from line 3, "def " from 4, "ghi" from 7.
        vec![
            Span { offset: 0, line: 3 },
            Span { offset: 4, line: 4 },
            Span { offset: 8, line: 7 },
        ]
    }

    #[test]
    fn lines_of_bytes() {
        let s = spans();
        assert_eq!(line_at(&s, 0), 3);
        assert_eq!(line_at(&s, 5), 4);
        assert_eq!(line_at(&s, 100), 7);
        assert_eq!(line_range(&s, 0, 3), (3, 3));
        assert_eq!(line_range(&s, 2, 9), (3, 7));
        assert_eq!(line_range(&s, 5, 7), (4, 4));
    }

    #[test]
    fn sub_spans_are_rebased() {
        let s = spans();
        assert_eq!(
            sub_spans(&s, 5, 11),
            [Span { offset: 0, line: 4 }, Span { offset: 3, line: 7 }]
        );
        assert_eq!(
            shifted(&s[..1], 10).next(),
            Some(Span {
                offset: 10,
                line: 3
            })
        );
    }

    #[test]
    fn stored_form_round_trips() {
        let s = spans();
        assert_eq!(to_string(&s), "0:3;4:4;8:7");
        assert_eq!(from_str(&to_string(&s)), s);
        assert_eq!(from_str("0:1;bad;5:x"), [Span { offset: 0, line: 1 }]);
    }
}
