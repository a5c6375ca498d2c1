//! The fixed parts of a PowerPoint package around the slides: content types, document
//! properties, the presentation, a theme in the brand colours, the slide master with
//! the logo, one layout per slide class, and the notes master.

use std::fmt::Write;

use super::xml::{DECL, EMU, NS, Rect, Rels, TREE_START, esc};

/// Slide layouts of the master, in order: (file number, name, `type`, background).
pub const LAYOUTS: &[(u32, &str, &str)] = &[
    (1, "Title Slide", "title"),
    (2, "Title and Content", "obj"),
    (3, "Section Header", "secHead"),
    (4, "Two Content", "twoObj"),
    (5, "Quote", "cust"),
];

/// The layout number for a slide class.
pub fn layout_for(class: &str) -> u32 {
    let has = |c: &str| class.split_whitespace().any(|x| x == c);
    if has("title") {
        1
    } else if has("section") {
        3
    } else if has("columns") {
        4
    } else if has("objection") {
        5
    } else {
        2
    }
}

/// Colours and canvas of one deck.
pub struct Brand {
    /// `RRGGBB` of the primary and accent colour.
    pub primary: String,
    pub accent: String,
    /// Text colour on the primary colour.
    pub on_primary: String,
    /// Canvas size in CSS pixels.
    pub width: f64,
    pub height: f64,
}

/// Neutral colours of the deck theme (`deck.css`).
pub const INK: &str = "1B1F24";
pub const MUTED: &str = "545D69";
pub const SURFACE: &str = "F1F4F8";
pub const CODE_BG: &str = "F3F5F8";

