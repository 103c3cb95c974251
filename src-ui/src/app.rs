//! The studio window: opening it on a file or the bundled example. The studio itself lives in
//! [`crate::studio`].

use std::path::PathBuf;

pub use crate::studio::shell::{Mode, StudioApp};

/// The example the studio opens when given no file.
pub const BUNDLED_EXAMPLE: (&str, &str) = (
    "order-processing.asl.json",
    include_str!("../../assets/examples/order-processing.asl.json"),
);

/// The bundled example's test file (its cases are the Run mode's scenarios): a path standing for
/// where it lives in the repository, and its text.
const BUNDLED_TESTS: (&str, &str) = (
    "assets/examples/order-processing.test.yaml",
    include_str!("../../assets/examples/order-processing.test.yaml"),
);

/// The test file bundled with the example named `name`, if there is one.
pub fn bundled_test_file(name: &str) -> Option<(&'static str, &'static str)> {
    (name == BUNDLED_EXAMPLE.0).then_some(BUNDLED_TESTS)
}

/// Opens the studio window on `file`, or on the bundled example.
pub fn run(file: Option<PathBuf>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Stepcraft")
            .with_app_id("stepcraft")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Stepcraft",
        options,
        Box::new(|cc| Ok(Box::new(StudioApp::new(cc.storage, file)))),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn the_bundled_test_file_is_the_one_beside_the_bundled_example() {
        let example = Path::new("assets/examples").join(super::BUNDLED_EXAMPLE.0);
        let beside = stepcraft::run::beside(&example);
        assert_eq!(beside.test_files[0], Path::new(super::BUNDLED_TESTS.0));
    }
}
