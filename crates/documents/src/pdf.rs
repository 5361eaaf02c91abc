//! An invoice as a PDF laid out like a 数电票 [KG §2]: title, number and date (or a DRAFT mark), buyer and seller,
//! lines with 税收分类编码-prefixed items, 合计, 价税合计 in capitals and figures, remarks, 开票人, and a QR-code
//! placeholder marked as a draft until issued.
//!
//! Text is set in a CJK TrueType font found on the system (Droid Sans Fallback from `fonts-droid-fallback`, or
//! `KOODESK_PDF_FONT`), embedded as a subset (only the glyphs used) in a Type 0 / CIDFontType2 font with
//! Identity-H encoding and a ToUnicode map, so viewers render it and text extraction gives the Chinese back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use koodesk_domain::invoice::InvoiceKind;
use koodesk_domain::invoice_draft::courier_note;
use koodesk_domain::time;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Name, Pdf, Rect, Ref, Str};

use crate::invoice::{Invoice, InvoiceState};

/// Where a Latin TrueType font (digits, letters, ¥) is looked for, in order (after `KOODESK_PDF_LATIN_FONT`).
pub const LATIN_CANDIDATES: [&str; 2] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
];

/// Where a CJK TrueType font is looked for, in order (after `KOODESK_PDF_FONT`).
pub const FONT_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(
        "no TrueType font found for the invoice PDF (CJK: KOODESK_PDF_FONT, {}; Latin: KOODESK_PDF_LATIN_FONT, \
         {}); install fonts-droid-fallback and fonts-dejavu-core",
        FONT_CANDIDATES.join(", "),
        LATIN_CANDIDATES.join(", ")
    )]
    NoFont,
    #[error("font {path}: {why}")]
    BadFont { path: PathBuf, why: String },
}

/// A TrueType font's bytes, parsed once per call.
pub struct Font {
    path: PathBuf,
    data: Vec<u8>,
}

impl Font {
    pub fn load(path: &Path) -> Result<Font, PdfError> {
        let data = std::fs::read(path).map_err(|e| PdfError::BadFont { path: path.into(), why: e.to_string() })?;
        ttf_parser::Face::parse(&data, 0).map_err(|e| PdfError::BadFont { path: path.into(), why: e.to_string() })?;
        Ok(Font { path: path.into(), data })
    }

    fn find_one(var: &str, candidates: &[&str]) -> Result<Font, PdfError> {
        if let Some(p) = std::env::var_os(var) {
            return Font::load(Path::new(&p));
        }
        candidates.iter().map(Path::new).find(|p| p.exists()).ok_or(PdfError::NoFont).and_then(Font::load)
    }
}

/// The two fonts an invoice is set in: CJK for Chinese, Latin for digits and letters (CJK fallback fonts often
/// have no Latin glyphs).
pub struct Fonts {
    pub cjk: Font,
    pub latin: Font,
}

impl Fonts {
    /// `KOODESK_PDF_FONT` / `KOODESK_PDF_LATIN_FONT`, else the first of the candidates present.
    pub fn find() -> Result<Fonts, PdfError> {
        Ok(Fonts {
            cjk: Font::find_one("KOODESK_PDF_FONT", &FONT_CANDIDATES)?,
            latin: Font::find_one("KOODESK_PDF_LATIN_FONT", &LATIN_CANDIDATES)?,
        })
    }
}

/// The seller as printed (the store knows only the buyer).
#[derive(Debug, Clone, Default)]
pub struct Seller {
    pub name: String,
    pub taxpayer_id: String,
}

/// One embedded font: its face, the glyphs used (renumbered for the subset) and their widths.
struct Slot<'f> {
    resource: &'static [u8],
    face: ttf_parser::Face<'f>,
    remapper: subsetter::GlyphRemapper,
    /// New glyph ID → (char, width in 1/1000 em).
    used: BTreeMap<u16, (char, f32)>,
    scale: f32,
}

impl<'f> Slot<'f> {
    fn new(resource: &'static [u8], font: &'f Font) -> Result<Slot<'f>, PdfError> {
        let face = ttf_parser::Face::parse(&font.data, 0)
            .map_err(|e| PdfError::BadFont { path: font.path.clone(), why: e.to_string() })?;
        let scale = 1000.0 / face.units_per_em() as f32;
        Ok(Slot { resource, face, remapper: subsetter::GlyphRemapper::new(), used: BTreeMap::new(), scale })
    }

    fn width(&self, c: char) -> f32 {
        self.face.glyph_index(c).and_then(|g| self.face.glyph_hor_advance(g)).unwrap_or(0) as f32 * self.scale
    }
}

/// Lays out text and remembers which glyphs it used.
struct Writer<'f> {
    slots: [Slot<'f>; 2],
    content: Content,
}

