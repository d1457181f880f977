//! Reading a CSV file into a table of text cells, with errors that name the file and line.

use crate::error::{DataProblem, Error, Result};
use std::path::Path;

/// A CSV file as read: the header and every data row, still as text.
#[derive(Debug, Clone)]
pub struct Table {
    /// How the file is named in messages (its path, or `titanic.csv (embedded)`).
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<csv::StringRecord>,
}

impl Table {
    /// Reads a CSV file from disk.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(path.display().to_string(), &bytes)
    }

    /// Parses CSV text; `name` is used in error messages.
    pub fn parse(name: String, bytes: &[u8]) -> Result<Self> {
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
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| fail(malformed(&e)))?;
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
            rows.push(record);
        }
        if rows.is_empty() {
            return Err(fail(DataProblem::HeaderOnly));
        }
        Ok(Table { name, header, rows })
    }

    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// The 1-based line of the file where `record` starts.
pub fn line_of(record: &csv::StringRecord) -> u64 {
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
        assert_eq!(table.rows.len(), 2);
        assert_eq!(&table.rows[1][1], "y");
        assert_eq!(line_of(&table.rows[1]), 3);
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
