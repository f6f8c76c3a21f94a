//! Standard input, told apart by its first bytes: XML (CityGML) is spooled to a temporary
//! file, which the CityGML reader needs; JSON is read as it arrives.

use crate::SourceError;
use std::io::{Cursor, Read, Write};

/// Standard input, ready for its reader.
pub(crate) enum Stdin {
    /// XML, spooled to this file (removed when dropped).
    Xml(tempfile::TempPath),
    /// Anything else: the stream, its first bytes put back.
    Json(Box<dyn Read + Send>),
}

/// Reads standard input up to its first non-blank byte (after a byte-order mark) and tells
/// which it is.
pub(crate) fn sniff() -> Result<Stdin, SourceError> {
    sniff_from(Box::new(std::io::stdin()))
}

fn sniff_from(mut input: Box<dyn Read + Send>) -> Result<Stdin, SourceError> {
    let io = |source| SourceError::Io {
        what: "reading standard input",
        source,
    };
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let first = loop {
        let n = input.read(&mut buf).map_err(io)?;
        head.extend_from_slice(&buf[..n]);
        let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        let found = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if n == 0 || found.is_some() {
            break found;
        }
    };
    let replay = Cursor::new(head);
    if first != Some(b'<') {
        return Ok(Stdin::Json(Box::new(replay.chain(input))));
    }
    let spool_io = |source| SourceError::Io {
        what: "spooling standard input",
        source,
    };
    let mut file = tempfile::NamedTempFile::new().map_err(spool_io)?;
    std::io::copy(&mut replay.chain(input), file.as_file_mut()).map_err(io)?;
    file.as_file_mut().flush().map_err(spool_io)?;
    Ok(Stdin::Xml(file.into_temp_path()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn sniffed(bytes: &'static [u8]) -> Stdin {
        match sniff_from(Box::new(bytes)) {
            Ok(s) => s,
            Err(e) => unreachable!("{e}"),
        }
    }

    #[test]
    fn json_is_streamed_whole_and_xml_is_spooled_whole() {
        let Stdin::Json(mut r) = sniffed(b"\n  {\"type\":\"CityJSON\"}\n") else {
            unreachable!("JSON taken for XML")
        };
        let mut back = String::new();
        r.read_to_string(&mut back).unwrap();
        assert_eq!(back, "\n  {\"type\":\"CityJSON\"}\n");

        let Stdin::Xml(path) = sniffed(b"\xEF\xBB\xBF <?xml version=\"1.0\"?><a/>") else {
            unreachable!("XML taken for JSON")
        };
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"\xEF\xBB\xBF <?xml version=\"1.0\"?><a/>"
        );
    }

    #[test]
    fn empty_input_goes_to_the_json_reader_which_names_the_problem() {
        assert!(matches!(sniffed(b""), Stdin::Json(_)));
    }
}
