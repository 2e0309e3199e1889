//! WAV files through hound, written under a temporary name and renamed when complete, so that a
//! failed render never leaves a file that looks finished.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use hound::{SampleFormat as HoundFormat, WavSpec, WavWriter};

use super::{BlockSink, OutputError, SampleFormat};
use crate::dsp::{quantize_clipped, TpdfDither};

/// Seed of the 16-bit dither, fixed so that renders are reproducible.
const DITHER_SEED: u64 = 0x7u64 << 32 | 0x5eed;

/// A WAV file being written.
pub struct WavFile {
    writer: Option<WavWriter<BufWriter<File>>>,
    format: SampleFormat,
    dither: TpdfDither,
    path: PathBuf,
    temp: PathBuf,
    clipped: u64,
    peak: f32,
}

impl WavFile {
    /// Starts writing stereo `format` at `rate` Hz to a temporary file next to `path`.
    pub fn create(path: &Path, rate: u32, format: SampleFormat) -> Result<Self, OutputError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if ext.as_deref() != Some("wav") {
            return Err(OutputError::UnsupportedType {
                path: path.to_path_buf(),
            });
        }
        let (bits_per_sample, sample_format) = match format {
            SampleFormat::I16 => (16, HoundFormat::Int),
            SampleFormat::I24 => (24, HoundFormat::Int),
            SampleFormat::F32 => (32, HoundFormat::Float),
        };
        let spec = WavSpec {
            channels: 2,
            sample_rate: rate,
            bits_per_sample,
            sample_format,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.tutti-partial-{}", std::process::id()));
        let writer = WavWriter::create(&temp, spec).map_err(|e| write_error(path, e))?;
        Ok(Self {
            writer: Some(writer),
            format,
            dither: TpdfDither::new(DITHER_SEED),
            path: path.to_path_buf(),
            temp,
            clipped: 0,
            peak: 0.0,
        })
    }

    /// Completes the file and gives it its final name.
    pub fn finish(mut self) -> Result<(), OutputError> {
        if let Some(w) = self.writer.take() {
            w.finalize().map_err(|e| write_error(&self.path, e))?;
        }
        std::fs::rename(&self.temp, &self.path).map_err(|source| OutputError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Samples that were clipped when converting to integers.
    pub fn clipped_samples(&self) -> u64 {
        self.clipped
    }

    /// The largest absolute sample value written, before any conversion.
    pub fn peak(&self) -> f32 {
        self.peak
    }
}

impl BlockSink for WavFile {
    fn write_block(&mut self, interleaved: &[f32]) -> Result<(), OutputError> {
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        for &s in interleaved {
            self.peak = self.peak.max(s.abs());
            let result = match self.format {
                SampleFormat::F32 => w.write_sample(s),
                SampleFormat::I16 => {
                    self.clipped += (s.abs() > 1.0) as u64;
                    w.write_sample(self.dither.quantize(s, 16) as i16)
                }
                SampleFormat::I24 => {
                    self.clipped += (s.abs() > 1.0) as u64;
                    w.write_sample(quantize_clipped(s as f64 * 8_388_608.0, 24))
                }
            };
            result.map_err(|e| write_error(&self.path, e))?;
        }
        Ok(())
    }
}

impl Drop for WavFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

fn write_error(path: &Path, e: hound::Error) -> OutputError {
    let source = match e {
        hound::Error::IoError(io) => io,
        other => std::io::Error::other(other.to_string()),
    };
    OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}
