//! What a block means to a deck beyond its content: a class directive for its slide,
//! or the label that starts speaker notes.

/// `<!-- class: NAME -->` -> `NAME`.
pub(super) fn class_directive(html: &str) -> Option<String> {
    let inner = html
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    // `_class` is Marp's spelling for a class on this slide only; accept it too.
    let value = inner
        .strip_prefix("class:")
        .or_else(|| inner.strip_prefix("_class:"))?
        .trim();
    let valid = !value.is_empty()
        && value.split_whitespace().all(|c| {
            c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
        });
    valid.then(|| value.to_string())
}

/// Removes a leading `Note:`/`Notiz:` from a rendered paragraph; true if there was one.
pub(super) fn strip_note_label(html: &mut String) -> bool {
    for label in ["<p>Note:", "<p>Notiz:", "<p>Notes:", "<p>Notizen:"] {
        if let Some(rest) = html.strip_prefix(label) {
            *html = format!("<p>{}", rest.trim_start());
            return true;
        }
    }
    false
}
