//! TPDF dither for cutting the word length to 16 bits.
//!
//! Reference: Lipshitz, Wannamaker & Vanderkooy, "Quantization and dither: a theoretical
//! survey", JAES 40(5), 1992. The sum of two independent uniform variables of ±½ LSB gives a
//! triangular density of ±1 LSB, which makes the mean and variance of the total error independent
//! of the signal.

/// A seeded triangular-PDF dither source. The same seed gives the same noise, so dithered output
/// stays deterministic.
#[derive(Debug, Clone)]
pub struct TpdfDither {
    state: u64,
}

impl TpdfDither {
    /// A dither source with the given seed (any value; zero is remapped).
    pub fn new(seed: u64) -> Self {
        Self { state: seed.max(1) }
    }

    /// A uniform value in `[-0.5, 0.5)`, from xorshift64*.
    fn uniform(&mut self) -> f64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let bits = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64 - 0.5
    }

    /// Quantises `sample` (full scale ±1.0) to a signed integer of `bits` bits with TPDF dither
    /// of ±1 LSB, clipping safely to the integer range.
    pub fn quantize(&mut self, sample: f32, bits: u32) -> i32 {
        let scale = (1i64 << (bits - 1)) as f64;
        let noise = self.uniform() + self.uniform();
        quantize_clipped(sample as f64 * scale + noise, bits)
    }
}

/// Rounds an already scaled value to the nearest integer of `bits` bits, clipping to the range
/// (a NaN becomes 0).
pub fn quantize_clipped(scaled: f64, bits: u32) -> i32 {
    let max = ((1i64 << (bits - 1)) - 1) as f64;
    let min = -((1i64 << (bits - 1)) as f64);
    if scaled.is_nan() {
        return 0;
    }
    scaled.round().clamp(min, max) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dither_is_triangular_and_bounded() {
        let mut d = TpdfDither::new(7);
        let mut sum = 0.0;
        for _ in 0..100_000 {
            let n = d.uniform() + d.uniform();
            assert!((-1.0..1.0).contains(&n));
            sum += n;
        }
        assert!((sum / 100_000.0).abs() < 0.01);
    }

    #[test]
    fn clips_instead_of_wrapping() {
        let mut d = TpdfDither::new(1);
        assert_eq!(d.quantize(4.0, 16), i16::MAX as i32);
        assert_eq!(d.quantize(-4.0, 16), i16::MIN as i32);
        assert_eq!(quantize_clipped(f64::NAN, 24), 0);
        assert_eq!(quantize_clipped(1e12, 24), (1 << 23) - 1);
    }
}
