//! Guards on the shape of `src/`: no file imports another that imports it back, directly
//! or around a circle; no file is longer than [`MAX_LINES`] unless it says at its top why it
//! is one file.
//!
//! Every `.rs` file under `src/` is a node (`lib.rs` is the crate root, `x/mod.rs` is `x`).
//! An arrow goes from a file to the file of each module its code names: `use` trees and
//! paths through `crate::…`, `super::…`, `self::…` or a child it declares (`detail::draw`),
//! each resolved to the longest prefix that is a file. A `mod x;` line places a file in the
//! tree and is not an arrow. Comments, string literals and `#[cfg(test)]` items are left
//! out: a test may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root, e.g. `["authn", "client"]`; the root is empty.
type Module = Vec<String>;
type Graph = BTreeMap<Module, BTreeSet<Module>>;

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".to_string()
    } else {
        m.join("::")
    }
}

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

/// The module a file holds; `None` for the binary's `main.rs`, which is its own crate.
fn module_of(root: &Path, file: &Path) -> Option<Module> {
    let rel = file.strip_prefix(root).ok()?.with_extension("");
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    match parts.last().map(String::as_str) {
        Some("main") if parts.len() == 1 => return None,
        Some("lib") if parts.len() == 1 => parts.clear(),
        Some("mod") => {
            parts.pop();
        }
        _ => {}
    }
    Some(parts)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Hash,
    Other,
}

/// Tokens of `text` with comments, strings and character literals dropped.
fn tokens(text: &str) -> Vec<Tok> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let at = |j: usize| c.get(j).copied().unwrap_or('\0');
        match c[i] {
            '/' if at(i + 1) == '/' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if c[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            'r' if (at(i + 1) == '#' || at(i + 1) == '"') && (i == 0 || !ident(c[i - 1])) => {
                let mut j = i + 1;
                while c.get(j) == Some(&'#') {
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    // `r#ident`, a raw identifier.
                    out.push(Tok::Other);
                    i = j;
                    continue;
                }
                let hashes = j - i - 1;
                j += 1;
                while j < c.len() {
                    if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                        j += hashes + 1;
                        break;
                    }
                    j += 1;
                }
                i = j;
                out.push(Tok::Other);
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
                out.push(Tok::Other);
            }
            '\'' if at(i + 1) == '\\' => {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Tok::Other);
            }
            '\'' if at(i + 2) == '\'' => {
                i += 3;
                out.push(Tok::Other);
            }
            ':' if at(i + 1) == ':' => {
                out.push(Tok::Path);
                i += 2;
            }
            ch if ident(ch) => {
                let start = i;
                while i < c.len() && ident(c[i]) {
                    i += 1;
                }
                out.push(Tok::Ident(c[start..i].iter().collect()));
            }
            ch if ch.is_whitespace() => i += 1,
            ch => {
                out.push(match ch {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    ';' => Tok::Semi,
                    '*' => Tok::Star,
                    '#' => Tok::Hash,
                    _ => Tok::Other,
                });
                i += 1;
            }
        }
    }
    out
}

fn is(t: Option<&Tok>, word: &str) -> bool {
    matches!(t, Some(Tok::Ident(w)) if w == word)
}