/// `[Content_Types].xml` for `slides` slides and the media file extensions used.
pub fn content_types(slides: usize, extensions: &[&str]) -> String {
    let mut xml = format!(
        "{DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    );
    for ext in extensions {
        let mime = match *ext {
            "png" => "image/png",
            "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        let _ = write!(xml, "<Default Extension=\"{ext}\" ContentType=\"{mime}\"/>");
    }
    let ml = "application/vnd.openxmlformats-officedocument.presentationml";
    let mut over = |part: String, kind: &str| {
        let _ = write!(
            xml,
            "<Override PartName=\"{part}\" ContentType=\"{kind}\"/>"
        );
    };
    over(
        "/ppt/presentation.xml".into(),
        &format!("{ml}.presentation.main+xml"),
    );
    over(
        "/ppt/slideMasters/slideMaster1.xml".into(),
        &format!("{ml}.slideMaster+xml"),
    );
    for (n, _, _) in LAYOUTS {
        over(
            format!("/ppt/slideLayouts/slideLayout{n}.xml"),
            &format!("{ml}.slideLayout+xml"),
        );
    }
    for n in 1..=slides {
        over(
            format!("/ppt/slides/slide{n}.xml"),
            &format!("{ml}.slide+xml"),
        );
        over(
            format!("/ppt/notesSlides/notesSlide{n}.xml"),
            &format!("{ml}.notesSlide+xml"),
        );
    }
    over(
        "/ppt/notesMasters/notesMaster1.xml".into(),
        &format!("{ml}.notesMaster+xml"),
    );
    for n in [1, 2] {
        over(
            format!("/ppt/theme/theme{n}.xml"),
            "application/vnd.openxmlformats-officedocument.theme+xml",
        );
    }
    over("/ppt/presProps.xml".into(), &format!("{ml}.presProps+xml"));
    over("/ppt/viewProps.xml".into(), &format!("{ml}.viewProps+xml"));
    over(
        "/ppt/tableStyles.xml".into(),
        &format!("{ml}.tableStyles+xml"),
    );
    over(
        "/docProps/core.xml".into(),
        "application/vnd.openxmlformats-package.core-properties+xml",
    );
    over(
        "/docProps/app.xml".into(),
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    );
    xml.push_str("</Types>");
    xml
}

/// `_rels/.rels`.
pub fn root_rels() -> String {
    let mut rels = Rels::default();
    rels.add("officeDocument", "ppt/presentation.xml");
    rels.add_typed(
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        "docProps/core.xml",
    );
    rels.add("extended-properties", "docProps/app.xml");
    rels.xml()
}

/// `docProps/core.xml`: title, author and language; no dates, so the bytes stay the same.
pub fn core(title: &str, creator: &str, language: &str) -> String {
    format!(
        "{DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>{}</dc:language></cp:coreProperties>",
        esc(title),
        esc(creator),
        esc(language)
    )
}

/// `docProps/app.xml`.
pub fn app(slides: usize) -> String {
    format!(
        "{DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>buyin</Application><PresentationFormat>On-screen Show</PresentationFormat><Slides>{slides}</Slides><Notes>{slides}</Notes></Properties>"
    )
}

/// `ppt/presentation.xml` and its relationships.
pub fn presentation(slides: usize, brand: &Brand) -> (String, String) {
    let mut rels = Rels::default();
    let master = rels.add("slideMaster", "slideMasters/slideMaster1.xml");
    let notes = rels.add("notesMaster", "notesMasters/notesMaster1.xml");
    rels.add("theme", "theme/theme1.xml");
    rels.add("presProps", "presProps.xml");
    rels.add("viewProps", "viewProps.xml");
    rels.add("tableStyles", "tableStyles.xml");
    let mut ids = String::new();
    for n in 1..=slides {
        let id = rels.add("slide", &format!("slides/slide{n}.xml"));
        let _ = write!(ids, "<p:sldId id=\"{}\" r:id=\"{id}\"/>", 255 + n);
    }
    let xml = format!(
        "{DECL}<p:presentation {NS} saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"{master}\"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"{notes}\"/></p:notesMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx=\"{}\" cy=\"{}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/></p:presentation>",
        (brand.width as i64) * EMU,
        (brand.height as i64) * EMU
    );
    (xml, rels.xml())
}

/// `presProps.xml`, `viewProps.xml` and `tableStyles.xml`.
pub fn props() -> [(&'static str, String); 3] {
    [
        (
            "ppt/presProps.xml",
            format!("{DECL}<p:presentationPr {NS}/>"),
        ),
        (
            "ppt/viewProps.xml",
            format!(
                "{DECL}<p:viewPr {NS}><p:normalViewPr><p:restoredLeft sz=\"15620\"/><p:restoredTop sz=\"80000\"/></p:normalViewPr><p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>"
            ),
        ),
        (
            "ppt/tableStyles.xml",
            format!(
                "{DECL}<a:tblStyleLst xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>"
            ),
        ),
    ]
}

/// A theme: the brand's primary colour as dark 2 and accent 1, its accent as accent 2,
/// Arial for headings and text (LibreOffice shows Liberation Sans).
pub fn theme(brand: &Brand) -> String {
    let solid = |c: &str| format!("<a:solidFill><a:schemeClr val=\"{c}\"/></a:solidFill>");
    let line = |w: u32| {
        format!("<a:ln w=\"{w}\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>")
    };
    format!(
        "{DECL}<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"buyin\"><a:themeElements><a:clrScheme name=\"buyin\"><a:dk1><a:srgbClr val=\"{INK}\"/></a:dk1><a:lt1><a:srgbClr val=\"FFFFFF\"/></a:lt1><a:dk2><a:srgbClr val=\"{p}\"/></a:dk2><a:lt2><a:srgbClr val=\"{SURFACE}\"/></a:lt2><a:accent1><a:srgbClr val=\"{p}\"/></a:accent1><a:accent2><a:srgbClr val=\"{a}\"/></a:accent2><a:accent3><a:srgbClr val=\"{MUTED}\"/></a:accent3><a:accent4><a:srgbClr val=\"2E7D32\"/></a:accent4><a:accent5><a:srgbClr val=\"6A4C93\"/></a:accent5><a:accent6><a:srgbClr val=\"B5522D\"/></a:accent6><a:hlink><a:srgbClr val=\"{p}\"/></a:hlink><a:folHlink><a:srgbClr val=\"{p}\"/></a:folHlink></a:clrScheme><a:fontScheme name=\"buyin\"><a:majorFont><a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont><a:minorFont><a:latin typeface=\"Arial\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont></a:fontScheme><a:fmtScheme name=\"buyin\"><a:fillStyleLst>{f}{f}{f}</a:fillStyleLst><a:lnStyleLst>{l1}{l2}{l3}</a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>{f}{f}{f}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
        p = brand.primary,
        a = brand.accent,
        f = solid("phClr"),
        l1 = line(9525),
        l2 = line(19050),
        l3 = line(28575),
    )
}

/// Text styles of the master: headings in the primary colour, bulleted body text.
fn text_styles() -> String {
    let mut body = String::new();
    for level in 1..=9u32 {
        let size = match level {
            1 => 2200,
            2 => 2000,
            _ => 1800,
        };
        let mar = 266_700 * level;
        let _ = write!(
            body,
            "<a:lvl{level}pPr marL=\"{mar}\" indent=\"-266700\" algn=\"l\"><a:spcBef><a:spcPts val=\"800\"/></a:spcBef><a:buClr><a:schemeClr val=\"accent1\"/></a:buClr><a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/><a:defRPr sz=\"{size}\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl{level}pPr>"
        );
    }
    format!(
        "<p:txStyles><p:titleStyle><a:lvl1pPr algn=\"l\"><a:spcBef><a:spcPct val=\"0\"/></a:spcBef><a:buNone/><a:defRPr sz=\"3600\" b=\"1\"><a:solidFill><a:schemeClr val=\"tx2\"/></a:solidFill><a:latin typeface=\"+mj-lt\"/></a:defRPr></a:lvl1pPr></p:titleStyle><p:bodyStyle>{body}</p:bodyStyle><p:otherStyle><a:lvl1pPr><a:defRPr sz=\"1800\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr></p:otherStyle></p:txStyles>"
    )
}

/// Where titles and body text sit on a canvas `brand.width` wide.
pub fn title_rect(brand: &Brand) -> Rect {
    Rect::new(80.0, 48.0, brand.width - 160.0, 96.0)
}

/// The body area below the title.
pub fn body_rect(brand: &Brand) -> Rect {
    Rect::new(
        80.0,
        160.0,
        brand.width - 160.0,
        brand.height - 160.0 - 72.0,
    )
}

const EMPTY_BODY: &str = "<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr/></a:p></p:txBody>";

fn placeholder(id: u32, name: &str, ph: &str, rect: Rect) -> String {
    super::xml::shape(id, name, Some(ph), rect, None, EMPTY_BODY)
}

/// The title placeholder at `top` of a slide `w` wide and a text placeholder (its name
/// and type) below it, as the title and section layouts place them.
fn title_over_text((w, top): (f64, f64), title: &str, (name, text): (&str, &str)) -> String {
    placeholder(2, "Title", title, Rect::new(80.0, top, w - 160.0, 150.0))
        + &placeholder(
            3,
            name,
            text,
            Rect::new(80.0, top + 170.0, w - 160.0, 120.0),
        )
}

/// The slide master and its relationships; `logo` is the relationship target of a PNG
/// (and of its SVG original) in the media folder, with its size in pixels.
pub fn master(brand: &Brand, logo: Option<&super::Picture>) -> (String, String) {
    let mut rels = Rels::default();
    let mut layouts = String::new();
    for (n, _, _) in LAYOUTS {
        let id = rels.add(
            "slideLayout",
            &format!("../slideLayouts/slideLayout{n}.xml"),
        );
        let _ = write!(
            layouts,
            "<p:sldLayoutId id=\"{}\" r:id=\"{id}\"/>",
            2_147_483_648u32 + n
        );
    }
    rels.add("theme", "../theme/theme1.xml");
    let mut tree = String::from(TREE_START);
    tree.push_str(&placeholder(
        2,
        "Title",
        "type=\"title\"",
        title_rect(brand),
    ));
    tree.push_str(&placeholder(
        3,
        "Text",
        "type=\"body\" idx=\"1\"",
        body_rect(brand),
    ));
    // The accent line along the bottom edge, as on the web slides' progress bar.
    tree.push_str(&super::xml::bar(
        4,
        "Brand line",
        Rect::new(0.0, brand.height - 8.0, brand.width, 8.0),
        &brand.accent,
    ));
    if let Some(logo) = logo {
        let png = rels.add("image", &format!("../media/{}", logo.png));
        let svg = logo
            .svg
            .as_ref()
            .map(|svg| rels.add("image", &format!("../media/{svg}")));
        let h = 40.0;
        let w = (h * logo.width / logo.height.max(1.0)).min(240.0);
        let rect = Rect::new(brand.width - w - 32.0, brand.height - h - 24.0, w, h);
        tree.push_str(&super::xml::picture(
            5,
            &logo.alt,
            rect,
            &png,
            svg.as_deref(),
        ));
    }
    tree.push_str("</p:spTree>");
    let xml = format!(
        "{DECL}<p:sldMaster {NS}><p:cSld><p:bg><p:bgPr><a:solidFill><a:schemeClr val=\"bg1\"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>{tree}</p:cSld><p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/><p:sldLayoutIdLst>{layouts}</p:sldLayoutIdLst>{}</p:sldMaster>",
        text_styles()
    );
    (xml, rels.xml())
}

/// Layout `n` of [`LAYOUTS`] and its relationships.
pub fn layout(n: u32, brand: &Brand) -> (String, String) {
    let mut rels = Rels::default();
    rels.add("slideMaster", "../slideMasters/slideMaster1.xml");
    let (_, name, kind) = LAYOUTS[(n - 1) as usize];
    let (w, h) = (brand.width, brand.height);
    let mut tree = String::from(TREE_START);
    let mut background = String::new();
    match n {
        1 => {
            tree.push_str(&title_over_text(
                (w, h * 0.28),
                "type=\"ctrTitle\"",
                ("Subtitle", "type=\"subTitle\" idx=\"1\""),
            ));
        }
        3 => {
            background = format!(
                "<p:bg><p:bgPr><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>",
                brand.primary
            );
            tree.push_str(&title_over_text(
                (w, h * 0.30),
                "type=\"title\"",
                ("Text", "type=\"body\" idx=\"1\""),
            ));
        }
        4 => {
            let body = body_rect(brand);
            let half = (body.w - 64.0) / 2.0;
            tree.push_str(&placeholder(
                2,
                "Title",
                "type=\"title\"",
                title_rect(brand),
            ));
            tree.push_str(&placeholder(
                3,
                "Left",
                "idx=\"1\"",
                Rect::new(body.x, body.y, half, body.h),
            ));
            tree.push_str(&placeholder(
                4,
                "Right",
                "idx=\"2\"",
                Rect::new(body.x + half + 64.0, body.y, half, body.h),
            ));
        }
        5 => {
            background = format!(
                "<p:bg><p:bgPr><a:solidFill><a:srgbClr val=\"{SURFACE}\"/></a:solidFill><a:effectLst/></p:bgPr></p:bg>"
            );
            tree.push_str(&placeholder(
                2,
                "Quote",
                "type=\"body\" idx=\"1\"",
                Rect::new(120.0, 120.0, w - 240.0, h - 240.0),
            ));
        }
        _ => {
            tree.push_str(&placeholder(
                2,
                "Title",
                "type=\"title\"",
                title_rect(brand),
            ));
            tree.push_str(&placeholder(3, "Content", "idx=\"1\"", body_rect(brand)));
        }
    }
    tree.push_str("</p:spTree>");
    let kind = if kind == "cust" {
        String::new()
    } else {
        format!(" type=\"{kind}\"")
    };
    let xml = format!(
        "{DECL}<p:sldLayout {NS}{kind} preserve=\"1\"><p:cSld name=\"{name}\">{background}{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    );
    (xml, rels.xml())
}

/// The notes master (a slide picture above the notes) and its relationships.
pub fn notes_master() -> (String, String) {
    let mut rels = Rels::default();
    rels.add("theme", "../theme/theme2.xml");
    let inch = 96.0;
    let mut tree = String::from(TREE_START);
    tree.push_str(&placeholder(
        2,
        "Slide Image",
        "type=\"sldImg\" idx=\"2\"",
        Rect::new(0.5 * inch, 0.75 * inch, 6.5 * inch, 3.66 * inch),
    ));
    tree.push_str(&placeholder(
        3,
        "Notes",
        "type=\"body\" idx=\"1\"",
        Rect::new(0.75 * inch, 4.75 * inch, 5.5 * inch, 4.5 * inch),
    ));
    tree.push_str("</p:spTree>");
    let xml = format!(
        "{DECL}<p:notesMaster {NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg>{tree}</p:cSld><p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/><p:notesStyle><a:lvl1pPr marL=\"0\" algn=\"l\"><a:defRPr sz=\"1200\"><a:solidFill><a:schemeClr val=\"tx1\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/></a:defRPr></a:lvl1pPr></p:notesStyle></p:notesMaster>"
    );
    (xml, rels.xml())
}
