//! Workbooks. An `.xlsx`/`.xlsm` sheet is streamed cell by cell (calamine's `worksheet_cells_reader`), so only
//! the shared strings and the records are held, never the whole sheet; `.xls`, `.xlsb` and `.ods` are read whole
//! through calamine's auto-detection.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Range, Reader, Xlsx};
use koodesk_domain::seller_export::ExportKind;

use super::cells::{round_to_second, Cell};
use super::table::{self, Rows};
use super::{ImportError, ImportOptions, Parsed};

/// Reads the chosen sheet (`opts.sheet`, else the first) of a workbook.
pub(crate) fn parse(kind: ExportKind, bytes: &[u8], opts: &ImportOptions) -> Result<Parsed, ImportError> {
    match Xlsx::new(Cursor::new(bytes)) {
        Ok(mut wb) => {
            let sheet = pick(wb.sheet_names(), opts.sheet.as_deref())?;
            let mut reader = wb.worksheet_cells_reader(&sheet).map_err(|e| not_xlsx(&e))?;
            // calamine does not export the reader's type: it is held as the closure that advances it.
            let next = move || {
                let cell = reader.next_cell().map_err(|e| not_xlsx(&e))?;
                Ok(cell.map(|c| {
                    let (r, col) = c.get_position();
                    (r, col, from_ref(c.get_value().clone()))
                }))
            };
            let mut rows = Streamed { next, pending: None, done: false };
            table::process(kind, Some(sheet), &mut rows, opts)
        }
        Err(xlsx_error) => {
            let Ok(mut wb) = open_workbook_auto_from_rs(Cursor::new(bytes)) else {
                return Err(not_xlsx(&xlsx_error));
            };
            let sheet = pick(wb.sheet_names(), opts.sheet.as_deref())?;
            let range = wb.worksheet_range(&sheet).map_err(|e| not_xlsx(&e))?;
            let mut rows = Whole { range, next: 0 };
            table::process(kind, Some(sheet), &mut rows, opts)
        }
    }
}

fn not_xlsx(e: &dyn std::fmt::Display) -> ImportError {
    ImportError::NotXlsx(format!("{e} (if it is a CSV file, give it a .csv name)"))
}

fn pick(sheets: Vec<String>, wanted: Option<&str>) -> Result<String, ImportError> {
    match wanted {
        None => sheets.into_iter().next().ok_or(ImportError::NoSheets),
        Some(w) => {
            let w = w.trim();
            if let Some(s) = sheets.iter().find(|s| s.as_str() == w) {
                return Ok(s.clone());
            }
            sheets
                .iter()
                .find(|s| s.trim().eq_ignore_ascii_case(w))
                .cloned()
                .ok_or_else(|| ImportError::SheetNotFound { sheet: w.to_string(), sheets })
        }
    }
}

fn from_ref(d: DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => date(&dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// A date-formatted cell as its wall-clock value (the workbook's 1900 or 1904 date system applied); a duration
/// stays a number.
fn date(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_datetime() {
        if let Some(d) = dt.as_datetime() {
            return Cell::Date(round_to_second(d));
        }
    }
    Cell::Number(dt.as_f64())
}

/// The next cell of a sheet: its row and column (0-based) and value.
type Next = Result<Option<(u32, u32, Cell)>, ImportError>;

/// An `.xlsx` sheet, cell by cell.
struct Streamed<F: FnMut() -> Next> {
    next: F,
    pending: Option<(u32, u32, Cell)>,
    /// The sheet's end was reached: calamine must not be asked again (it would read past `</sheetData>`).
    done: bool,
}

impl<F: FnMut() -> Next> Streamed<F> {
    fn next_cell(&mut self) -> Next {
        if let Some(c) = self.pending.take() {
            return Ok(Some(c));
        }
        if self.done {
            return Ok(None);
        }
        let c = (self.next)()?;
        self.done = c.is_none();
        Ok(c)
    }
}

fn place(cells: &mut Vec<Cell>, col: u32, value: Cell) {
    let col = col as usize;
    if cells.len() <= col {
        cells.resize(col + 1, Cell::Empty);
    }
    cells[col] = value;
}

impl<F: FnMut() -> Next> Rows for Streamed<F> {
    fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, ImportError> {
        let Some((row, col, value)) = self.next_cell()? else { return Ok(None) };
        let mut cells = Vec::new();
        place(&mut cells, col, value);
        while let Some((r, col, value)) = self.next_cell()? {
            if r != row {
                self.pending = Some((r, col, value));
                break;
            }
            place(&mut cells, col, value);
        }
        Ok(Some((row as usize + 1, cells)))
    }
}

/// A sheet read whole (`.xls`, `.xlsb`, `.ods`).
struct Whole {
    range: Range<Data>,
    next: usize,
}

impl Rows for Whole {
    fn next_row(&mut self) -> Result<Option<(usize, Vec<Cell>)>, ImportError> {
        let Some((r0, c0)) = self.range.start() else { return Ok(None) };
        let Some(row) = self.range.rows().nth(self.next) else { return Ok(None) };
        let mut cells = vec![Cell::Empty; c0 as usize];
        cells.extend(row.iter().map(from_data));
        let n = r0 as usize + self.next + 1;
        self.next += 1;
        Ok(Some((n, cells)))
    }
}
