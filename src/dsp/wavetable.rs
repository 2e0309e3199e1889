//! Band-limited wavetables for the saw, square and triangle: one table per octave, each holding
//! only the harmonics that stay below Nyquist for every frequency the table serves, so the
//! oscillator does not alias (a mip-mapped wavetable, as in T. Stilson and J. Smith,
//! "Alias-Free Digital Synthesis of Classic Analog Waveforms", ICMC 1996, §2).
//!
//! Table `j` serves phase increments `dt = f/fs` in `(2^-(j+2), 2^-(j+1)]` with `2^j` harmonics
//! (at most [`MAX_HARMONICS`]): its highest harmonic is at most `2^j · 2^-(j+1) = 1/2`, Nyquist.
//! The tables are built once, by additive synthesis from the Fourier series, the first time an
//! oscillator is made (on the control side), and shared read-only.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// Samples per table (one period); each table has one guard sample more, equal to the first.
pub(crate) const TABLE_LEN: usize = 2048;
/// Tables per waveform: down to `dt = 2^-13` (5.9 Hz at 48 kHz); lower notes use the last one.
const OCTAVES: usize = 12;
/// The most harmonics a table holds (a 2048-sample table cannot hold more than 1023).
const MAX_HARMONICS: usize = TABLE_LEN / 2 - 1;

/// The shapes that have tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Saw,
    Square,
    Triangle,
}

struct Tables {
    /// `[shape][octave]`, each `TABLE_LEN + 1` samples.
    tables: Vec<Vec<Vec<f32>>>,
}

/// The table for `shape` at phase increment `dt` (0 < dt ≤ 0.5).
pub(crate) fn table(shape: Shape, dt: f32) -> &'static [f32] {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    let t = TABLES.get_or_init(build);
    let octave = if dt > 0.0 {
        ((-(dt as f64).log2()).floor() as i64 - 1).clamp(0, OCTAVES as i64 - 1) as usize
    } else {
        OCTAVES - 1
    };
    &t.tables[shape as usize][octave]
}

/// Fourier coefficient of harmonic `k` as `(sine, cosine)` amplitudes, for the shapes of
/// [`super::Oscillator`]: a rising saw from −1, a square that is +1 for the first half period, a
/// triangle from −1 up to +1 at half period.
fn coefficient(shape: Shape, k: usize) -> (f64, f64) {
    let k_f = k as f64;
    match shape {
        Shape::Saw => (-2.0 / (PI * k_f), 0.0),
        Shape::Square if k % 2 == 1 => (4.0 / (PI * k_f), 0.0),
        Shape::Triangle if k % 2 == 1 => (0.0, -8.0 / (PI * PI * k_f * k_f)),
        _ => (0.0, 0.0),
    }
}

fn build() -> Tables {
    let sin: Vec<f64> = (0..TABLE_LEN)
        .map(|n| (2.0 * PI * n as f64 / TABLE_LEN as f64).sin())
        .collect();
    let cos = |i: usize| sin[(i + TABLE_LEN / 4) % TABLE_LEN];
    let tables = [Shape::Saw, Shape::Square, Shape::Triangle]
        .iter()
        .map(|&shape| {
            let mut acc = vec![0.0f64; TABLE_LEN];
            let mut done = 0;
            (0..OCTAVES)
                .map(|octave| {
                    let harmonics = (1usize << octave).min(MAX_HARMONICS);
                    for k in done + 1..=harmonics {
                        let (a, b) = coefficient(shape, k);
                        if a == 0.0 && b == 0.0 {
                            continue;
                        }
                        for (n, v) in acc.iter_mut().enumerate() {
                            let i = (k * n) % TABLE_LEN;
                            *v += a * sin[i] + b * cos(i);
                        }
                    }
                    done = harmonics;
                    let mut t: Vec<f32> = acc.iter().map(|&v| v as f32).collect();
                    t.push(t[0]);
                    t
                })
                .collect()
        })
        .collect();
    Tables { tables }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octave_choice_keeps_harmonics_below_nyquist() {
        // 5 kHz at 48 kHz: dt = 0.104, table 2, 4 harmonics (20 kHz < 24 kHz).
        assert!(std::ptr::eq(
            table(Shape::Saw, 5000.0 / 48_000.0),
            table(Shape::Saw, 0.07)
        ));
        assert!(!std::ptr::eq(
            table(Shape::Saw, 0.13),
            table(Shape::Saw, 0.12)
        ));
        // Low notes are full saws: close to the naive shape away from the jump.
        let low = table(Shape::Saw, 1e-5);
        assert!((low[TABLE_LEN / 4] - -0.5).abs() < 0.01);
        assert!((table(Shape::Triangle, 1e-5)[TABLE_LEN / 2] - 1.0).abs() < 0.01);
    }
}
