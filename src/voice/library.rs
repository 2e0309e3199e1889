//! The sample library: a folder laid out like Dirt-Samples (`root/name/*.wav|flac|ogg|aiff`),
//! decoded and resampled to the engine rate when it is loaded, on the control thread.
//!
//! Names become indices here: the audio thread only sees a [`SampleBank`] and [`SampleId`]s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::MemorySample;
use crate::source::{decode_file, SourceError, StereoMap, StreamResampler};

/// File extensions loaded from a sample folder (lower case).
const EXTENSIONS: &[&str] = &["wav", "flac", "ogg", "aiff", "aif", "aifc"];
/// Frames of silence stored before a sample, for the interpolator's left neighbour.
pub(crate) const PAD_BEFORE: usize = 1;
/// Frames of silence stored after a sample, for the interpolator's right neighbours.
pub(crate) const PAD_AFTER: usize = 2;
/// Longest sample, in frames (positions are 32.32 fixed point).
const MAX_FRAMES: usize = (1 << 31) - 16;

/// The index of a sample in a [`SampleBank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SampleId(pub u32);

/// One sample at the engine rate, mono or stereo, padded with silence at both ends.
#[derive(Debug, Clone)]
pub struct Sample {
    data: Box<[f32]>,
    channels: usize,
    frames: usize,
}

impl Sample {
    /// A sample from interleaved `samples` with `channels` channels at `rate` Hz, converted to
    /// mono or stereo at `engine_rate`.
    pub fn new(
        samples: &[f32],
        channels: usize,
        rate: u32,
        engine_rate: u32,
    ) -> Result<Self, String> {
        if channels == 0 || rate == 0 {
            return Err("no channels or no rate".into());
        }
        let mut stereo = Vec::new();
        let (mut pcm, mut ch) = match channels {
            1 | 2 => (samples.to_vec(), channels),
            n => {
                StereoMap::new(None, n).convert(samples, &mut stereo);
                (std::mem::take(&mut stereo), 2)
            }
        };
        if rate != engine_rate {
            let input: Vec<f32> = if ch == 1 {
                pcm.iter().flat_map(|&s| [s, s]).collect()
            } else {
                pcm
            };
            let mut r = StreamResampler::new(rate, engine_rate)?;
            let mut out = Vec::new();
            r.process(&input, &mut out);
            r.finish(&mut out);
            pcm = if ch == 1 {
                out.iter().step_by(2).copied().collect()
            } else {
                out
            };
        }
        ch = ch.clamp(1, 2);
        let frames = (pcm.len() / ch).min(MAX_FRAMES);
        let mut data = vec![0.0f32; (PAD_BEFORE + frames + PAD_AFTER) * ch];
        data[PAD_BEFORE * ch..(PAD_BEFORE + frames) * ch].copy_from_slice(&pcm[..frames * ch]);
        Ok(Self {
            data: data.into_boxed_slice(),
            channels: ch,
            frames,
        })
    }

    /// Length in frames at the engine rate.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// 1 (mono) or 2 (stereo).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The padded interleaved data: frame `i` starts at `(i + 1) · channels`.
    pub(crate) fn padded(&self) -> &[f32] {
        &self.data
    }
}

/// Every loaded sample, addressed by [`SampleId`]. Shared, read-only, with the audio thread.
#[derive(Debug, Default)]
pub struct SampleBank {
    samples: Vec<Sample>,
}

