//! What `appasset scan` could not read, said so that a user can go straight to it: the file,
//! the document and its first line, the object when known, and what did not fit.

use std::fmt;

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The document, counting from 1 as YAML does: an empty document between two `---` lines
    /// counts, comments before the first `---` do not.
    pub document: usize,
    /// The line of the file the document starts on, from 1.
    pub line: usize,
    /// For an object inside a List, its index in `items`, from 0 as in a field path; one
    /// index per level when Lists are nested.
    pub items: Vec<usize>,
}

/// A path, file or document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as named on the command line or found in a directory; `<stdin>` for `-`.
    pub source: String,
    /// Where in the file; absent when the file as a whole could not be read.
    pub place: Option<Place>,
    /// The object as `Kind namespace/name`, when that much could be read.
    pub object: Option<String>,
    /// What went wrong: for an object that does not fit its kind, the field path, what was
    /// expected and what was found.
    pub message: String,
}

impl Problem {
    /// A problem with a whole file or directory.
    pub fn of_path(source: &str, message: String) -> Problem {
        Problem {
            source: source.to_string(),
            place: None,
            object: None,
            message,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(place) = &self.place {
            write!(f, ": document {} (line {})", place.document, place.line)?;
            for item in &place.items {
                write!(f, ", items[{item}]")?;
            }
        }
        if let Some(object) = &self.object {
            write!(f, ", {object}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_problem_names_file_document_line_object_and_message() {
        let problem = Problem {
            source: "demo/broken.yaml".to_string(),
            place: Some(Place {
                document: 2,
                line: 14,
                items: vec![3],
            }),
            object: Some("Deployment demo/reports".to_string()),
            message: "spec.replicas: invalid type".to_string(),
        };

        assert_eq!(
            problem.to_string(),
            "demo/broken.yaml: document 2 (line 14), items[3], Deployment demo/reports: \
             spec.replicas: invalid type"
        );
    }

    #[test]
    fn a_file_problem_names_the_file_and_message() {
        let problem = Problem::of_path("missing.yaml", "cannot read: not found".to_string());

        assert_eq!(problem.to_string(), "missing.yaml: cannot read: not found");
    }
}
