//! The edit list of an MP4/M4A audio track, which symphonia 0.6 parses but does not apply.
//!
//! AAC encoders prepend priming frames (1024 for ffmpeg, 2112 for Apple) and pad the last packet;
//! the `elst` box says which part of the decoded media is the real audio. Without it an AAC stem
//! would start ~21 ms late and drift out of sample-exact sync with the other stems.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The playable range of the decoded frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trim {
    /// Decoded frames to drop at the start (encoder priming).
    pub skip_frames: u64,
    /// Frames to keep after that, if the edit says.
    pub keep_frames: Option<u64>,
}

/// Reads the first audio track's edit list; `None` if there is none (or the file is not MP4).
pub fn read_trim(path: &Path, rate: u32) -> Option<Trim> {
    let mut f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let moov = find_box(&mut f, 0, len, b"moov")?;
    let movie_timescale =
        find_box(&mut f, moov.0, moov.1, b"mvhd").and_then(|b| read_timescale(&mut f, b, 12, 20));
    let mut pos = moov.0;
    while let Some((start, end)) = find_box(&mut f, pos, moov.1, b"trak") {
        pos = end;
        let Some(mdia) = find_box(&mut f, start, end, b"mdia") else {
            continue;
        };
        if !is_sound(&mut f, mdia) {
            continue;
        }
        let media_timescale = find_box(&mut f, mdia.0, mdia.1, b"mdhd")
            .and_then(|b| read_timescale(&mut f, b, 12, 20))?;
        let edts = find_box(&mut f, start, end, b"edts")?;
        let elst = find_box(&mut f, edts.0, edts.1, b"elst")?;
        let (duration, media_time) = first_edit(&mut f, elst)?;
        let to_frames = |t: u64, scale: u32| t * rate as u64 / scale.max(1) as u64;
        return Some(Trim {
            skip_frames: to_frames(media_time, media_timescale),
            keep_frames: movie_timescale
                .map(|s| to_frames(duration, s))
                .filter(|&n| n > 0),
        });
    }
    None
}

/// Finds the first child box of type `kind` in `start..end`; returns its payload range.
fn find_box(f: &mut File, start: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    let mut pos = start;
    while pos + 8 <= end {
        f.seek(SeekFrom::Start(pos)).ok()?;
        let mut head = [0u8; 8];
        f.read_exact(&mut head).ok()?;
        let mut size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as u64;
        let mut header = 8;
        if size == 1 {
            let mut big = [0u8; 8];
            f.read_exact(&mut big).ok()?;
            size = u64::from_be_bytes(big);
            header = 16;
        } else if size == 0 {
            size = end - pos;
        }
        if size < header {
            return None;
        }
        if &head[4..8] == kind {
            return Some((pos + header, (pos + size).min(end)));
        }
        pos += size;
    }
    None
}

fn read_bytes<const N: usize>(f: &mut File, at: u64) -> Option<[u8; N]> {
    f.seek(SeekFrom::Start(at)).ok()?;
    let mut b = [0u8; N];
    f.read_exact(&mut b).ok()?;
    Some(b)
}

/// Reads the timescale of an `mvhd`/`mdhd` box (full box; offset depends on its version).
fn read_timescale(
    f: &mut File,
    (start, _): (u64, u64),
    v0_offset: u64,
    v1_offset: u64,
) -> Option<u32> {
    let version = read_bytes::<1>(f, start)?[0];
    let at = start + if version == 1 { v1_offset } else { v0_offset };
    Some(u32::from_be_bytes(read_bytes::<4>(f, at)?))
}

fn is_sound(f: &mut File, mdia: (u64, u64)) -> bool {
    find_box(f, mdia.0, mdia.1, b"hdlr")
        .and_then(|(s, _)| read_bytes::<4>(f, s + 8))
        .is_some_and(|t| &t == b"soun")
}

/// The first non-empty edit: (segment duration in movie units, media time in media units).
fn first_edit(f: &mut File, (start, end): (u64, u64)) -> Option<(u64, u64)> {
    let version = read_bytes::<1>(f, start)?[0];
    let count = u32::from_be_bytes(read_bytes::<4>(f, start + 4)?);
    let entry_len = if version == 1 { 20 } else { 12 };
    for i in 0..count as u64 {
        let at = start + 8 + i * entry_len;
        if at + entry_len > end {
            return None;
        }
        let (duration, media_time) = if version == 1 {
            (
                u64::from_be_bytes(read_bytes::<8>(f, at)?),
                i64::from_be_bytes(read_bytes::<8>(f, at + 8)?),
            )
        } else {
            (
                u32::from_be_bytes(read_bytes::<4>(f, at)?) as u64,
                i32::from_be_bytes(read_bytes::<4>(f, at + 4)?) as i64,
            )
        };
        if media_time >= 0 {
            return Some((duration, media_time as u64));
        }
    }
    None
}
