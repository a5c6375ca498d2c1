//! `book.toml` settings that parse but cannot work are reported at their own line and
//! column, found from the TOML parser's spans (not by searching the text).

mod common;

use common::book_test::BookTest;

#[test]
fn a_bad_taxonomy_path_is_reported_at_its_value() {
    BookTest::from_fixture("config/bad-taxonomy-path").check_diagnostics();
}

#[test]
fn every_bad_setting_is_reported_at_its_value() {
    BookTest::from_fixture("config/bad-settings").check_diagnostics();
}
