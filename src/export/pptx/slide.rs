//! One slide and its notes page as PresentationML: the parsed slide content laid out
//! on the canvas by its layout class, as the web slides lay it out.
//!
//! Titles and body text go into the layout's placeholders (so they stay editable and
//! outline views and screen readers find them); pictures, charts and code boxes sit
//! beside the text, or take the body area when a slide has no text.

use std::fmt::Write;

use super::content::{self, Block, Para, Role};
use super::media::Media;
use super::package::{self, Brand, CODE_BG, INK, MUTED, body_rect, title_rect};
use super::xml::{self, DECL, LinkTarget, Look, NS, Rect, Rels, Styled, TREE_START};
use crate::deck::Slide;

/// What every slide of one deck shares.
pub struct Context<'a> {
    pub brand: &'a Brand,
    /// Language tag of runs, like `de-DE`.
    pub lang: &'a str,
    /// The deck page's URL, which relative links and image paths in slides start from.
    pub url: &'a str,
    /// `[output.html] base-url`, for links to other pages of the site; may be empty.
    pub base_url: &'a str,
    /// Number of slides, for links to other slides.
    pub count: usize,
}

/// Resolves links of one part into its relationships.
struct Links<'a, 'b> {
    rels: &'a mut Rels,
    context: &'a Context<'b>,
}

/// The title shape of a slide, its text anchored at the bottom of `rect`.
fn title_shape(
    id: u32,
    title: &[xml::Styled],
    placeholder: &str,
    rect: Rect,
    links: &mut Links,
) -> String {
    let body = xml::text_body(title, "b", links.context.lang, links);
    xml::shape(id, "Title", Some(placeholder), rect, None, &body)
}

impl LinkTarget for Links<'_, '_> {
    fn link(&mut self, href: &str) -> Option<(String, Option<&'static str>)> {
        if href.starts_with("http://")
            || href.starts_with("https://")
            || href.starts_with("mailto:")
        {
            return Some((self.rels.link(href), None));
        }
        if let Some(n) = href
            .rsplit_once("#slide-")
            .and_then(|(_, n)| n.parse::<usize>().ok())
            .filter(|n| (1..=self.context.count).contains(n))
        {
            let id = self.rels.add("slide", &format!("slide{n}.xml"));
            return Some((id, Some("ppaction://hlinksldjump")));
        }
        if self.context.base_url.is_empty() || href.starts_with('#') {
            return None;
        }
        let path = site_path(self.context.url, href)?;
        let path = path.strip_suffix("index.html").unwrap_or(&path);
        Some((
            self.rels.link(&format!("{}/{path}", self.context.base_url)),
            None,
        ))
    }
}

