//! Shortcode arguments declared as data: a theme's own shortcode is checked like the
//! shipped ones, its defaults reach the template, and mistakes in a declaration or in a
//! call are diagnostics at their line.

mod common;

use common::book_test::BookTest;

#[test]
fn a_theme_shortcode_gets_its_declared_defaults() {
    BookTest::from_fixture("shortcode/theme-rules")
        .build()
        .check_page(
            "index.html",
            "blockquote.zitat",
            &["Wir wollen mitreden.", "Endlich sichtbar!"],
        )
        .check_attrs(
            "index.html",
            "blockquote.zitat",
            "class",
            &["zitat zitat-schlicht", "zitat zitat-gross"],
        );
}

#[test]
fn calls_of_a_theme_shortcode_are_checked_against_its_declaration() {
    BookTest::from_fixture("shortcode/theme-rules-broken").check_diagnostics();
}

#[test]
fn mistakes_in_a_declaration_are_reported_at_their_line() {
    BookTest::from_fixture("shortcode/bad-rules-file").check_diagnostics();
}

#[test]
fn overriding_a_shipped_template_keeps_its_declared_arguments() {
    BookTest::from_fixture("shortcode/override-keeps-rules").check_diagnostics();
}
