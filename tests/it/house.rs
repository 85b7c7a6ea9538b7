//! Guards on the shape of the sources the compiler cannot keep: no file is longer than
//! [`MAX_LINES`] unless it says at its top why it is one file, and no crate's manifest
//! lists a dependency its boundary forbids.
//!
//! Which code may use which is kept by the compiler: the AuthN client, its wire models and
//! the emulator are crates of their own (`crates/`), so an import a crate's manifest does
//! not allow fails to build. What the compiler cannot see is a manifest that allows too
//! much; that is checked here. Circles between the files of one crate are legal Rust and
//! left to review.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Lines a file in `src/` or a crate's `src/` may have without saying why it is one file.
const MAX_LINES: usize = 600;

/// How a longer file says why it is one file: a line of the module doc at its top,
/// `//! One file because …`, with the reason.
const ONE_FILE_MARK: &str = "//! One file because ";

/// Whether the module doc at the top of `text` gives a reason for one file.
fn says_why_one_file(text: &str) -> bool {
    text.lines().take_while(|l| l.starts_with("//!")).any(|l| {
        l.strip_prefix(ONE_FILE_MARK)
            .is_some_and(|why| why.trim().len() >= 10)
    })
}

#[test]
fn no_source_file_is_long_without_saying_why_it_is_one_file() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&manifest.join("src"), &mut paths);
    assert!(paths.len() > 100, "the files of src/ were found");
    let crates = manifest.join("crates");
    for entry in std::fs::read_dir(&crates).expect("read crates/") {
        files(&entry.expect("dir entry").path().join("src"), &mut paths);
    }
    assert!(
        paths.iter().any(|p| p.starts_with(&crates)),
        "the files of crates/ were found"
    );
    let mut long = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read a source file");
        let rel = path
            .strip_prefix(manifest)
            .expect("a path under the manifest")
            .iter()
            .map(|p| p.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let lines = text.lines().count();
        if lines > MAX_LINES && !says_why_one_file(&text) {
            long.push(format!("{rel} ({lines} lines)"));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines: split along a seam, or say why it is one file with a \
         `{ONE_FILE_MARK}…` line in the module doc at its top: {long:?}"
    );
}

#[test]
fn the_reason_for_one_file_is_read_from_the_module_doc_at_the_top() {
    assert!(says_why_one_file(
        "//! The catalogue.\n//!\n//! One file because every entry is one table row.\n\nuse x;\n"
    ));
    // Below the module doc, empty, or as a plain comment, it is no reason.
    assert!(!says_why_one_file(
        "//! The catalogue.\n\n//! One file because every entry is one table row.\n"
    ));
    assert!(!says_why_one_file("//! One file because \n"));
    assert!(!says_why_one_file(
        "// One file because every entry is one table row.\n"
    ));
    assert!(!says_why_one_file("use x;\n"));
}

/// Colour names ratatui's `Stylize` shorthands are made of (`.red()`, `.on_blue()`).
const COLOUR_NAMES: [&str; 16] = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "dark_gray",
    "light_red",
    "light_green",
    "light_yellow",
    "light_blue",
    "light_magenta",
    "light_cyan",
    "white",
];

/// The colour literals of `text`, one `line: text` each: a `Color::` value, or a colour
/// shorthand. Comments are skipped, so a doc may name a colour.
fn colour_literals(text: &str) -> Vec<String> {
    let shorthands: Vec<String> = COLOUR_NAMES
        .iter()
        .flat_map(|c| [format!(".{c}()"), format!(".on_{c}()")])
        .collect();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| l.contains("Color::") || shorthands.iter().any(|s| l.contains(s)))
        .map(|(i, l)| format!("{}: {}", i + 1, l.trim()))
        .collect()
}

#[test]
fn every_colour_on_screen_comes_from_a_theme_role() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tui = manifest.join("src/tui");
    let mut paths = Vec::new();
    files(&tui, &mut paths);
    assert!(paths.len() > 30, "the files of src/tui were found");
    let mut found = Vec::new();
    for path in paths.iter().filter(|p| !p.ends_with("theme.rs")) {
        let text = std::fs::read_to_string(path).expect("read a source file");
        for hit in colour_literals(&text) {
            found.push(format!("{}:{hit}", path.display()));
        }
    }
    assert!(
        found.is_empty(),
        "a colour outside src/tui/theme.rs: give it a role in the theme: {found:#?}"
    );
}

#[test]
fn the_colour_finder_sees_values_and_shorthands_but_not_comments() {
    for line in [
        "let s = Style::default().fg(Color::Red);",
        "cell.bg = Color::Rgb(1, 2, 3);",
        "Span::raw(\"x\").yellow()",
        "text.on_dark_gray()",
    ] {
        assert_eq!(colour_literals(line).len(), 1, "{line}");
    }
    for line in [
        "// Color::Red once meant danger",
        "fn gauge(theme: &Theme) -> Color {",
        "theme.danger()",
    ] {
        assert!(colour_literals(line).is_empty(), "{line}");
    }
}

/// The workspace crates each crate under `crates/` may depend on, and crates none of them
/// may: a new arrow between crates is one line in a manifest, which this catches.
const CRATE_ARROWS: &[(&str, &[&str])] = &[
    ("authn-model", &[]),
    ("authn", &["pangea-authn-model"]),
    ("emulator", &["pangea-authn-model"]),
];

/// Crates that know a terminal, a command line or the top of a program.
const FRONT_ONLY: &[&str] = &["ratatui", "crossterm", "clap", "color-eyre", "indicatif"];

#[test]
fn each_crate_depends_only_on_what_its_boundary_allows() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root: toml::Table = std::fs::read_to_string(manifest.join("Cargo.toml"))
        .expect("read Cargo.toml")
        .parse()
        .expect("the root manifest parses");
    let members: Vec<String> = root["workspace"]["dependencies"]
        .as_table()
        .expect("[workspace.dependencies]")
        .iter()
        .filter(|(_, spec)| spec.get("path").is_some())
        .map(|(name, _)| name.clone())
        .collect();
    assert_eq!(members.len(), 3, "the workspace's crates: {members:?}");
    let mut seen = 0;
    for entry in std::fs::read_dir(manifest.join("crates")).expect("read crates/") {
        let dir = entry.expect("dir entry").path();
        let name = dir.file_name().expect("a folder name").to_string_lossy();
        let allowed = CRATE_ARROWS
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("crates/{name} has no line in CRATE_ARROWS"))
            .1;
        let own: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
            .expect("read a crate's Cargo.toml")
            .parse()
            .expect("a crate's manifest parses");
        for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
            for dep in own
                .get(table)
                .and_then(toml::Value::as_table)
                .into_iter()
                .flatten()
            {
                let dep = dep.0.as_str();
                assert!(
                    !members.iter().any(|m| m == dep) || allowed.contains(&dep),
                    "crates/{name} must not depend on {dep} ([{table}])"
                );
                assert!(
                    !FRONT_ONLY.contains(&dep),
                    "crates/{name} must not depend on {dep}: it knows a terminal or a command line"
                );
            }
        }
        seen += 1;
    }
    assert_eq!(seen, CRATE_ARROWS.len(), "every crate was read");
}
