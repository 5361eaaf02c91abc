//! Finding the header row and mapping columns to fields, then feeding the rows below it to the record builder.
//!
//! Exports have a title, an export time or a blank row above their header, and the header's wording is not
//! published (`REAL-DATA.md` §2): the header is the row among the first [`SCAN_ROWS`] non-blank rows that maps
//! the most required fields (then the most fields), and it must map every required field that `--set` does not
//! give.

use koodesk_domain::seller_export::ExportKind;
use serde::Serialize;

use super::cells::Cell;
use super::fields::{self, normalise, recognise, strip_unit, Field, FIELD_COUNT};
use super::records::Collector;
use super::{ImportError, ImportOptions, Parsed};

/// How many non-blank rows are searched for the header.
pub const SCAN_ROWS: usize = 20;

/// A source of rows: the spreadsheet row number (1-based, as the spreadsheet shows it) and the row's cells from
/// column A on. Completely empty rows may be left out.
pub(crate) trait Rows {
    fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, ImportError>;
}

/// A column of the file: its position (0-based: 0 is column A), its header as written, and the field it was
/// mapped to (`None`: not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub index: usize,
    pub header: String,
    pub field: Option<Field>,
}

/// Where each field of a row comes from.
#[derive(Debug, Clone)]
pub(crate) struct Mapping {
    pub header_row: usize,
    /// Every non-empty header, in order.
    pub columns: Vec<Column>,
    /// Field → the index of its cell in a row.
    col_of: [Option<usize>; FIELD_COUNT],
    /// Field → the `--set` value used when the column is absent or the cell is empty.
    set: [Option<Cell>; FIELD_COUNT],
    /// Cell index → header as written.
    headers: Vec<String>,
}

/// Where one field's value came from in a row.
pub(crate) struct Source<'a> {
    pub cell: &'a Cell,
    /// The column's header as written; `None` for a `--set` value.
    pub header: Option<&'a str>,
}

impl Mapping {
    /// The field's cell in `row` — from its column unless that is blank, else from `--set`; `None` when neither
    /// has a value.
    pub(crate) fn source<'a>(&'a self, row: &'a [Cell], field: Field) -> Option<Source<'a>> {
        let from_column = self.col_of[field.index()].and_then(|i| {
            let cell = row.get(i).filter(|c| !c.is_blank())?;
            Some(Source { cell, header: self.headers.get(i).map(String::as_str) })
        });
        from_column.or_else(|| self.set[field.index()].as_ref().map(|cell| Source { cell, header: None }))
    }

    /// The header of the field's column, if the file has one.
    pub(crate) fn header_of(&self, field: Field) -> Option<&str> {
        self.col_of[field.index()].and_then(|i| self.headers.get(i)).map(String::as_str)
    }
}

/// A row tried as the header.
struct Candidate {
    col_of: [Option<usize>; FIELD_COUNT],
    headers: Vec<String>,
    /// Which `--map` entries named a header of this row.
    map_found: Vec<bool>,
    conflict: Option<ImportError>,
    required_mapped: usize,
    mapped: usize,
}

fn candidate(kind: ExportKind, cells: &[Cell], opts: &ImportOptions) -> Candidate {
    let headers: Vec<String> = cells.iter().map(Cell::display).collect();
    let norms: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    let mut col_of: [Option<usize>; FIELD_COUNT] = [None; FIELD_COUNT];
    let mut explicit = vec![false; headers.len()];
    let mut map_found = vec![false; opts.map.len()];
    let mut conflict = None;

    // --map first: a mapped header is that field, whatever an alias says.
    for (k, (header, field)) in opts.map.iter().enumerate() {
        let want = normalise(header);
        let col = norms
            .iter()
            .position(|n| !n.is_empty() && *n == want)
            .or_else(|| norms.iter().position(|n| strip_unit(n) == Some(want.as_str())));
        let Some(col) = col else { continue };
        map_found[k] = true;
        let Some(field) = field else {
            // `HEADER=ignore`: the column is not read, whatever its header says.
            explicit[col] = true;
            continue;
        };
        match col_of[field.index()] {
            Some(prev) if prev != col && conflict.is_none() => {
                conflict = Some(ImportError::MapConflict {
                    field: *field,
                    first: headers[prev].clone(),
                    second: headers[col].clone(),
                })
            }
            Some(_) => {}
            None => {
                col_of[field.index()] = Some(col);
                explicit[col] = true;
            }
        }
    }
    let explicit_fields: Vec<Field> = Field::ALL.iter().copied().filter(|f| col_of[f.index()].is_some()).collect();

    // Then the aliases, the preferred (lowest-ranked) column winning, the leftmost among equals.
    let mut rank: [u8; FIELD_COUNT] = [u8::MAX; FIELD_COUNT];
    for (i, h) in headers.iter().enumerate() {
        if explicit[i] {
            continue;
        }
        let Some((field, r)) = recognise(h, kind) else { continue };
        if explicit_fields.contains(&field) {
            continue;
        }
        if r < rank[field.index()] {
            rank[field.index()] = r;
            col_of[field.index()] = Some(i);
        }
    }

    let given = |f: &Field| opts.set.iter().any(|(g, _)| g == f);
    let required_mapped = fields::required(kind).iter().filter(|f| !given(f) && col_of[f.index()].is_some()).count();
    let mapped = col_of.iter().filter(|c| c.is_some()).count();
    Candidate { col_of, headers, map_found, conflict, required_mapped, mapped }
}

