//! `stepcraft render` on real files: the SVG names every state; bad input is located.

use crate::support;

use std::path::PathBuf;
use support::{TempDir, repo, s, stepcraft};

fn examples() -> PathBuf {
    repo("assets/examples")
}

/// Every state name at every depth of a definition.
fn state_names(value: &serde_json::Value, out: &mut Vec<String>) {
    let Some(states) = value.get("States").and_then(|s| s.as_object()) else {
        return;
    };
    for (name, state) in states {
        out.push(name.clone());
        for branch in state
            .get("Branches")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
        {
            state_names(branch, out);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(p) = state.get(key) {
                state_names(p, out);
            }
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn render_writes_an_svg_naming_every_state_of_every_example() {
    let dir = TempDir::new("render-examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples())
        .expect("examples")
        .filter_map(Result::ok)
        .map(|e| e.path())
        // Definitions only: the `.test.yaml` files beside them are workflow tests.
        .filter(|p| p.to_string_lossy().ends_with(".asl.json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6);
    for file in &files {
        let out = dir.path("out.svg");
        let run = stepcraft(&["render", s(file), "-o", s(&out)]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&run.stderr)
        );
        let svg = std::fs::read_to_string(&out).expect("the SVG is written");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("JSON");
        let mut names = Vec::new();
        state_names(&value, &mut names);
        assert!(!names.is_empty());
        for name in names {
            assert!(
                svg.contains(&format!("<title>{}</title>", escape(&name))),
                "{}: {name} missing",
                file.display()
            );
        }
    }
}

#[test]
fn render_prints_to_stdout_without_output_and_takes_yaml() {
    let dir = TempDir::new("render-yaml");
    let yaml = dir.path("flow.asl.yaml");
    std::fs::write(
        &yaml,
        "StartAt: First\nStates:\n  First:\n    Type: Pass\n    Next: Second & Last\n  Second & Last:\n    Type: Succeed\n",
    )
    .expect("write");
    let run = stepcraft(&["render", s(&yaml)]);
    assert_eq!(run.status.code(), Some(0));
    let svg = String::from_utf8_lossy(&run.stdout);
    assert!(svg.contains("<title>First</title>"));
    assert!(svg.contains("<title>Second &amp; Last</title>"));
}

#[test]
fn render_locates_a_malformed_file_and_exits_1() {
    let dir = TempDir::new("render-bad");
    let bad = dir.path("broken.asl.json");
    std::fs::write(&bad, "{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}").expect("write");
    let out = dir.path("out.svg");
    let run = stepcraft(&["render", s(&bad), "-o", s(&out)]);
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("broken.asl.json:3:"), "{err}");
    assert!(!out.exists(), "nothing written for a malformed file");

    let missing = dir.path("nope.json");
    let run = stepcraft(&["render", s(&missing)]);
    assert_eq!(run.status.code(), Some(2));
}
