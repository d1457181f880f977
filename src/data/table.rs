//! Reading a CSV file into a table of text cells, with errors that name the file and line.

use crate::error::{DataProblem, Error, Result};
use std::path::Path;

/// A CSV file as read: the header and every data row, still as text. The cells are kept
/// column by column, each column's text in one buffer, because preprocessing scans a column at
/// a time: a million-row column is read from memory in order, without a pointer per row.
#[derive(Debug, Clone)]
pub struct Table {
    /// How the file is named in messages (its path, or `titanic.csv (embedded)`).
    pub name: String,
    pub header: Vec<String>,
    columns: Vec<TextColumn>,
    /// The 1-based line of the file where each row starts.
    lines: Vec<u64>,
}

/// The cells of one column, back to back, and where each ends.
#[derive(Debug, Clone, Default)]
struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.text[start..self.ends[row]]
    }
}

/// How often parsing reports its progress, in rows.
pub const PROGRESS_ROWS: usize = 65_536;

/// One data row of a [`Table`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a Table,
    index: usize,
}

impl<'a> Row<'a> {
    /// The text of the cell in column `column`.
    pub fn get(&self, column: usize) -> &'a str {
        self.table.columns[column].get(self.index)
    }

    /// The 1-based line of the file where the row starts.
    pub fn line(&self) -> u64 {
        self.table.lines[self.index]
    }
}

impl Table {
    /// Reads a CSV file from disk.
    pub fn read(path: &Path) -> Result<Self> {
        Self::read_with_progress(path, &mut |_| {})
    }

    /// [`Table::read`], calling `progress` with the fraction of the file parsed so far.
    pub fn read_with_progress(path: &Path, progress: &mut dyn FnMut(f32)) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse_with_progress(path.display().to_string(), &bytes, progress)
    }

    /// Parses CSV text; `name` is used in error messages.
    pub fn parse(name: String, bytes: &[u8]) -> Result<Self> {
        Self::parse_with_progress(name, bytes, &mut |_| {})
    }

    /// [`Table::parse`], calling `progress` with the fraction of `bytes` parsed so far every
    /// [`PROGRESS_ROWS`] rows.
    pub fn parse_with_progress(
        name: String,
        bytes: &[u8],
        progress: &mut dyn FnMut(f32),
    ) -> Result<Self> {
        let fail = |problem| Error::data(name.clone(), problem);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(fail(DataProblem::Empty));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(bytes);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| fail(malformed(&e)))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        for (i, name) in header.iter().enumerate() {
            if let Some(first) = header[..i].iter().position(|h| h == name) {
                return Err(fail(DataProblem::DuplicateColumn {
                    name: name.clone(),
                    first: first + 1,
                    second: i + 1,
                }));
            }
        }
        let mut columns = vec![TextColumn::default(); header.len()];
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(fail(malformed(&e))),
            }
            if record.len() != header.len() {
                // A blank line at the end of a file is not a row.
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                return Err(fail(DataProblem::Ragged {
                    line: line_of(&record),
                    expected: header.len(),
                    found: record.len(),
                }));
            }
            for (column, field) in columns.iter_mut().zip(&record) {
                column.text.push_str(field);
                column.ends.push(column.text.len());
            }
            lines.push(line_of(&record));
            if lines.len() % PROGRESS_ROWS == 0 {
                let done = record.position().map_or(0, csv::Position::byte);
                progress(done as f32 / bytes.len() as f32);
            }
        }
        if lines.is_empty() {
            return Err(fail(DataProblem::HeaderOnly));
        }
        Ok(Table {
            name,
            header,
            columns,
            lines,
        })
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Data rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are no data rows (never, for a parsed table).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Row `index`.
    pub fn row(&self, index: usize) -> Row<'_> {
        Row { table: self, index }
    }

    /// Every data row, in file order.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).map(|index| self.row(index))
    }
}

/// The 1-based line of the file where `record` starts.
fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(0, csv::Position::line)
}

fn malformed(error: &csv::Error) -> DataProblem {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 text ({err})"),
        _ => error.to_string(),
    };
    DataProblem::Malformed { line, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Table> {
        Table::parse("t.csv".into(), text.as_bytes())
    }

    #[test]
    fn reads_header_and_rows() {
        let table = parse("a,b\n1,x\n2,y\n").unwrap();
        assert_eq!(table.header, ["a", "b"]);
        assert_eq!(table.len(), 2);
        assert_eq!(table.row(1).get(1), "y");
        assert_eq!(table.row(1).line(), 3);
    }

    #[test]
    fn large_files_report_their_progress() {
        let rows = 3 * PROGRESS_ROWS + 10;
        let text: String = std::iter::once("a,b\n".to_string())
            .chain((0..rows).map(|i| format!("{i},x\n")))
            .collect();
        let mut seen = Vec::new();
        let table =
            Table::parse_with_progress("t.csv".into(), text.as_bytes(), &mut |f| seen.push(f))
                .unwrap();
        assert_eq!(table.len(), rows);
        assert_eq!(seen.len(), 3);
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)), "{seen:?}");
        assert_eq!(table.row(rows - 1).get(0), (rows - 1).to_string());
    }

    #[test]
    fn rejects_empty_header_only_and_ragged_files() {
        let message = |text| parse(text).unwrap_err().to_string();
        assert_eq!(
            message(""),
            "t.csv: the file is empty (expected a header row and at least one data row)"
        );
        assert_eq!(
            message("a,b\n"),
            "t.csv: the file has a header but no data rows"
        );
        assert_eq!(
            message("y,x,y\n1,2,3\n"),
            "t.csv: line 1: column 'y' appears twice (columns 1 and 3); give each column its own name"
        );
        assert!(
            message("a,b\n1,2\n3\n").starts_with("t.csv: line 3: 1 fields, but the header has 2")
        );
    }
}
