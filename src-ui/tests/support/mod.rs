//! What the studio crate's integration tests share: running the built binary, temporary
//! folders, the SAM fixture, and a headless studio. Each test file uses part of it.
#![allow(dead_code)]

pub mod moto;

use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use stepcraft_studio::app::StudioApp;

/// Runs the `stepcraft` binary with `args`.
pub fn stepcraft(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path of the repository, from its root.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

/// A path as a `&str` argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A fresh folder under the system's temp folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `stepcraft-NAME-PID-N`, empty: N tells apart folders of the same name made by tests
    /// running at once in this one process.
    pub fn new(name: &str) -> Self {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("stepcraft-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// A path inside it.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// A path inside it, as a command-line argument.
    pub fn at(&self, rel: &str) -> String {
        s(&self.0.join(rel)).to_owned()
    }

    /// Writes a file inside it and returns its path as a command-line argument.
    pub fn write(&self, rel: &str, contents: &str) -> String {
        s(&self.file(rel, contents)).to_owned()
    }

    /// Writes a file inside it (folders made as needed) and returns its path.
    pub fn file(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folders");
        }
        std::fs::write(&path, contents).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A file of the SAM application in `tests/fixtures/sam-orders`, as a command-line argument.
pub fn fixture(rel: &str) -> String {
    s(&repo("tests/fixtures/sam-orders").join(rel)).to_owned()
}

/// A copy of the SAM application in `tests/fixtures/sam-orders`, so sidecar files and edited
/// templates can be written beside it.
pub fn sam_copy(name: &str) -> TempDir {
    let dir = TempDir::new(&format!("sam-{name}"));
    for rel in [
        "template.yaml",
        "statemachine/orders.asl.json",
        "statemachine/orders.mocks.json",
        "statemachine/orders.test.yaml",
    ] {
        let text =
            std::fs::read_to_string(repo("tests/fixtures/sam-orders").join(rel)).expect("fixture");
        dir.file(rel, &text);
    }
    dir
}

/// The studio on `app` in the Run mode with its only test case chosen, playing at instant speed.
pub fn run_mode_on_its_case(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = harness(app);
    harness
        .state_mut()
        .set_mode(stepcraft_studio::app::Mode::Run);
    harness.run();
    assert_eq!(harness.state().run_mode().scenarios().len(), 1);
    harness.state_mut().run_mode_mut().choose(Some(0));
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    harness
}

/// Draws frames until the run stops playing: its tasks' backends run in the background, on
/// real processes, while the window goes on. Panics after 30 s.
pub fn until_the_run_rests(harness: &mut Harness<'static, StudioApp>) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while harness.state().run_mode().controller().is_playing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the run still plays after 30 s: {:?}",
            harness.state().run_mode().status()
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run();
}

/// The studio, headless, at 1400×900, after its first frame.
pub fn harness(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_ui_state(|ui, app: &mut StudioApp| app.ui_contents(ui), app);
    harness.run();
    harness
}

/// cfn-lint's verdict: its exit status has bit 2 set for errors (4 and 8 are warnings and
/// informational notes). Its check of the definition itself (E3601) is left out: its ASL
/// schema refuses valid definitions (`Parameters` on a Parallel state, which AWS accepts), and
/// the definition is Stepcraft's validator's to check; the template around it is cfn-lint's.
pub fn cfn_lint(path: impl AsRef<Path>) {
    let path = path.as_ref().display().to_string();
    let out = Command::new("cfn-lint")
        .args(["--ignore-checks", "E3601", "--"])
        .arg(&path)
        .output()
        .expect("cfn-lint runs (pip install cfn-lint)");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && code & 2 == 0,
        "cfn-lint found errors in {path} ({code}):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
