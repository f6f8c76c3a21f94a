//! Report files written whole or not at all (`-` is standard output).

use anyhow::{Context, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A report being written: to a temporary file renamed into place by [`Out::finish`], or to
/// standard output.
pub struct Out {
    writer: BufWriter<Box<dyn Write>>,
    tmp: Option<(tempfile::TempPath, PathBuf)>,
}

impl Out {
    /// Starts writing `path` (`-` for standard output).
    pub fn create(path: &Path) -> Result<Out> {
        if path.as_os_str() == "-" {
            return Ok(Out {
                writer: BufWriter::new(Box::new(std::io::stdout().lock())),
                tmp: None,
            });
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let file = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("creating a file in {}", dir.display()))?;
        let (file, tmp) = file.into_parts();
        Ok(Out {
            writer: BufWriter::with_capacity(1 << 20, Box::new(file)),
            tmp: Some((tmp, path.to_path_buf())),
        })
    }

    /// Finishes: flushes, and renames the file into place.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().context("writing the report")?;
        drop(self.writer);
        if let Some((tmp, path)) = self.tmp {
            tmp.persist(&path)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}