/// The site path a relative `href` on the page at `url` leads to.
pub fn site_path(url: &str, href: &str) -> Option<String> {
    if href.contains("://") || href.starts_with('/') || href.starts_with("data:") {
        return None;
    }
    let mut parts: Vec<&str> = url.split('/').filter(|s| !s.is_empty()).collect();
    for segment in href.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Slide `n` (1-based) as XML, with its relationships.
pub fn slide(
    n: usize,
    slide: &Slide,
    context: &Context,
    media: &mut Media,
) -> Result<(String, String), crate::catalog::Text> {
    let brand = context.brand;
    let parsed = content::parse(&slide.html);
    let layout = package::layout_for(&slide.class);
    let mut rels = Rels::default();
    rels.add(
        "slideLayout",
        &format!("../slideLayouts/slideLayout{layout}.xml"),
    );
    rels.add("notesSlide", &format!("../notesSlides/notesSlide{n}.xml"));
    let mut tree = String::from(TREE_START);
    let mut ids = 2..;
    let mut next = || ids.next().unwrap_or(u32::MAX);
    let has = |c: &str| slide.class.split_whitespace().any(|x| x == c);

    // Text in reading order, each paragraph in the look of its role; pictures, charts
    // and code are laid out beside it.
    let on_dark = layout == 3;
    let base = if on_dark {
        brand.on_primary.as_str()
    } else {
        INK
    };
    let muted = if on_dark {
        brand.on_primary.as_str()
    } else {
        MUTED
    };
    let mut text: Vec<Styled> = Vec::new();
    let mut visuals = Vec::new();
    let mut kicker = Vec::new();
    for block in parsed.blocks.iter() {
        match block {
            Block::Text(Role::Kicker, paras) if layout == 5 => {
                kicker.extend(paras.iter().map(|p| (p.clone(), Look::new(16.0, MUTED))));
            }
            Block::Text(role, paras) => {
                let look = match role {
                    Role::Body if layout == 5 => Look::new(20.0, MUTED),
                    Role::Body if layout == 1 => Look::new(24.0, MUTED),
                    Role::Body => Look::new(22.0, base),
                    Role::Quote if layout == 5 => Look {
                        italic: true,
                        ..Look::new(32.0, INK)
                    },
                    Role::Quote => Look {
                        italic: true,
                        ..Look::new(22.0, base)
                    },
                    Role::Kicker | Role::Facts => Look::new(16.0, muted),
                    Role::Figures => Look::new(20.0, base),
                };
                let look = if layout == 1 {
                    Look {
                        align: "ctr",
                        ..look
                    }
                } else {
                    look
                };
                text.extend(paras.iter().map(|p| (p.clone(), look.clone())));
            }
            visual => visuals.push(visual),
        }
    }

    let mut links = Links {
        rels: &mut rels,
        context,
    };
    let title_look = match layout {
        1 => Look {
            bold: true,
            align: "ctr",
            ..Look::new(54.0, &brand.primary)
        },
        3 => Look {
            bold: true,
            ..Look::new(44.0, &brand.on_primary)
        },
        _ => Look {
            bold: true,
            ..Look::new(34.0, &brand.primary)
        },
    };
    let title = (!parsed.title.is_empty()).then(|| {
        let para = Para {
            runs: parsed.title.clone(),
            level: 0,
            bullet: content::Bullet::None,
        };
        vec![(para, title_look)]
    });
    let (w, h) = (brand.width, brand.height);
    match layout {
        1 | 3 => {
            let (title_ph, body_ph, top) = if layout == 1 {
                ("type=\"ctrTitle\"", "type=\"subTitle\" idx=\"1\"", h * 0.28)
            } else {
                ("type=\"title\"", "type=\"body\" idx=\"1\"", h * 0.30)
            };
            if let Some(title) = &title {
                let rect = Rect::new(80.0, top, w - 160.0, 150.0);
                tree.push_str(&title_shape(next(), title, title_ph, rect, &mut links));
            }
            if !text.is_empty() {
                let body = xml::text_body(&text, "t", context.lang, &mut links);
                tree.push_str(&xml::shape(
                    next(),
                    "Subtitle",
                    Some(body_ph),
                    Rect::new(80.0, top + 170.0, w - 160.0, h - top - 170.0 - 72.0),
                    None,
                    &body,
                ));
            }
        }
        5 => {
            let mut y = 110.0;
            if !kicker.is_empty() {
                let body = xml::text_body(&kicker, "b", context.lang, &mut links);
                tree.push_str(&xml::shape(
                    next(),
                    "Kicker",
                    None,
                    Rect::new(120.0, y, w - 240.0, 40.0),
                    None,
                    &body,
                ));
                y += 56.0;
            }
            tree.push_str(&xml::bar(
                next(),
                "Quote mark",
                Rect::new(96.0, y, 8.0, h - y - 130.0),
                &brand.accent,
            ));
            let body = xml::text_body(&text, "ctr", context.lang, &mut links);
            tree.push_str(&xml::shape(
                next(),
                "Objection",
                Some("type=\"body\" idx=\"1\""),
                Rect::new(128.0, y, w - 248.0, h - y - 130.0),
                None,
                &body,
            ));
        }
        _ => {
            let mut body_area = body_rect(brand);
            if let Some(title) = &title {
                let rect = title_rect(brand);
                tree.push_str(&title_shape(
                    next(),
                    title,
                    "type=\"title\"",
                    rect,
                    &mut links,
                ));
            } else {
                body_area = Rect::new(body_area.x, 56.0, body_area.w, h - 56.0 - 72.0);
            }
            if has("answer") {
                tree.push_str(&xml::bar(
                    next(),
                    "Answer mark",
                    Rect::new(48.0, 56.0, 8.0, h - 56.0 - 72.0),
                    &brand.accent,
                ));
            }
            let gap = 48.0;
            let (text_area, visual_area) = match (text.is_empty(), visuals.is_empty()) {
                (false, false) => {
                    let left = (body_area.w - gap) * 0.5;
                    (
                        Rect::new(body_area.x, body_area.y, left, body_area.h),
                        Rect::new(
                            body_area.x + left + gap,
                            body_area.y,
                            body_area.w - left - gap,
                            body_area.h,
                        ),
                    )
                }
                _ => (body_area, body_area),
            };
            if layout == 4 && visuals.is_empty() && text.len() > 1 {
                let (left, right) = split_columns(&text);
                let half = (body_area.w - 64.0) / 2.0;
                for (i, (part, ph)) in [(left, "idx=\"1\""), (right, "idx=\"2\"")]
                    .into_iter()
                    .enumerate()
                {
                    let body = xml::text_body(part, "t", context.lang, &mut links);
                    let x = body_area.x + i as f64 * (half + 64.0);
                    tree.push_str(&xml::shape(
                        next(),
                        "Column",
                        Some(ph),
                        Rect::new(x, body_area.y, half, body_area.h),
                        None,
                        &body,
                    ));
                }
            } else if !text.is_empty() {
                let body = xml::text_body(&text, "t", context.lang, &mut links);
                tree.push_str(&xml::shape(
                    next(),
                    "Content",
                    Some("idx=\"1\""),
                    text_area,
                    None,
                    &body,
                ));
            }
            let n_visuals = visuals.len() as f64;
            let slot_h = (visual_area.h - gap * (n_visuals - 1.0).max(0.0)) / n_visuals.max(1.0);
            for (i, visual) in visuals.iter().enumerate() {
                let slot = Rect::new(
                    visual_area.x,
                    visual_area.y + i as f64 * (slot_h + gap),
                    visual_area.w,
                    slot_h,
                );
                match visual {
                    Block::Code(code) => {
                        tree.push_str(&xml::bar(next(), "Code background", slot, CODE_BG));
                        let look = Look {
                            mono: true,
                            ..Look::new(14.0, INK)
                        };
                        let paras: Vec<Styled> = vec![(
                            Para {
                                runs: vec![content::Run {
                                    text: code.clone(),
                                    code: true,
                                    ..Default::default()
                                }],
                                level: 0,
                                bullet: content::Bullet::None,
                            },
                            look,
                        )];
                        let body = xml::text_body(&paras, "t", context.lang, &mut links);
                        let inner =
                            Rect::new(slot.x + 16.0, slot.y + 12.0, slot.w - 32.0, slot.h - 24.0);
                        tree.push_str(&xml::shape(next(), "Code", None, inner, None, &body));
                    }
                    Block::Picture { src, alt } => {
                        let Some(path) = site_path(context.url, src) else {
                            continue;
                        };
                        let picture = media.file(&path, alt)?;
                        place(&mut tree, next(), &picture, slot, links.rels);
                    }
                    Block::Chart { svg, alt } => {
                        let picture = media.chart(svg, alt, brand)?;
                        place(&mut tree, next(), &picture, slot, links.rels);
                    }
                    Block::Text(..) => {}
                }
            }
        }
    }
    tree.push_str("</p:spTree>");
    let xml = format!(
        "{DECL}<p:sld {NS}><p:cSld>{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>"
    );
    Ok((xml, rels.xml()))
}

/// Puts a picture into `slot`, as large as fits, keeping its proportions.
fn place(tree: &mut String, id: u32, picture: &super::Picture, slot: Rect, rels: &mut Rels) {
    let scale = (slot.w / picture.width.max(1.0)).min(slot.h / picture.height.max(1.0));
    let (w, h) = (picture.width * scale, picture.height * scale);
    let rect = Rect::new(slot.x + (slot.w - w) / 2.0, slot.y, w, h);
    let png = rels.add("image", &format!("../media/{}", picture.png));
    let svg = picture
        .svg
        .as_ref()
        .map(|svg| rels.add("image", &format!("../media/{svg}")));
    tree.push_str(&xml::picture(id, &picture.alt, rect, &png, svg.as_deref()));
}

/// Paragraphs split into two columns at the middle, keeping sub-items with their item.
fn split_columns(text: &[Styled]) -> (&[Styled], &[Styled]) {
    let mut half = text.len().div_ceil(2);
    while half < text.len() && text[half].0.level > 0 {
        half += 1;
    }
    text.split_at(half)
}

/// The notes page of slide `n`, with its relationships.
pub fn notes(n: usize, html: &str, context: &Context) -> (String, String) {
    let mut rels = Rels::default();
    rels.add("notesMaster", "../notesMasters/notesMaster1.xml");
    rels.add("slide", &format!("../slides/slide{n}.xml"));
    let paras: Vec<Styled> = content::notes(html)
        .into_iter()
        .map(|p| (p, Look::new(12.0, INK)))
        .collect();
    let mut links = Links {
        rels: &mut rels,
        context,
    };
    let body = xml::text_body(&paras, "t", context.lang, &mut links);
    let mut tree = String::from(TREE_START);
    let _ = write!(
        tree,
        "<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Slide Image\"/><p:cNvSpPr><a:spLocks noGrp=\"1\" noRot=\"1\" noChangeAspect=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"sldImg\"/></p:nvPr></p:nvSpPr><p:spPr/></p:sp><p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Notes\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/>{body}</p:sp></p:spTree>"
    );
    let xml = format!(
        "{DECL}<p:notes {NS}><p:cSld>{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>"
    );
    (xml, rels.xml())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_from_the_deck_page() {
        assert_eq!(
            site_path("vortraege/x/", "../../argumente/a/index.html#antwort").as_deref(),
            Some("argumente/a/index.html#antwort")
        );
        assert_eq!(site_path("vortraege/x/", "../../../raus"), None);
        assert_eq!(site_path("vortraege/x/", "https://example.org/"), None);
    }
}
