//! `stepcraft export`, checked by the ecosystem's own parsers: cfn-lint for CloudFormation and
//! SAM templates, python-hcl2 for Terraform (`.ci/run` installs both from PyPI).

use serde_json::Value;
use std::process::Command;
use support::{TempDir, cfn_lint, repo, s, stderr, stdout, stepcraft};

use crate::support;

/// The definitions exported: bare placeholders (the SAM fixture), none (an example), YAML
/// with plain placeholders (a copy of the corpus's human-task-reminder).
fn definitions(dir: &TempDir) -> Vec<String> {
    let mut out = Vec::new();
    for (name, from) in [
        (
            "orders.asl.json",
            "tests/fixtures/sam-orders/statemachine/orders.asl.json",
        ),
        (
            "order-processing.asl.json",
            "assets/examples/order-processing.asl.json",
        ),
        (
            "reminder.asl.yaml",
            "../shared/corpus/human-task-reminder__statemachine__statemachine.asl.yaml",
        ),
    ] {
        let text = std::fs::read_to_string(repo(from)).expect(from);
        out.push(dir.write(name, &text));
    }
    out
}

fn export(def: &str, to: &str, output: &str, extra: &[&str]) {
    let mut args = vec!["export", def, "--to", to, "-o", output];
    args.extend_from_slice(extra);
    let out = stepcraft(&args);
    assert_eq!(out.status.code(), Some(0), "{to} {def}: {}", stderr(&out));
}

/// The placeholders a definition holds, as `stepcraft validate --format json` lists them.
fn placeholders(def: &str) -> Vec<String> {
    let text = std::fs::read_to_string(def).expect("definition");
    let mut names = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        rest = &after[end..];
    }
    names
}

#[test]
fn cloudformation_and_sam_templates_pass_cfn_lint_with_every_placeholder_a_parameter() {
    let dir = TempDir::new("export-cfn");
    for def in definitions(&dir) {
        for (to, extra) in [
            ("cloudformation", &[][..]),
            ("sam", &[][..]),
            ("sam", &["--definition-uri"][..]),
        ] {
            let output = format!("{def}.{to}{}.yaml", extra.len());
            export(&def, to, &output, extra);
            cfn_lint(&output);
            // Each placeholder is substituted from a parameter (or a pseudo parameter).
            let template: Value = serde_yaml_like(&output);
            let resource = template["Resources"]
                .as_object()
                .and_then(|r| r.values().next())
                .expect("one resource");
            let subs = &resource["Properties"]["DefinitionSubstitutions"];
            for name in placeholders(&def) {
                let target = subs[&name]["Ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{output}: ${{{name}}} has no substitution: {subs}"));
                assert!(
                    target.starts_with("AWS::") || template["Parameters"][target].is_object(),
                    "{output}: {target} is no parameter"
                );
            }
        }
    }
}

/// A template read back with Stepcraft's own reader (as JSON values).
fn serde_yaml_like(path: &str) -> Value {
    let out = stepcraft(&["fmt", "--json", path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON")
}

#[test]
fn terraform_parses_in_python_hcl2_and_passes_every_placeholder() {
    let dir = TempDir::new("export-tf");
    for def in definitions(&dir) {
        let output = format!("{def}.tf");
        export(&def, "terraform", &output, &[]);
        let script = "import hcl2, json, sys\nprint(json.dumps(hcl2.load(open(sys.argv[1]))))";
        let out = Command::new("python3")
            .args(["-c", script, &output])
            .output()
            .expect("python3 runs");
        assert!(
            out.status.success(),
            "python-hcl2 reads {output} (pip install python-hcl2): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let hcl: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let text = serde_json::to_string(&hcl).expect("text");
        assert!(text.contains("aws_sfn_state_machine"), "{text}");
        assert!(text.contains("templatefile"), "{text}");
        let file_name = std::path::Path::new(&def)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(text.contains(&file_name), "{text}");
        let definition = hcl["resource"][0]["\"aws_sfn_state_machine\""]
            .as_object()
            .and_then(|r| r.values().next())
            .and_then(|r| r["definition"].as_str())
            .unwrap_or_default()
            .to_owned();
        if def.ends_with(".yaml") {
            assert!(
                definition.contains("jsonencode(yamldecode(templatefile("),
                "{definition}"
            );
        }
        for name in placeholders(&def) {
            assert!(
                definition.contains(&format!("{name} = var.")),
                "{output}: ${{{name}}} is passed to templatefile: {definition}"
            );
        }
    }
}

#[test]
fn json_and_yaml_exports_are_the_formatted_definition() {
    let dir = TempDir::new("export-plain");
    let def = repo("assets/examples/order-processing.asl.json");
    let out = dir.at("op.yaml");
    export(s(&def), "yaml", &out, &[]);
    let fmt = stepcraft(&["fmt", "--yaml", s(&def)]);
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        stdout(&fmt)
    );
    let back = stepcraft(&["fmt", "--json", &out]);
    assert_eq!(
        stdout(&back),
        std::fs::read_to_string(&def).expect("example")
    );
}
