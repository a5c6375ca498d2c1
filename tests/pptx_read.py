#!/usr/bin/env python3
"""Reads a .pptx with python-pptx and prints what a PowerPoint user would find, as JSON:
slide size, and per slide the layout name, title, the text of every other shape
(paragraph by paragraph, with list levels and formats), pictures and notes.

Usage: pptx_read.py FILE.pptx
"""
import json
import sys

from pptx import Presentation
from pptx.util import Emu


def paragraphs(frame):
    out = []
    for p in frame.paragraphs:
        text = "".join(r.text for r in p.runs)
        if not text.strip():
            continue
        out.append({
            "text": text,
            "level": p.level,
            "bold": [r.text for r in p.runs if r.font.bold],
            "italic": [r.text for r in p.runs if r.font.italic],
            "mono": [r.text for r in p.runs if r.font.name == "Courier New"],
            "links": [r.hyperlink.address for r in p.runs if r.hyperlink.address],
        })
    return out


def main(path):
    deck = Presentation(path)
    slides = []
    for slide in deck.slides:
        title = slide.shapes.title
        body, pictures = [], []
        for shape in slide.shapes:
            if title is not None and shape.shape_id == title.shape_id:
                continue
            if shape.shape_type == 13:  # MSO_SHAPE_TYPE.PICTURE
                pictures.append({
                    "alt": shape._element.nvPicPr.cNvPr.get("descr", ""),
                    "type": shape.image.content_type,
                })
            elif shape.has_text_frame:
                body.extend(paragraphs(shape.text_frame))
        notes = ""
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame.text
        slides.append({
            "layout": slide.slide_layout.name,
            "title": title.text_frame.text if title is not None else None,
            "body": body,
            "pictures": pictures,
            "notes": notes,
        })
    print(json.dumps({
        "width_px": round(Emu(deck.slide_width).inches * 96),
        "height_px": round(Emu(deck.slide_height).inches * 96),
        "title": deck.core_properties.title,
        "language": deck.core_properties.language,
        "master_pictures": sum(1 for s in deck.slide_master.shapes if s.shape_type == 13),
        "slides": slides,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
