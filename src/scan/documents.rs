//! Splits the text of a manifest file into its YAML documents before any parsing, so that a
//! syntax error in one document cannot take the documents after it down with it: a YAML
//! parser stops at its first error, and a stream of documents is one parse.
//!
//! The split follows the YAML rule that a line starting with `---` (alone or followed by a
//! space) starts a document wherever it appears: document markers at the start of a line are
//! forbidden inside any content, block scalars and quoted strings included.

/// One document of a file, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document<'a> {
    /// Position in the file, counting from 1 as YAML does: empty documents (`---` followed
    /// by `---`) count, text before the first `---` counts only when it holds content.
    pub index: usize,
    /// The line of the file the document starts on, from 1.
    pub line: usize,
    /// The document's text, its `---` line included.
    pub text: &'a str,
}

/// The documents of `text`, in order.
pub fn split(text: &str) -> Vec<Document<'_>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chunks: Vec<(usize, usize, usize)> = Vec::new();
    let mut start = (0, 1);
    let mut offset = 0;

    for (number, line) in text.split_inclusive('\n').enumerate() {
        let starts_document = is_document_marker(line) && !is_prologue(&text[start.0..offset]);
        if starts_document && offset > start.0 {
            chunks.push((start.0, offset, start.1));
            start = (offset, number + 1);
        }
        offset += line.len();
    }
    chunks.push((start.0, text.len(), start.1));

    // Comments before the first marker (a licence header) are no document.
    let leading = chunks
        .first()
        .is_some_and(|&(from, to, _)| is_blank(&text[from..to]));
    let kept = chunks.into_iter().skip(usize::from(leading)).enumerate();
    kept.map(|(position, (from, to, line))| Document {
        index: position + 1,
        line,
        text: &text[from..to],
    })
    .collect()
}

/// `---` at the start of a line, alone or followed by white space and more of the line.
fn is_document_marker(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("---") else {
        return false;
    };
    rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n'])
}

/// Directives (`%YAML 1.2`) come before the `---` of the document they belong to; the marker
/// that follows them must not split them off.
fn is_prologue(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim_end);
    let mut directives = false;
    let only_prologue = lines.all(|line| {
        directives |= line.starts_with('%');
        line.starts_with('%') || line.trim().is_empty() || line.trim_start().starts_with('#')
    });
    only_prologue && directives
}

/// Nothing but blank lines and comments; a `---` line is neither.
fn is_blank(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Vec<(usize, usize, &str)> {
        let documents = split(text);
        documents
            .into_iter()
            .map(|document| (document.index, document.line, document.text))
            .collect()
    }

    #[test]
    fn a_file_without_markers_is_one_document() {
        assert_eq!(shape("a: 1\nb: 2\n"), [(1, 1, "a: 1\nb: 2\n")]);
    }

    #[test]
    fn each_marker_starts_a_document_on_its_own_line() {
        let text = "---\na: 1\n---\nb: 2\n--- c: 3\n";

        assert_eq!(
            shape(text),
            [
                (1, 1, "---\na: 1\n"),
                (2, 3, "---\nb: 2\n"),
                (3, 5, "--- c: 3\n")
            ]
        );
    }

    #[test]
    fn comments_before_the_first_marker_are_no_document() {
        let text = "# Copyright\n\n---\na: 1\n";

        assert_eq!(shape(text), [(1, 3, "---\na: 1\n")]);
    }

    #[test]
    fn content_before_the_first_marker_is_the_first_document() {
        let text = "a: 1\n---\nb: 2\n";

        assert_eq!(shape(text), [(1, 1, "a: 1\n"), (2, 2, "---\nb: 2\n")]);
    }

    #[test]
    fn empty_documents_keep_their_place_in_the_count() {
        let text = "---\n---\na: 1\n";

        assert_eq!(shape(text), [(1, 1, "---\n"), (2, 2, "---\na: 1\n")]);
    }

    #[test]
    fn dashes_that_are_not_a_marker_stay_in_their_document() {
        let text = "a: |\n  ---\n----\nb: --- x\n";

        assert_eq!(shape(text), [(1, 1, text)]);
    }

    #[test]
    fn windows_line_endings_still_mark_documents() {
        let text = "a: 1\r\n---\r\nb: 2\r\n";

        assert_eq!(shape(text), [(1, 1, "a: 1\r\n"), (2, 2, "---\r\nb: 2\r\n")]);
    }

    #[test]
    fn directives_stay_with_the_document_they_introduce() {
        let text = "%YAML 1.2\n---\na: 1\n---\nb: 2\n";

        assert_eq!(
            shape(text),
            [(1, 1, "%YAML 1.2\n---\na: 1\n"), (2, 4, "---\nb: 2\n")]
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(shape("\u{feff}a: 1\n"), [(1, 1, "a: 1\n")]);
    }

    #[test]
    fn an_empty_file_has_no_document() {
        assert!(shape("").is_empty());
        assert!(shape("# nothing here\n").is_empty());
    }
}
