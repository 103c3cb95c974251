//! The crafted inputs of `tests/support/crafted.rs` through the binary: `validate`, `fmt`,
//! `render` and `run` each end with an exit status (never a signal or 134, the abort of a stack
//! overflow), and a file that cannot be read or is not valid is reported at its line:column.

use crate::support;

#[path = "../../tests/support/crafted.rs"]
mod crafted;

use crafted::{Expect, INPUT};
use support::{TempDir, stderr, stdout, stepcraft};

#[test]
fn every_command_ends_cleanly_on_crafted_inputs() {
    let dir = TempDir::new("crafted");
    let mut failures = Vec::new();
    for c in crafted::all() {
        let file = dir.write(&format!("{}.{}", c.name, c.ext), &c.text);
        let svg = dir.at(&format!("{}.svg", c.name));
        for args in [
            vec!["validate", file.as_str()],
            vec!["fmt", file.as_str()],
            vec!["render", file.as_str(), "-o", svg.as_str()],
            vec!["run", file.as_str(), "--input", INPUT],
        ] {
            let out = stepcraft(&args);
            let said = format!("{}{}", stdout(&out), stderr(&out));
            let Some(code) = out.status.code() else {
                failures.push(format!("{} {:?}: killed by a signal", c.name, args[0]));
                continue;
            };
            let located = said.contains(&format!("{file}:"));
            let ok = match (c.expect, args[0]) {
                (Expect::Unreadable(name) | Expect::Invalid(name), "validate") => {
                    code == 1 && located && said.contains(name)
                }
                (Expect::Unreadable(_) | Expect::Invalid(_), "run") => code == 2 && located,
                (Expect::Unreadable(_), _) => code != 0 && code != 134 && located,
                (Expect::Runs, "run") => code == 0,
                (Expect::RunFails(error), "run") => code == 1 && said.contains(error),
                (_, _) => code != 134 && code <= 2,
            };
            if !ok {
                let head: String = said.chars().take(300).collect();
                failures.push(format!("{} {:?}: exit {code}: {head}", c.name, args[0]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
