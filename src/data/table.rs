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
    /// What separates the columns: given, or found in the first lines ([`sniff`]).
    pub delimiter: u8,
}

/// The delimiters [`sniff`] tells apart, the likeliest first.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter of CSV text, as pandas' `sep=None` finds it: of `,` `;` tab `|`, the one that
/// splits the first lines (up to 20, quotes respected) into as many fields each, the most
/// fields winning; else the one the header has most of; else a comma.
pub fn sniff(bytes: &[u8]) -> u8 {
    let lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(20)
        .collect();
    let count = |line: &[u8], delimiter: u8| {
        let mut quoted = false;
        line.iter()
            .filter(|&&b| {
                if b == b'"' {
                    quoted = !quoted;
                }
                b == delimiter && !quoted
            })
            .count()
    };
    let consistent = DELIMITERS
        .iter()
        .filter_map(|&d| {
            let first = count(lines.first()?, d);
            let same = lines.iter().all(|line| count(line, d) == first);
            (first > 0 && same).then_some((first, d))
        })
        .max_by_key(|&(n, d)| {
            (
                n,
                std::cmp::Reverse(DELIMITERS.iter().position(|&x| x == d)),
            )
        });
    if let Some((_, delimiter)) = consistent {
        return delimiter;
    }
    let header = lines.first().copied().unwrap_or_default();
    DELIMITERS
        .iter()
        .map(|&d| (count(header, d), d))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, _)| n)
        .map_or(b',', |(_, d)| d)
}

/// How a delimiter is named in notes.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tabs".into(),
        b' ' => "spaces".into(),
        other => format!("'{}'", char::from(other)),
    }
}

/// The most standard input is read (`--data -`): larger input wants a file.
pub const MAX_STDIN: u64 = 2 << 30;

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
    /// Reads a CSV file (`-`: standard input, up to [`MAX_STDIN`] bytes), its columns
    /// separated by `delimiter` or by what [`sniff`] finds; `progress` hears the fraction
    /// parsed so far. A device or FIFO is refused: it may never end.
    pub fn read(path: &Path, delimiter: Option<u8>, progress: &mut dyn FnMut(f32)) -> Result<Self> {
        let fail = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let bytes = if path == Path::new("-") {
            use std::io::Read;
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_STDIN + 1)
                .read_to_end(&mut bytes)
                .map_err(fail)?;
            if bytes.len() as u64 > MAX_STDIN {
                return Err(Error::data(
                    "standard input",
                    DataProblem::TooLong { limit: MAX_STDIN },
                ));
            }
            bytes
        } else {
            use std::io::Read;
            let (mut file, len) = crate::files::open_regular(path).map_err(|unfit| {
                unfit.error(path, |_| {
                    Error::data(path.display().to_string(), DataProblem::NotAFile)
                })
            })?;
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or_default());
            file.read_to_end(&mut bytes).map_err(fail)?;
            bytes
        };
        let name = if path == Path::new("-") {
            "standard input".to_string()
        } else {
            path.display().to_string()
        };
        Self::parse_with(name, &bytes, delimiter, progress)
    }

    /// Parses CSV text, its delimiter sniffed; `name` is used in error messages.
    pub fn parse(name: String, bytes: &[u8]) -> Result<Self> {
        Self::parse_with(name, bytes, None, &mut |_| {})
    }

    /// [`Table::parse`] with `delimiter` (`None`: sniffed), calling `progress` with the
    /// fraction of `bytes` parsed so far every [`PROGRESS_ROWS`] rows.
    pub fn parse_with(
        name: String,
        bytes: &[u8],
        delimiter: Option<u8>,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Self> {
        let fail = |problem| Error::data(name.clone(), problem);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(fail(DataProblem::Empty));
        }
        let delimiter = delimiter.unwrap_or_else(|| sniff(bytes));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes);
        // Names as written, less spaces around them and single quotes ('vote', as some
        // statistics packages write them).
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| fail(malformed(&e, None)))?
            .iter()
            .map(|h| {
                let h = h.trim();
                let unquoted = h.strip_prefix('\'').and_then(|h| h.strip_suffix('\''));
                unquoted.unwrap_or(h).to_string()
            })
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
                Err(e) => return Err(fail(malformed(&e, Some(&header)))),
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
            delimiter,
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

/// What is wrong where `error` happened; `header` names the columns of a data row (`None`
/// while the header itself is read).
fn malformed(error: &csv::Error, header: Option<&[String]>) -> DataProblem {
    let line = error.position().map_or(0, csv::Position::line);
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            // csv counts fields from 0; the other messages name the column, or count from 1.
            let column = match header.and_then(|h| h.get(err.field())) {
                Some(name) => format!("'{}'", crate::error::cut(name)),
                None => (err.field() + 1).to_string(),
            };
            DataProblem::NotUtf8 { line, column }
        }
        _ => DataProblem::Malformed {
            line,
            message: error.to_string(),
        },
    }
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
        let table = Table::parse_with("t.csv".into(), text.as_bytes(), None, &mut |f| seen.push(f))
            .unwrap();
        assert_eq!(table.len(), rows);
        assert_eq!(seen.len(), 3);
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)), "{seen:?}");
        assert_eq!(table.row(rows - 1).get(0), (rows - 1).to_string());
    }

    #[test]
    fn the_delimiter_is_found_as_pandas_finds_it() {
        let tabs = "'popul'\t'TVnews'\t'vote'\n0\t7\t1\n190\t1\t0\n";
        let table = parse(tabs).unwrap();
        assert_eq!(table.delimiter, b'\t');
        assert_eq!(table.header, ["popul", "TVnews", "vote"]);
        let semicolons = "individual;mode;choice;ttme\n1;1;0;69\n1;2;0;34\n";
        assert_eq!(parse(semicolons).unwrap().delimiter, b';');
        // A comma inside quotes, a decimal comma in a ';' file: counted only outside quotes.
        assert_eq!(sniff(b"a;b\n\"1,5\";2\n\"3,5\";4\n"), b';');
        assert_eq!(sniff(b"name,age\n\"Braund, Mr. Owen\",22\n"), b',');
        assert_eq!(sniff(b"a|b|c\n1|2|3\n"), b'|');
        assert_eq!(sniff(b"just one column\n1\n"), b',');
        // Given, it is used as it is.
        let forced = Table::parse_with("t.csv".into(), b"a;b\n1;2\n", Some(b','), &mut |_| {});
        assert_eq!(forced.unwrap().header, ["a;b"]);
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
