//! Finds the manifest files the PATHs of the command line name and reads their text.
//! Directories are searched in sorted order, so the same tree always gives the same output.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::problem::Problem;

/// What a directory search reads; a file named on the command line is read whatever its name.
const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// One input of a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, named `-` on the command line.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Input {
    /// The name problems give the input.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(path) => path.display().to_string(),
        }
    }

    /// The input's text.
    pub fn read(&self) -> Result<String, Problem> {
        let bytes = match self {
            Input::Stdin => read_stdin(),
            Input::File(path) => fs::read(path),
        };
        let bytes = bytes.map_err(|error| self.problem(format!("cannot read: {error}")))?;
        String::from_utf8(bytes)
            .map_err(|error| self.problem(format!("cannot read: not UTF-8 text: {error}")))
    }

    fn problem(&self, message: String) -> Problem {
        Problem::of_path(&self.name(), message)
    }
}

fn read_stdin() -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The inputs `paths` name, in the order given, each directory replaced by the manifest files
/// under it; paths that cannot be read are added to `problems`.
pub fn inputs(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<Input> {
    let mut found = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            found.push(Input::Stdin);
            continue;
        }
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => search(path, &mut found, problems),
            Ok(_) => found.push(Input::File(path.clone())),
            Err(error) => {
                let message = format!("cannot read: {error}");
                problems.push(Problem::of_path(&path.display().to_string(), message));
            }
        }
    }
    found
}

/// Adds the manifest files under `directory`, depth first in name order. Links to
/// directories are not followed, so a link cycle cannot make the search endless; links to
/// files are read.
fn search(directory: &Path, found: &mut Vec<Input>, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            let message = format!("cannot list: {error}");
            return problems.push(Problem::of_path(&directory.display().to_string(), message));
        }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(error) => {
                let message = format!("cannot list: {error}");
                problems.push(Problem::of_path(&directory.display().to_string(), message));
            }
        }
    }
    paths.sort();

    for path in paths {
        let Ok(own) = fs::symlink_metadata(&path) else {
            continue;
        };
        if own.is_dir() {
            search(&path, found, problems);
        } else if is_manifest(&path) && path.is_file() {
            found.push(Input::File(path));
        }
    }
}

fn is_manifest(path: &Path) -> bool {
    let extension = path.extension().and_then(|extension| extension.to_str());
    extension.is_some_and(|extension| {
        let extension = extension.to_ascii_lowercase();
        MANIFEST_EXTENSIONS.contains(&extension.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory for one test, under the system's temporary directory.
    fn scratch(test: &str) -> PathBuf {
        let directory =
            std::env::temp_dir().join(format!("appasset-scan-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&directory);
        fs::create_dir_all(&directory).expect("creating a scratch directory");
        directory
    }

    fn write(path: &Path) {
        fs::create_dir_all(path.parent().expect("a parent")).expect("creating a directory");
        fs::write(path, "kind: Test\n").expect("writing a file");
    }

    #[test]
    fn a_directory_gives_its_manifests_depth_first_in_name_order() {
        let root = scratch("order");
        for name in [
            "b.yaml",
            "a/z.yml",
            "a/y.JSON",
            "c.txt",
            "README.md",
            "0.json",
        ] {
            write(&root.join(name));
        }

        let mut problems = Vec::new();
        let found = inputs(std::slice::from_ref(&root), &mut problems);

        let names: Vec<String> = found
            .iter()
            .map(|input| match input {
                Input::File(path) => path.strip_prefix(&root).unwrap().display().to_string(),
                Input::Stdin => "-".to_string(),
            })
            .collect();
        assert_eq!(names, ["0.json", "a/y.JSON", "a/z.yml", "b.yaml"]);
        assert!(problems.is_empty());
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn a_file_named_on_the_command_line_is_read_whatever_its_extension() {
        let root = scratch("named");
        let file = root.join("manifest.txt");
        write(&file);

        let mut problems = Vec::new();
        let found = inputs(&[file.clone(), PathBuf::from("-")], &mut problems);

        assert_eq!(found, [Input::File(file), Input::Stdin]);
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn a_missing_path_is_a_problem_and_the_others_are_still_found() {
        let root = scratch("missing");
        let file = root.join("a.yaml");
        write(&file);
        let missing = root.join("gone.yaml");

        let mut problems = Vec::new();
        let found = inputs(&[missing.clone(), file.clone()], &mut problems);

        assert_eq!(found, [Input::File(file)]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].source, missing.display().to_string());
        assert!(problems[0].message.starts_with("cannot read: "));
        let _ = fs::remove_dir_all(root);
    }

    #[test]
    fn a_file_that_is_not_utf_8_is_a_problem() {
        let root = scratch("binary");
        let file = root.join("a.yaml");
        fs::write(&file, [0xff, 0xfe, 0x00]).expect("writing a file");

        let problem = Input::File(file).read().unwrap_err();

        assert!(problem.message.starts_with("cannot read: not UTF-8 text"));
        let _ = fs::remove_dir_all(root);
    }
}
