//! The layout and schedule of the partitioned convolver ([`super::convolver`]): which segments
//! of which partition sizes cover the impulse response, and on which sub-block of its period each
//! piece of a segment's work runs, so that no sub-block carries more than a fixed, small share.

/// Partition growth between segments.
const GROWTH: usize = 8;
/// Partitions in the first segment (covers `16·B`).
const FIRST_PARTS: usize = 16;
/// Largest partition, as a multiple of `B`.
const MAX_PARTITION_BLOCKS: usize = 64;

/// One IR path: input channel → output channel through IR channel `ir`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Path {
    pub input: usize,
    pub output: usize,
    pub ir: usize,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Task {
    Fft(usize),
    Mac { path: usize, from: usize, to: usize },
    Ifft(usize),
}

/// `(offset, partition, parts)` for each segment of an IR of `len` frames.
pub(super) fn segment_layout(len: usize, b: usize) -> Vec<(usize, usize, usize)> {
    let mut layout = vec![(0, b, FIRST_PARTS.min(len.div_ceil(b)))];
    let (mut offset, mut p) = (FIRST_PARTS * b, b);
    while offset < len {
        p = (p * GROWTH).min(MAX_PARTITION_BLOCKS * b);
        let end = if p * GROWTH <= MAX_PARTITION_BLOCKS * b {
            2 * p * GROWTH
        } else {
            len
        };
        let parts = (end.min(len) - offset).div_ceil(p);
        layout.push((offset, p, parts));
        offset += parts * p;
    }
    layout
}

/// Assigns a segment's tasks to the `k` sub-blocks of its period. `heavy` counts FFTs already
/// placed per sub-block of the longest period; `group` sub-blocks make one renderer block.
pub(super) fn build_schedule(
    paths: &[Path],
    k: usize,
    parts: usize,
    heavy: &mut [usize],
    group: usize,
    last: bool,
) -> Vec<Vec<Task>> {
    let mut schedule = vec![Vec::new(); k];
    if k == 1 {
        for c in 0..2 {
            schedule[0].push(Task::Fft(c));
        }
        for (i, _) in paths.iter().enumerate() {
            schedule[0].push(Task::Mac {
                path: i,
                from: 0,
                to: parts,
            });
        }
        for o in 0..2 {
            schedule[0].push(Task::Ifft(o));
        }
        return schedule;
    }
    let mut pick = |order: &mut dyn Iterator<Item = usize>, taken: &[usize]| -> usize {
        let candidates: Vec<usize> = order.filter(|j| !taken.contains(j)).collect();
        let group_free = |j: usize| {
            (j / group * group..(j / group + 1) * group)
                .all(|g| heavy.get(g).copied().unwrap_or(0) == 0)
        };
        let chosen = candidates
            .iter()
            .copied()
            .find(|&j| last && group_free(j))
            .or_else(|| {
                candidates
                    .iter()
                    .copied()
                    .find(|&j| heavy.get(j).copied().unwrap_or(0) == 0)
            })
            .unwrap_or(candidates[0]);
        let mut m = chosen;
        while m < heavy.len() {
            heavy[m] += 1;
            m += k;
        }
        chosen
    };
    let mut taken = Vec::new();
    for _ in 0..2 {
        let j = pick(&mut (0..k - 1), &taken);
        taken.push(j);
    }
    let first_mac = taken.iter().max().copied().unwrap_or(0) + 1;
    let mut iffts = Vec::new();
    for _ in 0..2 {
        let j = pick(&mut (first_mac..k).rev(), &taken);
        taken.push(j);
        iffts.push(j);
    }
    for (c, &j) in taken[..2].iter().enumerate() {
        schedule[j].push(Task::Fft(c));
    }
    let end = iffts.iter().min().copied().unwrap_or(k - 1);
    let span = end.saturating_sub(first_mac).max(1);
    let units = paths.len() * parts;
    for u in 0..units {
        let block = (first_mac + u * span / units).min(end);
        let (path, part) = (u / parts, u % parts);
        match schedule[block].last_mut() {
            Some(Task::Mac { path: p, to, .. }) if *p == path && *to == part => *to += 1,
            _ => schedule[block].push(Task::Mac {
                path,
                from: part,
                to: part + 1,
            }),
        }
    }
    for (o, &j) in iffts.iter().enumerate() {
        schedule[j].push(Task::Ifft(o));
    }
    schedule
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_covers_the_ir() {
        let l = segment_layout(112_800, 64);
        assert_eq!(l[0], (0, 64, 16));
        assert_eq!(l[1], (1024, 512, 14));
        assert_eq!(l[2].0, 8192);
        assert!(l[2].0 + l[2].1 * l[2].2 >= 112_800);
        assert_eq!(segment_layout(100, 64), vec![(0, 64, 2)]);
    }

    #[test]
    fn ffts_of_the_largest_segment_get_renderer_blocks_of_their_own() {
        let paths = [
            Path {
                input: 0,
                output: 0,
                ir: 0,
            },
            Path {
                input: 1,
                output: 1,
                ir: 0,
            },
        ];
        let mut heavy = vec![0; 64];
        let small = build_schedule(&paths, 8, 14, &mut heavy, 2, false);
        let large = build_schedule(&paths, 64, 26, &mut heavy, 2, true);
        for (schedule, parts) in [(&small, 14), (&large, 26)] {
            let tasks: Vec<&Task> = schedule.iter().flatten().collect();
            let macs: usize = tasks
                .iter()
                .map(|t| {
                    if let Task::Mac { from, to, .. } = t {
                        to - from
                    } else {
                        0
                    }
                })
                .sum();
            assert_eq!(
                macs,
                2 * parts,
                "every partition of every path is accumulated once"
            );
            assert_eq!(
                tasks.iter().filter(|t| matches!(t, Task::Fft(_))).count(),
                2
            );
            assert_eq!(
                tasks.iter().filter(|t| matches!(t, Task::Ifft(_))).count(),
                2
            );
        }
        for pair in 0..32 {
            let ffts = |s: &[Vec<Task>], period: usize| {
                (2 * pair..2 * pair + 2)
                    .map(|j| {
                        s[j % period]
                            .iter()
                            .filter(|t| !matches!(t, Task::Mac { .. }))
                            .count()
                    })
                    .sum::<usize>()
            };
            let (l, sm) = (ffts(&large, 64), ffts(&small, 8));
            assert!(
                l == 0 || (l == 1 && sm == 0),
                "renderer block {pair}: {l} large and {sm} small FFTs"
            );
        }
    }
}