impl Writer<'_> {
    /// Digits, letters and ASCII punctuation in the Latin font when it has them; everything else in the CJK font,
    /// or in the Latin one when only it has the glyph (a dash, say).
    fn slot_of(&self, c: char) -> usize {
        let has = |i: usize| self.slots[i].face.glyph_index(c).is_some();
        if ((c.is_ascii() || c == '¥') && has(1)) || (!has(0) && has(1)) {
            1
        } else {
            0
        }
    }

    fn measure(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.slots[self.slot_of(c)].width(c)).sum::<f32>() * size / 1000.0
    }

    fn text(&mut self, x: f32, y: f32, size: f32, s: &str) -> Result<(), PdfError> {
        let mut runs: Vec<(usize, Vec<u8>)> = Vec::new();
        for c in s.chars() {
            let i = self.slot_of(c);
            let slot = &mut self.slots[i];
            // A character neither font has prints as the empty glyph but still extracts as itself.
            let gid = slot.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            let new = slot.remapper.remap(gid.0);
            let w = slot.face.glyph_hor_advance(gid).unwrap_or(0) as f32 * slot.scale;
            slot.used.insert(new, (c, w));
            match runs.last_mut() {
                Some((j, bytes)) if *j == i => bytes.extend_from_slice(&new.to_be_bytes()),
                _ => runs.push((i, new.to_be_bytes().to_vec())),
            }
        }
        self.content.begin_text();
        self.content.next_line(x, y);
        for (i, bytes) in &runs {
            self.content.set_font(Name(self.slots[*i].resource), size);
            self.content.show(Str(bytes));
        }
        self.content.end_text();
        Ok(())
    }

    /// Right-aligned at `right`.
    fn text_right(&mut self, right: f32, y: f32, size: f32, s: &str) -> Result<(), PdfError> {
        let w = self.measure(s, size);
        self.text(right - w, y, size, s)
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.content.move_to(x1, y1);
        self.content.line_to(x2, y2);
        self.content.stroke();
    }
}

/// Writes one font's objects: Type 0 → CIDFontType2 → descriptor → subset program, and its ToUnicode map.
fn embed(pdf: &mut Pdf, first: i32, slot: &Slot<'_>, font: &Font, base: Name<'_>) -> Result<(), PdfError> {
    let [type0, cid, descriptor, file, cmap] = [0, 1, 2, 3, 4].map(|i| Ref::new(first + i));
    let subset = subsetter::subset(&font.data, 0, &slot.remapper)
        .map_err(|e| PdfError::BadFont { path: font.path.clone(), why: format!("subsetting: {e:?}") })?;
    let info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    {
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type2).base_font(base).system_info(info).font_descriptor(descriptor);
        c.cid_to_gid_map_predefined(Name(b"Identity")).default_width(1000.0);
        let mut widths = c.widths();
        for (gid, (_, width)) in &slot.used {
            widths.consecutive(*gid, [*width]);
        }
    }
    let (scale, bbox) = (slot.scale, slot.face.global_bounding_box());
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            bbox.x_min as f32 * scale,
            bbox.y_min as f32 * scale,
            bbox.x_max as f32 * scale,
            bbox.y_max as f32 * scale,
        ))
        .italic_angle(0.0)
        .ascent(slot.face.ascender() as f32 * scale)
        .descent(slot.face.descender() as f32 * scale)
        .cap_height(slot.face.capital_height().unwrap_or(700) as f32 * scale)
        .stem_v(80.0)
        .font_file2(file);
    let compressed = deflate(&subset);
    pdf.stream(file, &compressed).filter(Filter::FlateDecode).pair(Name(b"Length1"), subset.len() as i32);
    let mut map = UnicodeCmap::new(Name(b"Custom"), info);
    for (gid, (c, _)) in &slot.used {
        map.pair(*gid, *c);
    }
    pdf.cmap(cmap, &map.finish());
    Ok(())
}