/// The header among `rows` (the first non-blank rows of the file) and how its columns map.
pub(crate) fn find_header(
    kind: ExportKind,
    rows: &[(usize, Vec<Cell>)],
    opts: &ImportOptions,
    sheet: Option<&str>,
) -> Result<(usize, Mapping), ImportError> {
    let mut best: Option<(usize, Candidate)> = None;
    for (i, (_, cells)) in rows.iter().enumerate() {
        let c = candidate(kind, cells, opts);
        let better = best.as_ref().is_none_or(|(_, b)| (c.required_mapped, c.mapped) > (b.required_mapped, b.mapped));
        if better {
            best = Some((i, c));
        }
    }
    let Some((at, cand)) = best else {
        return Err(ImportError::Empty { sheet: sheet.map(str::to_string) });
    };
    let row = rows[at].0;
    let given = |f: &Field| opts.set.iter().any(|(g, _)| g == f);
    let file_headers = || cand.headers.iter().filter(|h| !h.is_empty()).cloned().collect::<Vec<_>>();
    if cand.mapped == 0 && opts.map.is_empty() {
        return Err(ImportError::NoHeader {
            kind,
            scanned: rows.len(),
            looked_for: fields::required(kind).iter().copied().filter(|f| !given(f)).collect(),
        });
    }
    if let Some(k) = cand.map_found.iter().position(|found| !found).filter(|_| !opts.map_remembered) {
        return Err(ImportError::MapHeaderNotFound { header: opts.map[k].0.clone(), row, headers: file_headers() });
    }
    if let Some(e) = cand.conflict {
        return Err(e);
    }
    let missing: Vec<Field> =
        fields::required(kind).iter().copied().filter(|f| !given(f) && cand.col_of[f.index()].is_none()).collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingRequired { kind, row, missing, headers: file_headers() });
    }

    let columns = cand
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty())
        .map(|(index, header)| Column {
            index,
            header: header.clone(),
            field: Field::ALL.iter().copied().find(|f| cand.col_of[f.index()] == Some(index)),
        })
        .collect();
    let mut set: [Option<Cell>; FIELD_COUNT] = std::array::from_fn(|_| None);
    for (field, value) in &opts.set {
        set[field.index()] = Some(Cell::Text(value.clone()));
    }
    Ok((at, Mapping { header_row: row, columns, col_of: cand.col_of, set, headers: cand.headers }))
}

/// Reads a whole table: finds the header, then builds a record from every row below it.
pub(crate) fn process(
    kind: ExportKind,
    sheet: Option<String>,
    rows: &mut impl Rows,
    opts: &ImportOptions,
) -> Result<Parsed, ImportError> {
    let mut head: Vec<(usize, Vec<Cell>)> = Vec::with_capacity(SCAN_ROWS);
    let mut ended = false;
    while head.len() < SCAN_ROWS {
        match rows.next_row()? {
            Some(r) if r.1.iter().all(Cell::is_blank) => {}
            Some(r) => head.push(r),
            None => {
                ended = true;
                break;
            }
        }
    }
    let (at, mapping) = find_header(kind, &head, opts, sheet.as_deref())?;
    let mut collector = Collector::new(kind, &mapping);
    for (row, cells) in head.drain(..).skip(at + 1) {
        collector.row(row, &cells);
    }
    while !ended {
        match rows.next_row()? {
            Some((row, cells)) => collector.row(row, &cells),
            None => ended = true,
        }
    }
    Ok(collector.finish(kind, sheet, &mapping))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<Cell>) {
        (n, cells.iter().map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect())
    }

    #[test]
    fn the_preferred_amount_column_wins_and_the_others_stay_unmapped() {
        let rows = [row(1, &["账单号", "金额", "应付金额", "实付金额", "订单金额", "账期"])];
        let (_, m) = find_header(ExportKind::Bills, &rows, &ImportOptions::default(), None).expect("header");
        let fields: Vec<Option<Field>> = m.columns.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Some(Field::BillId), None, None, Some(Field::Amount), None, Some(Field::Period)]);
        let rows = [row(1, &["金额", "应付金额", "交易金额", "订单金额", "账期"])];
        let (_, m) = find_header(ExportKind::Bills, &rows, &ImportOptions::default(), None).expect("header");
        assert_eq!(m.header_of(Field::Amount), Some("交易金额"));
    }

    #[test]
    fn a_map_entry_beats_an_alias() {
        let opts = ImportOptions { map: vec![("金额".into(), Some(Field::Amount))], ..Default::default() };
        let rows = [row(1, &["实付金额", "金额", "账期"])];
        let (_, m) = find_header(ExportKind::Bills, &rows, &opts, None).expect("header");
        assert_eq!(m.header_of(Field::Amount), Some("金额"));
        assert_eq!(m.columns[0].field, None);
    }

    #[test]
    fn the_header_is_the_row_that_maps_the_most_required_fields() {
        let rows =
            [row(1, &["账单列表"]), row(3, &["账期", "备注"]), row(4, &["账期", "金额"]), row(5, &["2026-05", "1"])];
        let (at, m) = find_header(ExportKind::Bills, &rows, &ImportOptions::default(), None).expect("header");
        assert_eq!((at, m.header_row), (2, 4));
    }
}
