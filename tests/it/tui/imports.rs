//! A guard on the shape of `src/tui`: no file imports another that imports it back,
//! directly or around a circle. A `mod x;` line places a file in the tree and is not an
//! import; `use` lines and paths through `crate::tui::…`, `super::…` or a declared child
//! (`detail::draw`) are. Test code (`#[cfg(test)] mod tests`) is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Module = Vec<String>;

fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Module = vec!["tui".to_string()];
    parts.extend(rel.iter().map(|p| p.to_string_lossy().into_owned()));
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths that start at each occurrence of `prefix` (`a::b::{c, d::e}` gives
/// `a::b::c` and `a::b::d::e`), without the prefix.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices(prefix) {
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == ':')
        {
            continue;
        }
        let rest = &text[i + prefix.len()..];
        let head: String = rest
            .chars()
            .take_while(|c| is_ident(*c) || *c == ':')
            .collect();
        let base: Vec<String> = head
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let after = &rest[head.len()..];
        if head.ends_with("::")
            && let Some(group) = after.strip_prefix('{')
        {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let mut p = base.clone();
                p.extend(
                    item.trim()
                        .split(" as ")
                        .next()
                        .unwrap_or("")
                        .split("::")
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
                found.push(p);
            }
        } else {
            found.push(base);
        }
    }
    found
}

fn imports(modules: &BTreeSet<Module>, me: &Module, text: &str) -> BTreeSet<Module> {
    let text = text
        .find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i]);
    let longest = |start: Module, rest: &[String]| {
        let mut p = start;
        let mut best = modules.contains(&p).then(|| p.clone());
        for part in rest {
            p.push(part.clone());
            if modules.contains(&p) {
                best = Some(p.clone());
            } else {
                break;
            }
        }
        best
    };
    let mut deps = BTreeSet::new();
    for path in paths_after(text, "crate::tui::") {
        deps.extend(longest(vec!["tui".into()], &path));
    }
    for path in paths_after(text, "super::") {
        let mut base = me[..me.len() - 1].to_vec();
        let mut rest = path.as_slice();
        while rest.first().is_some_and(|p| p == "super") {
            base.pop();
            rest = &rest[1..];
        }
        if rest.is_empty() || rest == ["*"] {
            deps.insert(base);
        } else {
            deps.extend(longest(base, rest));
        }
    }
    let mut body = String::new();
    let mut children = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let decl = t
            .strip_prefix("pub ")
            .or_else(|| t.strip_prefix("pub(crate) "))
            .or_else(|| t.strip_prefix("pub(super) "))
            .unwrap_or(t);
        match decl.strip_prefix("mod ").and_then(|m| m.strip_suffix(';')) {
            Some(child) => children.push(child.to_string()),
            None => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    for child in children {
        if !paths_after(&body, &format!("{child}::")).is_empty() {
            let mut m = me.clone();
            m.push(child);
            deps.insert(m);
        }
    }
    deps.remove(me);
    deps
}

fn circle(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        m: &Module,
        graph: &BTreeMap<Module, BTreeSet<Module>>,
        done: &mut BTreeSet<Module>,
        path: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].to_vec());
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

fn tui_graph() -> BTreeMap<Module, BTreeSet<Module>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let texts: Vec<(Module, String)> = paths
        .iter()
        .map(|p| (module_of(&root, p), std::fs::read_to_string(p).unwrap()))
        .collect();
    let modules: BTreeSet<Module> = texts.iter().map(|(m, _)| m.clone()).collect();
    texts
        .iter()
        .map(|(m, t)| (m.clone(), imports(&modules, m, t)))
        .collect()
}

#[test]
fn no_file_in_the_tui_imports_one_that_imports_it_back() {
    let graph = tui_graph();
    assert!(graph.len() > 20, "the files of src/tui were found");
    let app = vec!["tui".to_string(), "app".to_string()];
    let view = vec!["tui".to_string(), "view".to_string()];
    assert!(graph[&view].contains(&app), "the reader sees view -> app");
    if let Some(c) = circle(&graph) {
        let names: Vec<String> = c.iter().map(|m| m.join("::")).collect();
        panic!("import circle: {}", names.join(" -> "));
    }
}

#[test]
fn the_reader_finds_a_circle_when_there_is_one() {
    let modules: BTreeSet<Module> = [vec!["tui", "a"], vec!["tui", "b"], vec!["tui"]]
        .into_iter()
        .map(|m| m.into_iter().map(str::to_string).collect())
        .collect();
    let a: Module = vec!["tui".into(), "a".into()];
    let b: Module = vec!["tui".into(), "b".into()];
    let mut graph = BTreeMap::new();
    graph.insert(
        a.clone(),
        imports(&modules, &a, "use crate::tui::b::{X, y::Z};\n"),
    );
    graph.insert(b.clone(), imports(&modules, &b, "use super::a::Thing;\n"));
    assert!(
        graph[&a].contains(&b) && graph[&b].contains(&a),
        "{graph:?}"
    );
    assert!(circle(&graph).is_some());
}
