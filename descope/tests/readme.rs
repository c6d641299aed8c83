//! The README's examples of using the local server from a test suite are the files the test
//! command runs (`conformance/run.sh`): each file's code appears in the README as it is.

const README: &str = include_str!("../../README.md");

#[test]
fn the_readme_shows_the_examples_the_test_command_runs() {
    for (path, code) in [
        (
            "conformance/python/examples/test_user.py",
            include_str!("../../conformance/python/examples/test_user.py"),
        ),
        (
            "conformance/node/examples/test_user.mjs",
            include_str!("../../conformance/node/examples/test_user.mjs"),
        ),
        ("descope/examples/test_user.rs", {
            let file = include_str!("../examples/test_user.rs");
            // The README leaves out the file's doc comment.
            &file[file
                .find("use descope::")
                .expect("the example imports descope")..]
        }),
    ] {
        assert!(README.contains(path), "the README does not name {path}");
        assert!(
            README.contains(code),
            "the README's copy of {path} differs from the file"
        );
    }
}