impl SampleBank {
    /// The sample `id`, if it exists.
    pub fn get(&self, id: SampleId) -> Option<&Sample> {
        self.samples.get(id.0 as usize)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Why a sample folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The folder could not be listed.
    #[error("{}: cannot read sample folder: {source}", path.display())]
    Read {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Sample names and their samples (control side).
#[derive(Debug, Default)]
pub struct SampleLibrary {
    bank: Arc<SampleBank>,
    names: HashMap<String, Vec<SampleId>>,
}

impl SampleLibrary {
    /// Loads every `root/name/*.{wav,flac,ogg,aiff,aif,aifc}` plus `memory`, converted to
    /// `engine_rate`. Files that fail to decode are skipped with a warning (returned).
    ///
    /// # Errors
    /// Fails only if `root` (or one of its subfolders) cannot be listed.
    pub fn load(
        root: Option<&Path>,
        memory: &[MemorySample],
        engine_rate: u32,
    ) -> Result<(Self, Vec<String>), LibraryError> {
        let mut samples = Vec::new();
        let mut names: HashMap<String, Vec<SampleId>> = HashMap::new();
        let mut warnings = Vec::new();
        if let Some(root) = root {
            for (name, files) in list_folders(root)? {
                for file in files {
                    match load_file(&file, engine_rate) {
                        Ok(s) => {
                            names
                                .entry(name.clone())
                                .or_default()
                                .push(SampleId(samples.len() as u32));
                            samples.push(s);
                        }
                        Err(e) => warnings.push(format!("skipping sample {e}")),
                    }
                }
            }
        }
        for m in memory {
            match Sample::new(&m.samples, m.channels, m.rate, engine_rate) {
                Ok(s) => {
                    names
                        .entry(m.name.clone())
                        .or_default()
                        .push(SampleId(samples.len() as u32));
                    samples.push(s);
                }
                Err(e) => warnings.push(format!("skipping sample '{}': {e}", m.name)),
            }
        }
        Ok((
            Self {
                bank: Arc::new(SampleBank { samples }),
                names,
            },
            warnings,
        ))
    }

    /// The `n`-th sample of `name` in sorted file order, wrapping (negative `n` too), as
    /// SuperDirt does. `None` if there is no such name.
    pub fn find(&self, name: &str, n: i64) -> Option<SampleId> {
        let ids = self.names.get(name)?;
        let i = n.rem_euclid(ids.len() as i64) as usize;
        ids.get(i).copied()
    }

    /// Resolves `"name"` or `"name:n"`.
    pub fn find_str(&self, text: &str) -> Option<SampleId> {
        match text.rsplit_once(':') {
            Some((name, n)) => self.find(name, n.trim().parse().ok()?),
            None => self.find(text, 0),
        }
    }

    /// The shared sample data.
    pub fn bank(&self) -> &Arc<SampleBank> {
        &self.bank
    }

    /// The names, sorted, with their number of samples.
    pub fn names(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self
            .names
            .iter()
            .map(|(k, v)| (k.as_str(), v.len()))
            .collect();
        v.sort();
        v
    }
}

/// Subfolders of `root` (sorted) with their audio files (sorted by path).
fn list_folders(root: &Path) -> Result<Vec<(String, Vec<PathBuf>)>, LibraryError> {
    let read = |p: &Path| {
        std::fs::read_dir(p).map_err(|source| LibraryError::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let mut dirs: Vec<PathBuf> = read(root)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut out = Vec::new();
    for dir in dirs {
        let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let mut files: Vec<PathBuf> = read(&dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase);
                p.is_file() && ext.is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
            })
            .collect();
        files.sort();
        if !files.is_empty() {
            out.push((name, files));
        }
    }
    Ok(out)
}

fn load_file(path: &Path, engine_rate: u32) -> Result<Sample, String> {
    let (samples, channels, rate) =
        decode_file(path, None).map_err(|e: SourceError| e.to_string())?;
    Sample::new(&samples, channels, rate, engine_rate)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, rate: u32, channels: u16, frames: usize) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..frames * channels as usize {
            w.write_sample(((i % 100) as i16) * 100).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn folder_names_order_wrap_and_resampling() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bd")).unwrap();
        std::fs::create_dir_all(dir.path().join("hh")).unwrap();
        write_wav(&dir.path().join("bd/b.wav"), 48_000, 1, 480);
        write_wav(&dir.path().join("bd/a.wav"), 48_000, 2, 960);
        write_wav(&dir.path().join("hh/x.wav"), 44_100, 1, 441);
        std::fs::write(dir.path().join("bd/notes.txt"), "not audio").unwrap();
        std::fs::write(dir.path().join("hh/broken.wav"), "not audio").unwrap();
        let (lib, warnings) = SampleLibrary::load(Some(dir.path()), &[], 48_000).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let a = lib.find("bd", 0).unwrap();
        assert_eq!(lib.bank().get(a).unwrap().frames(), 960); // a.wav sorts first
        assert_eq!(lib.bank().get(a).unwrap().channels(), 2);
        assert_eq!(lib.find_str("bd:1"), lib.find("bd", 1));
        assert_eq!(lib.find_str("bd:2"), Some(a)); // wraps
        assert_eq!(lib.find("bd", -1), lib.find("bd", 1));
        assert_eq!(
            lib.bank().get(lib.find("hh", 0).unwrap()).unwrap().frames(),
            480
        );
        assert_eq!(lib.find_str("sn:0"), None);
    }
}
