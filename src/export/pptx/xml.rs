//! DrawingML and PresentationML pieces shared by every part of the package: escaping,
//! units, relationships, text bodies with formatted runs, and the shapes that hold them.

use std::borrow::Cow;
use std::fmt::Write;

use super::content::{Bullet, Para, Run};

/// The XML declaration every part starts with.
pub const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The three namespaces of PresentationML parts.
pub const NS: &str = "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"";

/// Relationship type URIs.
pub const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// English Metric Units per CSS pixel (914,400 per inch, 96 pixels per inch).
pub const EMU: i64 = 9525;

/// Text for XML: escaped, without the control characters XML 1.0 forbids.
pub fn esc(text: &str) -> Cow<'_, str> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        let clean: String = text
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect();
        return Cow::Owned(quick_xml::escape::escape(clean.as_str()).into_owned());
    }
    quick_xml::escape::escape(text)
}

/// A rectangle on the slide in CSS pixels of the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    /// The `<a:xfrm>` of this rectangle.
    pub fn xfrm(&self) -> String {
        let emu = |v: f64| (v * EMU as f64).round() as i64;
        format!(
            "<a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm>",
            emu(self.x),
            emu(self.y),
            emu(self.w.max(1.0)),
            emu(self.h.max(1.0))
        )
    }
}

/// The relationships of one part, numbered in the order they are added.
#[derive(Debug, Default)]
pub struct Rels {
    items: Vec<(String, String, bool)>,
}

impl Rels {
    /// Adds a relationship of `kind` (the last segment of its type URI) and returns its id.
    pub fn add(&mut self, kind: &str, target: &str) -> String {
        self.push(format!("{REL}/{kind}"), target, false)
    }

    /// Adds a relationship with a full type URI.
    pub fn add_typed(&mut self, kind: &str, target: &str) -> String {
        self.push(kind.to_string(), target, false)
    }

    /// Adds an external hyperlink and returns its id.
    pub fn link(&mut self, url: &str) -> String {
        self.push(format!("{REL}/hyperlink"), url, true)
    }

    fn push(&mut self, kind: String, target: &str, external: bool) -> String {
        if let Some(i) = self
            .items
            .iter()
            .position(|(k, t, e)| *k == kind && t == target && *e == external)
        {
            return format!("rId{}", i + 1);
        }
        self.items.push((kind, target.to_string(), external));
        format!("rId{}", self.items.len())
    }

