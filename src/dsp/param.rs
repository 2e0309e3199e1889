//! Effect parameters: their descriptions (name, unit, range, default, smoothing) and the
//! smoothed values an effect reads on the audio thread.
//!
//! One mechanism serves every effect: each effect kind declares a static table of
//! [`ParamInfo`]; the control side checks and converts `key=value` text against it, and the
//! audio thread addresses parameters by index only, through a [`ParamBank`] of [`Smoothed`]
//! values.

use super::Smoothed;

/// How a parameter's value is written and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A number in `min ..= max`, smoothed when changed live.
    Number,
    /// `true`/`false` (also `1`/`0`, `on`/`off`), stored as 1.0 or 0.0; switches instantly.
    Toggle,
    /// One of these names, stored as its index; switches instantly unless the parameter has a
    /// smoothing time, in which case the effect crossfades between the two (it then reads a
    /// fractional index while gliding).
    Choice(&'static [&'static str]),
    /// A file name, used when the effect is built (control side only; not live).
    File,
    /// A bus name, resolved to an index when the song is loaded (control side only).
    Bus,
}

/// The description of one parameter, for parsing, validation and `tutti fx --list`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamInfo {
    /// The key, e.g. `freq_hz`.
    pub name: &'static str,
    /// The unit, e.g. `Hz`, `dB`, `ms`, or empty.
    pub unit: &'static str,
    /// Smallest accepted value.
    pub min: f32,
    /// Largest accepted value.
    pub max: f32,
    /// The value when the key is not given.
    pub default: f32,
    /// What kind of value it is.
    pub kind: ParamKind,
    /// How long a live change takes to glide to its new value, in milliseconds.
    pub smooth_ms: f32,
    /// Glide in equal ratios (frequencies) instead of equal steps. Needs `min > 0`.
    pub log_scale: bool,
    /// One line of help.
    pub help: &'static str,
}

impl ParamInfo {
    /// A number parameter smoothed over 20 ms.
    pub const fn number(
        name: &'static str,
        unit: &'static str,
        min: f32,
        max: f32,
        default: f32,
        help: &'static str,
    ) -> Self {
        Self {
            name,
            unit,
            min,
            max,
            default,
            kind: ParamKind::Number,
            smooth_ms: 20.0,
            log_scale: false,
            help,
        }
    }

    /// A toggle (0 or 1).
    pub const fn toggle(name: &'static str, default: bool, help: &'static str) -> Self {
        let default = if default { 1.0 } else { 0.0 };
        Self {
            name,
            unit: "",
            min: 0.0,
            max: 1.0,
            default,
            kind: ParamKind::Toggle,
            smooth_ms: 0.0,
            log_scale: false,
            help,
        }
    }

    /// A choice among names; the value is the index.
    pub const fn choice(
        name: &'static str,
        names: &'static [&'static str],
        default: usize,
        help: &'static str,
    ) -> Self {
        let max = names.len() as f32 - 1.0;
        Self {
            name,
            unit: "",
            min: 0.0,
            max,
            default: default as f32,
            kind: ParamKind::Choice(names),
            smooth_ms: 0.0,
            log_scale: false,
            help,
        }
    }

    /// A file name, read when the effect is built.
    pub const fn file(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            unit: "path",
            min: 0.0,
            max: 0.0,
            default: 0.0,
            kind: ParamKind::File,
            smooth_ms: 0.0,
            log_scale: false,
            help,
        }
    }

    /// A bus name.
    pub const fn bus(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            unit: "bus",
            min: 0.0,
            max: 0.0,
            default: 0.0,
            kind: ParamKind::Bus,
            smooth_ms: 0.0,
            log_scale: false,
            help,
        }
    }

    /// The same parameter with another smoothing time.
    pub const fn smooth(mut self, ms: f32) -> Self {
        self.smooth_ms = ms;
        self
    }

    /// The same parameter gliding in equal ratios (for frequencies).
    pub const fn log(mut self) -> Self {
        self.log_scale = true;
        self
    }

    /// The value as the bank smooths it: its logarithm for log-scale parameters.
    fn encode(&self, v: f32) -> f32 {
        if self.log_scale {
            v.max(f32::MIN_POSITIVE).ln()
        } else {
            v
        }
    }

    /// True for parameters that live on the audio thread (numbers, toggles and choices).
    pub fn is_live(&self) -> bool {
        matches!(
            self.kind,
            ParamKind::Number | ParamKind::Toggle | ParamKind::Choice(_)
        )
    }

    /// Clamps a live value into range (choices and toggles are rounded). `None` for NaN/Inf.
    pub fn sanitize(&self, value: f32) -> Option<f32> {
        if !value.is_finite() {
            return None;
        }
        let v = value.clamp(self.min, self.max);
        Some(if matches!(self.kind, ParamKind::Number) {
            v
        } else {
            v.round()
        })
    }
}