/// The tokens with every `#[cfg(test)]` item removed, and the names of the child files
/// declared by `#[cfg(test)] mod x;` (test-only files).
fn without_tests(toks: Vec<Tok>) -> (Vec<Tok>, Vec<String>) {
    let mut out = Vec::new();
    let mut test_children = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let cfg_test = toks[i] == Tok::Hash
            && toks.get(i + 1) == Some(&Tok::Other)
            && is(toks.get(i + 2), "cfg")
            && toks.get(i + 3) == Some(&Tok::Other)
            && is(toks.get(i + 4), "test")
            && toks.get(i + 5) == Some(&Tok::Other)
            && toks.get(i + 6) == Some(&Tok::Other);
        if !cfg_test {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += 7;
        let mut depth = 0isize;
        while i < toks.len() {
            match &toks[i] {
                Tok::Ident(w) if w == "mod" && depth == 0 => {
                    if let (Some(Tok::Ident(child)), Some(Tok::Semi)) =
                        (toks.get(i + 1), toks.get(i + 2))
                    {
                        test_children.push(child.clone());
                    }
                }
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth <= 0 {
                        i += 1;
                        break;
                    }
                }
                Tok::Semi if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    (out, test_children)
}

/// Expands the path or use tree at `toks[i]` into whole paths; returns where it ends.
fn tree(toks: &[Tok], mut i: usize, prefix: &[String], found: &mut Vec<Module>) -> usize {
    let mut p = prefix.to_vec();
    while i < toks.len() {
        match &toks[i] {
            Tok::Open => {
                i += 1;
                while i < toks.len() && toks[i] != Tok::Close {
                    i = tree(toks, i, &p, found);
                    if toks.get(i) == Some(&Tok::Comma) {
                        i += 1;
                    }
                }
                return i + 1;
            }
            Tok::Ident(w) => {
                p.push(w.clone());
                i += 1;
                if toks.get(i) == Some(&Tok::Path) {
                    i += 1;
                    continue;
                }
                if is(toks.get(i), "as") {
                    i += 2;
                }
                found.push(p);
                return i;
            }
            Tok::Star => {
                found.push(p);
                return i + 1;
            }
            _ => {
                found.push(p);
                return i;
            }
        }
    }
    found.push(p);
    i
}

/// The files `me` (whose text is `text`) names, among `modules`.
fn imports(modules: &BTreeSet<Module>, me: &Module, text: &str) -> BTreeSet<Module> {
    let (toks, _) = without_tests(tokens(text));
    let mut children = BTreeSet::new();
    for w in toks.windows(3) {
        if let [Tok::Ident(m), Tok::Ident(child), Tok::Semi] = w
            && m == "mod"
        {
            children.insert(child.clone());
        }
    }
    // Inline modules (`mod x { … }`) shift what `super` and `self` mean inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut deps = BTreeSet::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Open => depth += 1,
            Tok::Close => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(m) if m == "mod" && toks.get(i + 2) == Some(&Tok::Open) => {
                if let Some(Tok::Ident(n)) = toks.get(i + 1) {
                    inline.push((n.clone(), depth));
                }
            }
            Tok::Ident(_)
                if toks.get(i + 1) == Some(&Tok::Path) && (i == 0 || toks[i - 1] != Tok::Path) =>
            {
                let mut paths = Vec::new();
                i = tree(&toks, i, &[], &mut paths);
                let here: Module = me
                    .iter()
                    .cloned()
                    .chain(inline.iter().map(|(n, _)| n.clone()))
                    .collect();
                for p in paths {
                    deps.extend(resolve(modules, &here, &children, &p, inline.is_empty()));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    deps.remove(me);
    deps
}

/// The file a path names, if it names one of ours.
fn resolve(
    modules: &BTreeSet<Module>,
    here: &Module,
    children: &BTreeSet<String>,
    path: &[String],
    at_file_level: bool,
) -> Option<Module> {
    let (mut base, mut rest): (Module, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (here.clone(), &path[1..]),
        "super" => (here.clone(), path),
        child if at_file_level && children.contains(child) => (here.clone(), path),
        _ => return None,
    };
    while rest.first().is_some_and(|p| p == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let mut best = None;
    let mut p = base;
    loop {
        if modules.contains(&p) {
            best = Some(p.clone());
        }
        match rest.split_first() {
            Some((part, tail)) if part != "self" => {
                p.push(part.clone());
                rest = tail;
            }
            _ => break,
        }
    }
    best
}

/// A circle in `graph`, as the files around it, if there is one.
fn circle(graph: &Graph) -> Option<Vec<Module>> {
    fn visit(
        m: &Module,
        graph: &Graph,
        done: &mut BTreeSet<Module>,
        path: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut c = path[i..].to_vec();
            c.push(m.clone());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut done, &mut Vec::new()))
}

/// The import graph of every file in `src/` but test-only ones.
fn src_graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let mut texts: Vec<(Module, String)> = paths
        .iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(p).expect("read a source file");
            module_of(&root, p).map(|m| (m, text))
        })
        .collect();
    let test_only: BTreeSet<Module> = texts
        .iter()
        .flat_map(|(m, t)| {
            let (_, kids) = without_tests(tokens(t));
            kids.into_iter().map(move |k| {
                let mut c = m.clone();
                c.push(k);
                c
            })
        })
        .collect();
    texts.retain(|(m, _)| !test_only.iter().any(|t| m.starts_with(t)));
    let modules: BTreeSet<Module> = texts.iter().map(|(m, _)| m.clone()).collect();
    texts
        .iter()
        .map(|(m, t)| (m.clone(), imports(&modules, m, t)))
        .collect()
}

fn module(path: &str) -> Module {
    path.split("::")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn no_file_in_src_imports_one_that_imports_it_back() {
    let graph = src_graph();
    assert!(graph.len() > 100, "the files of src/ were found");
    // The reader sees arrows that are there.
    for (from, to) in [
        ("tui::view", "tui::app"),
        ("authn::client", "authn::retry"),
        ("emulator::store", "emulator::records"),
        ("cli::sessions", "query"),
    ] {
        assert!(
            graph[&module(from)].contains(&module(to)),
            "the reader sees {from} -> {to}"
        );
    }
    if let Some(c) = circle(&graph) {
        let names: Vec<String> = c.iter().map(name).collect();
        panic!("import circle: {}", names.join(" -> "));
    }
}

#[test]
fn the_reader_finds_a_circle_when_there_is_one() {
    let modules: BTreeSet<Module> = ["", "a", "b", "b::c", "d"]
        .into_iter()
        .map(module)
        .collect();
    let a = module("a");
    let b = module("b");
    let c = module("b::c");
    let d = module("d");
    let mut graph = Graph::new();
    graph.insert(
        a.clone(),
        imports(
            &modules,
            &a,
            "// use crate::d;\nuse crate::b::{X, c::{Y, Z as W}};\nconst S: &str = \"crate::d::x\";\n",
        ),
    );
    graph.insert(
        b.clone(),
        imports(
            &modules,
            &b,
            "mod c;\nfn f() { c::g() }\n#[cfg(test)]\nmod tests { use crate::d::T; }\n",
        ),
    );
    graph.insert(
        c.clone(),
        imports(
            &modules,
            &c,
            "mod inner { use super::X; }\nfn g() { super::super::a::h(); }\n",
        ),
    );
    graph.insert(d.clone(), BTreeSet::new());
    assert_eq!(
        graph[&a],
        BTreeSet::from([b.clone(), c.clone()]),
        "{graph:?}"
    );
    assert_eq!(graph[&b], BTreeSet::from([c.clone()]), "{graph:?}");
    assert_eq!(graph[&c], BTreeSet::from([a.clone()]), "{graph:?}");
    let found = circle(&graph).expect("a circle");
    assert_eq!(found.first(), found.last());
    assert_eq!(found.len(), 4, "{found:?}");
    graph.insert(c.clone(), BTreeSet::new());
    assert_eq!(circle(&graph), None);
}

/// Lines a file in `src/` may have without saying why it is one file.
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
fn no_file_in_src_is_long_without_saying_why_it_is_one_file() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&manifest.join("src"), &mut paths);
    assert!(paths.len() > 100, "the files of src/ were found");
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