    /// The `.rels` part.
    pub fn xml(&self) -> String {
        let mut xml = format!(
            "{DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        );
        for (i, (kind, target, external)) in self.items.iter().enumerate() {
            let _ = write!(
                xml,
                "<Relationship Id=\"rId{}\" Type=\"{}\" Target=\"{}\"{}/>",
                i + 1,
                esc(kind),
                esc(target),
                if *external {
                    " TargetMode=\"External\""
                } else {
                    ""
                }
            );
        }
        xml.push_str("</Relationships>");
        xml
    }
}

/// How the text of a box looks.
#[derive(Debug, Clone)]
pub struct Look {
    /// Font size in points.
    pub size: f64,
    /// Colour as `RRGGBB`.
    pub color: String,
    pub bold: bool,
    pub italic: bool,
    /// `l`, `ctr` or `r`.
    pub align: &'static str,
    /// Font of code runs and of whole code boxes.
    pub mono: bool,
}

impl Look {
    pub fn new(size: f64, color: &str) -> Look {
        Look {
            size,
            color: color.to_string(),
            bold: false,
            italic: false,
            align: "l",
            mono: false,
        }
    }
}

/// A paragraph in its look.
pub type Styled = (Para, Look);

/// The monospace typeface of code (LibreOffice substitutes Liberation Mono).
pub const MONO: &str = "Courier New";

/// Where a link in a run leads, resolved by the slide that holds it.
pub trait LinkTarget {
    /// The relationship id and, for a jump to another slide, the action.
    fn link(&mut self, href: &str) -> Option<(String, Option<&'static str>)>;
}

/// A `<p:txBody>` of paragraphs, each in its look; `anchor` is `t`, `ctr` or `b`.
pub fn text_body(paras: &[Styled], anchor: &str, lang: &str, links: &mut dyn LinkTarget) -> String {
    let mut xml = format!(
        "<p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"{anchor}\"><a:normAutofit/></a:bodyPr><a:lstStyle/>"
    );
    if paras.is_empty() {
        let _ = write!(xml, "<a:p><a:endParaRPr lang=\"{lang}\"/></a:p>");
    }
    for (para, look) in paras {
        paragraph(&mut xml, para, look, lang, links);
    }
    xml.push_str("</p:txBody>");
    xml
}

fn paragraph(xml: &mut String, para: &Para, look: &Look, lang: &str, links: &mut dyn LinkTarget) {
    let size = if para.level > 0 {
        look.size * 0.9
    } else {
        look.size
    };
    let indent = 28.0 * EMU as f64;
    let _ = write!(xml, "<a:p><a:pPr algn=\"{}\"", look.align);
    match para.bullet {
        Bullet::None => {
            let _ = write!(
                xml,
                " lvl=\"{}\" marL=\"{}\" indent=\"0\"><a:spcBef><a:spcPts val=\"{}\"/></a:spcBef><a:buNone/></a:pPr>",
                para.level.min(8),
                (indent * f64::from(para.level)) as i64,
                (size * 40.0) as i64
            );
        }
        Bullet::Dot | Bullet::Number => {
            let mar = indent * f64::from(para.level + 1);
            let _ = write!(
                xml,
                " lvl=\"{}\" marL=\"{}\" indent=\"{}\"><a:spcBef><a:spcPts val=\"{}\"/></a:spcBef><a:buClr><a:schemeClr val=\"accent1\"/></a:buClr>",
                para.level.min(8),
                mar as i64,
                -(indent as i64),
                (size * 30.0) as i64
            );
            if para.bullet == Bullet::Number {
                xml.push_str(
                    "<a:buFont typeface=\"+mj-lt\"/><a:buAutoNum type=\"arabicPeriod\"/></a:pPr>",
                );
            } else {
                xml.push_str("<a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/></a:pPr>");
            }
        }
    }
    for run in &para.runs {
        self::run(xml, run, look, size, lang, links);
    }
    let _ = write!(
        xml,
        "<a:endParaRPr lang=\"{lang}\" sz=\"{}\" dirty=\"0\"/></a:p>",
        (size * 100.0) as i64
    );
}

fn run(
    xml: &mut String,
    run: &Run,
    look: &Look,
    size: f64,
    lang: &str,
    links: &mut dyn LinkTarget,
) {
    let link = run.link.as_deref().and_then(|href| links.link(href));
    for (i, piece) in run.text.split('\n').enumerate() {
        if i > 0 {
            let _ = write!(xml, "<a:br><a:rPr lang=\"{lang}\"/></a:br>");
        }
        if piece.is_empty() {
            continue;
        }
        let _ = write!(
            xml,
            "<a:r><a:rPr lang=\"{lang}\" sz=\"{}\"{}{}{} dirty=\"0\">",
            (size * 100.0) as i64,
            if run.bold || look.bold {
                " b=\"1\""
            } else {
                ""
            },
            if run.italic || look.italic {
                " i=\"1\""
            } else {
                ""
            },
            if link.is_some() { " u=\"sng\"" } else { "" },
        );
        if link.is_some() {
            xml.push_str("<a:solidFill><a:schemeClr val=\"hlink\"/></a:solidFill>");
        } else {
            let _ = write!(
                xml,
                "<a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill>",
                look.color
            );
        }
        if run.code || look.mono {
            let _ = write!(
                xml,
                "<a:latin typeface=\"{MONO}\"/><a:cs typeface=\"{MONO}\"/>"
            );
        }
        if let Some((id, action)) = &link {
            let _ = write!(xml, "<a:hlinkClick r:id=\"{id}\"");
            if let Some(action) = action {
                let _ = write!(xml, " action=\"{action}\"");
            }
            xml.push_str("/>");
        }
        let _ = write!(xml, "</a:rPr><a:t>{}</a:t></a:r>", esc(piece));
    }
}

/// A shape: a placeholder (`ph` like `type="title"` or `idx="1"`) or a text box, with
/// an optional fill colour, holding `body` (a `<p:txBody>`).
pub fn shape(
    id: u32,
    name: &str,
    ph: Option<&str>,
    rect: Rect,
    fill: Option<&str>,
    body: &str,
) -> String {
    let nv = match ph {
        Some(ph) => {
            format!("<p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr><p:nvPr><p:ph {ph}/></p:nvPr>")
        }
        None => "<p:cNvSpPr txBox=\"1\"/><p:nvPr/>".to_string(),
    };
    let fill = match fill {
        Some(colour) => format!("<a:solidFill><a:srgbClr val=\"{colour}\"/></a:solidFill>"),
        None => "<a:noFill/>".to_string(),
    };
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{}\"/>{nv}</p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>{fill}</p:spPr>{body}</p:sp>",
        esc(name),
        rect.xfrm()
    )
}

/// A plain filled rectangle, for accent bars and backgrounds.
pub fn bar(id: u32, name: &str, rect: Rect, colour: &str) -> String {
    format!(
        "<p:sp><p:nvSpPr><p:cNvPr id=\"{id}\" name=\"{}\"/><p:cNvSpPr/><p:nvPr userDrawn=\"1\"/></p:nvSpPr><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val=\"{colour}\"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr></p:sp>",
        esc(name),
        rect.xfrm()
    )
}

/// A picture: the PNG by relationship `png`, and the SVG original by `svg` when there
/// is one (Office 2016 and later show the SVG, older readers the PNG).
pub fn picture(id: u32, alt: &str, rect: Rect, png: &str, svg: Option<&str>) -> String {
    let svg = svg.map_or_else(String::new, |svg| {
        format!("<a:extLst><a:ext uri=\"{{96DAC541-7B7A-43D3-8B79-37D633B846F1}}\"><asvg:svgBlip xmlns:asvg=\"http://schemas.microsoft.com/office/drawing/2016/SVG/main\" r:embed=\"{svg}\"/></a:ext></a:extLst>")
    });
    format!(
        "<p:pic><p:nvPicPr><p:cNvPr id=\"{id}\" name=\"Picture {id}\" descr=\"{}\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr><p:blipFill><a:blip r:embed=\"{png}\">{svg}</a:blip><a:stretch><a:fillRect/></a:stretch></p:blipFill><p:spPr>{}<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
        esc(alt),
        rect.xfrm()
    )
}

/// The group header every shape tree starts with.
pub const TREE_START: &str = "<p:spTree><p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>";