/// The most parameters one effect may have.
pub const MAX_PARAMS: usize = 12;

/// The live parameters of one effect, by index into its [`ParamInfo`] table.
///
/// # Real-time
/// Every method is allocation-free; values out of range are clamped and NaN/Inf are ignored.
#[derive(Debug, Clone)]
pub struct ParamBank {
    infos: &'static [ParamInfo],
    values: [Smoothed; MAX_PARAMS],
    /// Bit `i` set: parameter `i` is smoothed as its logarithm.
    log_mask: u32,
}

impl ParamBank {
    /// A bank for `infos` starting at `initial` (one value per info; missing ones take the
    /// default), smoothing at `rate` Hz.
    pub fn new(infos: &'static [ParamInfo], initial: &[f32], rate: f32) -> Self {
        let mut values = [Smoothed::with_ramp(0.0, 0); MAX_PARAMS];
        for (i, info) in infos.iter().enumerate().take(MAX_PARAMS) {
            let v = initial
                .get(i)
                .copied()
                .and_then(|v| info.sanitize(v))
                .unwrap_or(info.default);
            let ramp = (info.smooth_ms * 0.001 * rate).round() as u32;
            values[i] = Smoothed::with_ramp(info.encode(v), ramp);
        }
        let log_mask = infos
            .iter()
            .take(MAX_PARAMS)
            .enumerate()
            .fold(0, |m, (i, p)| m | ((p.log_scale as u32) << i));
        Self {
            infos,
            values,
            log_mask,
        }
    }

    /// Sets parameter `index` (smoothed); out-of-range indices and non-finite values are ignored.
    // audio thread: no alloc, lock, I/O or print
    pub fn set(&mut self, index: usize, value: f32) {
        let (Some(info), Some(p)) = (self.infos.get(index), self.values.get_mut(index)) else {
            return;
        };
        if let Some(v) = info.sanitize(value) {
            p.set(info.encode(v));
        }
    }

    /// The current value of parameter `index` (0 if there is none).
    #[inline]
    pub fn get(&self, index: usize) -> f32 {
        self.decode(index, self.values.get(index).map_or(0.0, Smoothed::current))
    }

    #[inline]
    fn decode(&self, index: usize, v: f32) -> f32 {
        if self.log_mask & (1 << (index & 31)) != 0 {
            v.exp()
        } else {
            v
        }
    }

    /// The target of parameter `index`.
    pub fn target(&self, index: usize) -> f32 {
        self.decode(index, self.values.get(index).map_or(0.0, Smoothed::target))
    }

    /// Advances parameter `index` by one frame.
    #[inline]
    pub fn next(&mut self, index: usize) -> f32 {
        let v = self.values.get_mut(index).map_or(0.0, Smoothed::next);
        self.decode(index, v)
    }

    /// True if parameter `index` is gliding.
    #[inline]
    pub fn is_ramping(&self, index: usize) -> bool {
        self.values.get(index).is_some_and(Smoothed::is_ramping)
    }

    /// True if any parameter is gliding.
    #[inline]
    pub fn any_ramping(&self) -> bool {
        self.values.iter().any(Smoothed::is_ramping)
    }

    /// Advances every parameter by `frames` frames.
    #[inline]
    pub fn advance_all(&mut self, frames: u32) {
        for p in &mut self.values {
            p.advance(frames);
        }
    }

    /// Jumps every parameter to its target.
    pub fn snap_all(&mut self) {
        for p in &mut self.values {
            p.snap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static INFOS: [ParamInfo; 2] = [
        ParamInfo::number("gain_db", "dB", -10.0, 10.0, 0.0, "gain"),
        ParamInfo::choice("mode", &["soft", "hard"], 0, "mode"),
    ];

    #[test]
    fn glides_clamps_and_ignores_nan() {
        let mut bank = ParamBank::new(&INFOS, &[], 1000.0);
        assert_eq!(bank.get(0), 0.0);
        bank.set(0, 100.0);
        assert_eq!(bank.target(0), 10.0);
        assert!(bank.any_ramping());
        bank.advance_all(10);
        assert!((bank.get(0) - 5.0).abs() < 1e-5);
        bank.advance_all(100);
        assert_eq!(bank.get(0), 10.0);
        bank.set(0, f32::NAN);
        assert_eq!(bank.target(0), 10.0);
        bank.set(1, 0.7);
        assert_eq!(bank.get(1), 1.0);
        bank.set(7, 1.0);
    }
}