fn yuan(amount: impl std::fmt::Display) -> String {
    format!("¥{amount}")
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// Renders one invoice. The page is the 数电票's size (241 × 140 mm).
pub fn render(rec: &Invoice, seller: &Seller, fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let slots = [Slot::new(b"F1", &fonts.cjk)?, Slot::new(b"F2", &fonts.latin)?];
    let mut w = Writer { slots, content: Content::new() };
    let d = &rec.draft;
    let (page_w, page_h) = (683.0_f32, 397.0_f32);
    let draft = rec.state != InvoiceState::Issued;

    // Colour of a 数电票's frame; the text is black.
    w.content.set_stroke_rgb(0.6, 0.3, 0.2);
    w.content.set_line_width(0.8);
    w.content.rect(20.0, 20.0, page_w - 40.0, page_h - 95.0);
    w.content.stroke();
    // QR placeholder.
    w.content.rect(24.0, page_h - 68.0, 48.0, 48.0);
    w.content.stroke();
    w.text(30.0, page_h - 48.0, 9.0, if draft { "草稿" } else { "二维码" })?;
    let kind = match d.kind {
        InvoiceKind::Ordinary => "电子发票（普通发票）",
        InvoiceKind::Special => "电子发票（增值税专用发票）",
    };
    let title = if rec.red_of.is_some() { format!("{kind}（红字）") } else { kind.to_string() };
    w.text(page_w / 2.0 - 120.0, page_h - 45.0, 18.0, &title)?;
    let number = match (&rec.number, draft) {
        (Some(n), false) => n.clone(),
        _ => "草稿 DRAFT（未开具，不是发票）".to_string(),
    };
    w.text(page_w - 250.0, page_h - 35.0, 9.0, &format!("发票号码：{number}"))?;
    let date = rec.issued_at.map(|t| time::business_date(&t).to_string()).unwrap_or_else(|| "—".into());
    w.text(page_w - 250.0, page_h - 50.0, 9.0, &format!("开票日期：{date}"))?;

    // Buyer and seller.
    let top = page_h - 80.0;
    w.line(page_w / 2.0, top + 5.0, page_w / 2.0, top - 50.0);
    w.line(20.0, top - 50.0, page_w - 20.0, top - 50.0);
    w.text(28.0, top - 12.0, 9.0, &format!("购买方名称：{}", d.buyer.title))?;
    w.text(
        28.0,
        top - 27.0,
        9.0,
        &format!("统一社会信用代码/纳税人识别号：{}", d.buyer.taxpayer_id.as_deref().unwrap_or("")),
    )?;
    if let Some(a) = d.buyer.address.as_deref().filter(|a| !a.is_empty()) {
        w.text(28.0, top - 42.0, 8.0, a)?;
    }
    w.text(page_w / 2.0 + 8.0, top - 12.0, 9.0, &format!("销售方名称：{}", seller.name))?;
    w.text(page_w / 2.0 + 8.0, top - 27.0, 9.0, &format!("统一社会信用代码/纳税人识别号：{}", seller.taxpayer_id))?;

    // Lines.
    let cols = [28.0, 250.0, 320.0, 360.0, 400.0, 470.0, 540.0, 590.0];
    let heads = ["项目名称", "规格型号", "单位", "数量", "单价", "金额", "税率/征收率", "税额"];
    let mut y = top - 65.0;
    for (x, h) in cols.iter().zip(heads) {
        w.text(*x, y, 8.5, h)?;
    }
    let rate = format!("{}%", (d.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize());
    for l in d.lines.iter().take(12) {
        y -= 14.0;
        w.text(cols[0], y, 8.5, &l.item)?;
        w.text(cols[2], y, 8.5, "次")?;
        w.text(cols[3], y, 8.5, &l.quantity.to_string())?;
        w.text(cols[4], y, 8.5, &l.amount_net.to_string())?;
        w.text(cols[5], y, 8.5, &l.amount_net.to_string())?;
        w.text(cols[6], y, 8.5, &rate)?;
        w.text(cols[7], y, 8.5, &l.tax.to_string())?;
    }
    if d.lines.len() > 12 {
        y -= 14.0;
        w.text(cols[0], y, 8.5, &format!("（共 {} 行，详见销货清单）", d.lines.len()))?;
    }
    y -= 16.0;
    w.text(cols[0], y, 9.0, "合　　计")?;
    w.text(cols[5], y, 9.0, &yuan(d.total_net))?;
    w.text(cols[7], y, 9.0, &yuan(d.total_tax))?;
    y -= 6.0;
    w.line(20.0, y, page_w - 20.0, y);
    y -= 16.0;
    w.text(28.0, y, 9.5, &format!("价税合计（大写）　{}", d.total_gross_words))?;
    w.text_right(page_w - 30.0, y, 9.5, &format!("（小写）{}", yuan(d.total_gross)))?;
    y -= 6.0;
    w.line(20.0, y, page_w - 20.0, y);
    y -= 14.0;
    w.text(28.0, y, 8.5, &format!("备注：{}", d.remarks))?;
    y -= 12.0;
    w.text(28.0, y, 8.5, courier_note(d.courier_payer))?;
    if let Some(reason) = &rec.red_reason {
        y -= 12.0;
        w.text(28.0, y, 8.5, &format!("红字原因：{reason}；对应蓝字发票：{}", rec.red_of.as_deref().unwrap_or("")))?;
    }
    w.text(28.0, 30.0, 9.0, &format!("开票人：{}", rec.issued_by.as_deref().unwrap_or("")))?;
    if draft {
        w.content.set_fill_rgb(0.85, 0.2, 0.2);
        w.text(page_w - 200.0, 30.0, 12.0, "草稿 — 开具前不是发票")?;
    }

    // The fonts: the subsets of the glyphs used, widths and the maps back to Unicode.
    let (catalog, pages, page, contents) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    {
        let mut p = pdf.page(page);
        p.parent(pages).media_box(Rect::new(0.0, 0.0, page_w, page_h)).contents(contents);
        let mut resources = p.resources();
        let mut fonts_dict = resources.fonts();
        fonts_dict.pair(Name(b"F1"), Ref::new(10));
        fonts_dict.pair(Name(b"F2"), Ref::new(20));
    }
    let content = deflate(&w.content.finish());
    pdf.stream(contents, &content).filter(Filter::FlateDecode);
    embed(&mut pdf, 10, &w.slots[0], &fonts.cjk, Name(b"KOODSK+CJK"))?;
    embed(&mut pdf, 20, &w.slots[1], &fonts.latin, Name(b"KOODSL+Latin"))?;
    Ok(pdf.finish())
}
