//! Pictures of a PowerPoint package: image files of the site embedded as they are,
//! SVGs (files, the logo and metrics charts) embedded as SVG together with a PNG
//! rendered by `resvg` for readers without SVG support.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::Picture;
use super::package::{Brand, INK, MUTED};
use crate::catalog::Text;

/// The media files of one package, numbered in the order they are first used.
pub struct Media {
    /// The built site, where image paths of slides are found.
    dir: PathBuf,
    /// `(name in ppt/media/, bytes)`.
    pub files: Vec<(String, Vec<u8>)>,
    seen: BTreeMap<String, Picture>,
}

impl Media {
    pub fn new(dir: &Path) -> Media {
        Media {
            dir: dir.to_path_buf(),
            files: Vec::new(),
            seen: BTreeMap::new(),
        }
    }

    /// The picture of a file of the built site (`path` relative to its root).
    pub fn file(&mut self, path: &str, alt: &str) -> Result<Picture, Text> {
        let path = path.split(['#', '?']).next().unwrap_or(path);
        let bytes = std::fs::read(self.dir.join(path)).map_err(|e| {
            Text::new(
                "export.reason.image-unreadable",
                &[("image", path), ("cause", &e.to_string())],
            )
        })?;
        self.add(&format!("file:{path}"), &bytes, alt)
    }

    /// The picture of a metrics chart: its SVG with the theme's colours written in.
    pub fn chart(&mut self, svg: &str, alt: &str, brand: &Brand) -> Result<Picture, Text> {
        // On the page the chart takes its colours from the stylesheet; a picture file
        // must carry them itself.
        let style = format!(
            "<style>.chart-bar{{fill:#{}}}.chart-label{{fill:#{MUTED}}}.chart-value{{fill:#{INK};font-weight:bold}}text{{font-family:'Liberation Sans',Arial,'DejaVu Sans',sans-serif;font-size:14px}}</style>",
            brand.primary
        );
        let svg = match svg.find('>') {
            Some(end) => format!("{}{style}{}", &svg[..=end], &svg[end + 1..]),
            None => svg.to_string(),
        };
        self.add(&format!("chart:{svg}"), svg.as_bytes(), alt)
    }

    fn add(&mut self, key: &str, bytes: &[u8], alt: &str) -> Result<Picture, Text> {
        if let Some(picture) = self.seen.get(key) {
            return Ok(Picture {
                alt: alt.to_string(),
                ..picture.clone()
            });
        }
        let n = self.seen.len() + 1;
        let picture = match kind(bytes) {
            Some(ext) => {
                let size = imagesize::blob_size(bytes)
                    .map_err(|e| because("export.reason.image-size", e))?;
                let name = format!("image{n}.{ext}");
                self.files.push((name.clone(), bytes.to_vec()));
                Picture {
                    png: name,
                    svg: None,
                    width: size.width as f64,
                    height: size.height as f64,
                    alt: alt.to_string(),
                }
            }
            None => {
                let (png, width, height) = rasterize(bytes)?;
                let (png_name, svg_name) = (format!("image{n}.png"), format!("image{n}.svg"));
                self.files.push((png_name.clone(), png));
                self.files.push((svg_name.clone(), bytes.to_vec()));
                Picture {
                    png: png_name,
                    svg: Some(svg_name),
                    width,
                    height,
                    alt: alt.to_string(),
                }
            }
        };
        self.seen.insert(key.to_string(), picture.clone());
        Ok(picture)
    }
}

/// The file extension of a raster image PowerPoint shows, from its first bytes; `None`
/// for anything else (taken to be SVG).
fn kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if bytes.starts_with(b"GIF8") {
        Some("gif")
    } else {
        None
    }
}

/// System fonts, loaded once for every SVG of the run.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            Arc::new(db)
        })
        .clone()
}

/// An SVG as PNG at twice its size (sharp on a projector), with its size in pixels.
pub fn rasterize(svg: &[u8]) -> Result<(Vec<u8>, f64, f64), Text> {
    let options = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(svg, &options)
        .map_err(|e| because("export.reason.svg-unreadable", e))?;
    let size = tree.size();
    let scale = 2.0;
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .ok_or_else(|| because("export.reason.svg-no-size", ""))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|e| because("export.reason.png-unwritable", e))?;
    Ok((png, f64::from(size.width()), f64::from(size.height())))
}

/// The catalogue's reason `key`, with the error behind it as `cause`.
fn because(key: &'static str, cause: impl std::fmt::Display) -> Text {
    Text::new(key, &[("cause", &cause.to_string())])
}
