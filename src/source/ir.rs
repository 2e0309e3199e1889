//! Impulse responses for the convolution reverb: decoded from any supported file, resampled to
//! the engine rate (control side, before rendering).

use std::path::Path;

use super::{decode_file, SourceError, StreamResampler};
use crate::dsp::ImpulseResponse;

/// Reads an impulse response with 1, 2 or 4 (true stereo: L→L, L→R, R→L, R→R) channels and
/// resamples it to `rate` Hz. Errors name the file.
pub fn load_impulse_response(path: &Path, rate: u32) -> Result<ImpulseResponse, SourceError> {
    let (samples, channels, file_rate) = decode_file(path, None)?;
    if !matches!(channels, 1 | 2 | 4) {
        return Err(SourceError::Unsupported {
            path: path.to_path_buf(),
            reason: format!("an impulse response needs 1, 2 or 4 channels, not {channels}"),
        });
    }
    let mut chans: Vec<Vec<f32>> = (0..channels)
        .map(|c| samples.iter().skip(c).step_by(channels).copied().collect())
        .collect();
    if file_rate != rate {
        let invalid = |reason: String| SourceError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let mut resampled = Vec::with_capacity(channels);
        for pair in chans.chunks(2) {
            let (l, r) = (&pair[0], pair.get(1).unwrap_or(&pair[0]));
            let stereo: Vec<f32> = l.iter().zip(r).flat_map(|(a, b)| [*a, *b]).collect();
            let mut rs = StreamResampler::new(file_rate, rate).map_err(invalid)?;
            let mut out = Vec::new();
            rs.process(&stereo, &mut out);
            rs.finish(&mut out);
            resampled.push(out.iter().step_by(2).copied().collect());
            if pair.len() == 2 {
                resampled.push(out.iter().skip(1).step_by(2).copied().collect());
            }
        }
        chans = resampled;
    }
    Ok(ImpulseResponse { channels: chans })
}
