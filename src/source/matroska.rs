//! The few Matroska header fields symphonia 0.6 does not expose: track names and the segment
//! duration. A minimal EBML walk over the `Segment → Info / Tracks` elements; clusters are never
//! read.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

const SEGMENT: u64 = 0x1853_8067;
const INFO: u64 = 0x1549_A966;
const TIMESTAMP_SCALE: u64 = 0x2A_D7B1;
const DURATION: u64 = 0x4489;
const TRACKS: u64 = 0x1654_AE6B;
const TRACK_ENTRY: u64 = 0xAE;
const TRACK_NUMBER: u64 = 0xD7;
const NAME: u64 = 0x536E;
const CLUSTER: u64 = 0x1F43_B675;

/// Header facts of a Matroska file.
#[derive(Debug, Default)]
pub struct Headers {
    /// Track names by Matroska track number.
    pub names: HashMap<u64, String>,
    /// The segment's duration in seconds.
    pub duration_seconds: Option<f64>,
}

/// True if `path` starts like an EBML (Matroska/WebM) file.
pub fn is_matroska(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1A, 0x45, 0xDF, 0xA3]
}

/// Reads the headers, or `None` if `path` is not Matroska.
pub fn read_headers(path: &Path) -> Option<Headers> {
    let mut r = BufReader::new(File::open(path).ok()?);
    let (id, size) = element_header(&mut r)?;
    if id != 0x1A45_DFA3 {
        return None;
    }
    r.seek_relative(size as i64).ok()?;
    let (id, size) = element_header(&mut r)?;
    if id != SEGMENT {
        return None;
    }
    let end = r.stream_position().ok()?.saturating_add(size);
    let mut headers = Headers::default();
    let (mut scale, mut duration) = (1_000_000u64, None);
    while r.stream_position().ok()? < end {
        let Some((id, size)) = element_header(&mut r) else {
            break;
        };
        match id {
            INFO => read_children(&mut r, size, &mut |r, id, size| match id {
                TIMESTAMP_SCALE => scale = read_uint(r, size).unwrap_or(scale),
                DURATION => duration = read_float(r, size),
                _ => skip(r, size),
            })?,
            TRACKS => read_children(&mut r, size, &mut |r, id, size| {
                if id == TRACK_ENTRY {
                    read_track(r, size, &mut headers.names);
                } else {
                    skip(r, size)
                }
            })?,
            CLUSTER => break,
            _ => r.seek_relative(size as i64).ok()?,
        }
    }
    headers.duration_seconds = duration.map(|d| d * scale as f64 / 1e9);
    Some(headers)
}

fn read_track(r: &mut BufReader<File>, size: u64, names: &mut HashMap<u64, String>) {
    let (mut number, mut name) = (None, None);
    let _ = read_children(r, size, &mut |r, id, size| match id {
        TRACK_NUMBER => number = read_uint(r, size),
        NAME => name = read_string(r, size),
        _ => skip(r, size),
    });
    if let (Some(n), Some(name)) = (number, name) {
        names.insert(n, name);
    }
}

type Visit<'a> = dyn FnMut(&mut BufReader<File>, u64, u64) + 'a;

fn read_children(r: &mut BufReader<File>, size: u64, visit: &mut Visit<'_>) -> Option<()> {
    let end = r.stream_position().ok()? + size;
    while r.stream_position().ok()? < end {
        let (id, size) = element_header(r)?;
        let start = r.stream_position().ok()?;
        visit(r, id, size);
        r.seek(SeekFrom::Start(start + size)).ok()?;
    }
    Some(())
}

fn skip(_: &mut BufReader<File>, _: u64) {}

/// An EBML variable-length integer; `keep_marker` keeps the length bit (element IDs do).
fn vint(r: &mut impl Read, keep_marker: bool) -> Option<u64> {
    let mut first = [0u8; 1];
    r.read_exact(&mut first).ok()?;
    let len = first[0].leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut value = if keep_marker {
        first[0] as u64
    } else {
        (first[0] as u64) & (0xFF >> len)
    };
    for _ in 1..len {
        let mut b = [0u8; 1];
        r.read_exact(&mut b).ok()?;
        value = (value << 8) | b[0] as u64;
    }
    Some(value)
}

fn element_header(r: &mut impl Read) -> Option<(u64, u64)> {
    let id = vint(r, true)?;
    let size = vint(r, false)?;
    Some((id, size))
}

fn read_bytes(r: &mut impl Read, size: u64) -> Option<Vec<u8>> {
    if size > 1 << 16 {
        return None;
    }
    let mut b = vec![0u8; size as usize];
    r.read_exact(&mut b).ok()?;
    Some(b)
}

fn read_uint(r: &mut impl Read, size: u64) -> Option<u64> {
    Some(
        read_bytes(r, size.min(8))?
            .iter()
            .fold(0u64, |v, b| (v << 8) | *b as u64),
    )
}

fn read_float(r: &mut impl Read, size: u64) -> Option<f64> {
    let b = read_bytes(r, size)?;
    match b.len() {
        4 => Some(f32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64),
        8 => Some(f64::from_be_bytes([
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
        ])),
        _ => None,
    }
}

fn read_string(r: &mut impl Read, size: u64) -> Option<String> {
    let b = read_bytes(r, size)?;
    Some(
        String::from_utf8_lossy(&b)
            .trim_end_matches('\0')
            .to_string(),
    )
}
