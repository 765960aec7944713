//! Putting indices in order by exact 128-bit keys (ties to the lowest id), or only the best
//! few of them: the sorting every pass does, made cheap.
//!
//! Keys are 128 bits so that every order is exact, but in a real pass most of those bits are
//! the same in every key (idle times below 2^20 ms, capacities below 16…). Bits that never
//! differ cannot decide a comparison, so when the bits that do vary (one window in each
//! 64-bit half) fit in a `u64` beside the position, the keys are packed into plain `u64`s and
//! sorted with the branch-free primitive sort: several times faster than sorting pairs, in
//! wasm most of all, where a 128-bit comparison is several instructions.

/// Reorders `indices` so that its first `n` entries, for the returned `n`, are the smallest by
/// key (then id), in order, and every later entry's key is greater than theirs. `n` is `count`
/// (at least 1), or more when the entries after it tie with the last, or all of them.
pub(crate) fn rank_smallest(
    indices: &mut [u32],
    count: usize,
    key: impl Fn(u32) -> u128,
    id: impl Fn(u32) -> u64,
) -> usize {
    let len = indices.len();
    if len == 0 {
        return 0;
    }
    let count = count.clamp(1, len);
    match Packing::for_keys(indices.iter().map(|&i| key(i)), len) {
        Some(packing) => {
            let original = indices.to_vec();
            let mut packed: Vec<u64> = original
                .iter()
                .enumerate()
                .map(|(pos, &i)| packing.pack(key(i), pos))
                .collect();
            let shift = packing.position_bits;
            let taken = take_smallest(&mut packed, count, |p| p >> shift);
            for (slot, p) in indices.iter_mut().zip(&packed) {
                *slot = original[(p & packing.position_mask) as usize];
            }
            order_ties_by_id(
                &mut indices[..taken],
                |a, b| packed[a] >> shift == packed[b] >> shift,
                &id,
            );
            taken
        }
        None => {
            let mut keyed: Vec<(u128, u32)> = indices.iter().map(|&i| (key(i), i)).collect();
            let taken = take_smallest(&mut keyed, count, |&(k, _)| k);
            for (slot, &(_, i)) in indices.iter_mut().zip(&keyed) {
                *slot = i;
            }
            order_ties_by_id(&mut indices[..taken], |a, b| keyed[a].0 == keyed[b].0, &id);
            taken
        }
    }
}

/// Sorts by id each run of `ranked` whose entries tie (`tied(a, b)` compares the keys at
/// positions `a` and `b`). Sorting by key alone leaves ties in position order.
fn order_ties_by_id(
    ranked: &mut [u32],
    tied: impl Fn(usize, usize) -> bool,
    id: impl Fn(u32) -> u64,
) {
    let mut start = 0;
    for end in 1..=ranked.len() {
        if end == ranked.len() || !tied(start, end) {
            if end - start > 1 {
                ranked[start..end].sort_unstable_by_key(|&i| id(i));
            }
            start = end;
        }
    }
}

/// Moves the `count` smallest items by `key` to the front, with every later item tied with
/// the last of them, sorts that front, and returns its length.
fn take_smallest<T: Ord + Copy, K: Ord>(
    items: &mut [T],
    count: usize,
    key: impl Fn(&T) -> K,
) -> usize {
    let mut taken = items.len();
    if count < items.len() {
        items.select_nth_unstable(count - 1);
        let cut = key(&items[count - 1]);
        taken = count;
        for j in count..items.len() {
            if key(&items[j]) == cut {
                items.swap(taken, j);
                taken += 1;
            }
        }
    }
    items[..taken].sort_unstable();
    taken
}

/// How 128-bit keys pack into a `u64` with a position: the varying window of each half, then
/// the position in the low bits. Order-preserving because the first bit where two keys differ
/// is always inside a window.
#[derive(Clone, Copy)]
struct Packing {
    high_shift: u32,
    high_width: u32,
    low_shift: u32,
    low_width: u32,
    position_bits: u32,
    position_mask: u64,
}

impl Packing {
    /// The packing of `keys` (`len` of them), if their varying bits and a position fit.
    fn for_keys(mut keys: impl Iterator<Item = u128>, len: usize) -> Option<Packing> {
        let first = keys.next()?;
        let varying = keys.fold(0u128, |acc, k| acc | (k ^ first));
        let (high_shift, high_width) = window((varying >> 64) as u64);
        let (low_shift, low_width) = window(varying as u64);
        let position_bits = usize::BITS - (len - 1).leading_zeros();
        if high_width + low_width + position_bits > 64 {
            return None;
        }
        let position_mask = (1u64 << position_bits) - 1;
        Some(Packing {
            high_shift,
            high_width,
            low_shift,
            low_width,
            position_bits,
            position_mask,
        })
    }

    fn pack(&self, key: u128, position: usize) -> u64 {
        let high = bits((key >> 64) as u64, self.high_shift, self.high_width);
        let low = bits(key as u64, self.low_shift, self.low_width);
        let packed = high.checked_shl(self.low_width).unwrap_or(0) | low;
        packed.checked_shl(self.position_bits).unwrap_or(0) | position as u64
    }
}

/// The shift and width of the span from the lowest to the highest set bit of `varying`.
fn window(varying: u64) -> (u32, u32) {
    if varying == 0 {
        return (0, 0);
    }
    let shift = varying.trailing_zeros();
    (shift, 64 - varying.leading_zeros() - shift)
}

/// `width` bits of `value` from bit `shift`.
fn bits(value: u64, shift: u32, width: u32) -> u64 {
    let mask = if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    (value >> shift) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ranks `keys` (index i has key `keys[i]` and id `ids[i]`) and returns the ranked ids.
    fn ranked(keys: &[u128], ids: &[u64], count: usize) -> (Vec<u64>, Vec<u64>) {
        let mut indices: Vec<u32> = (0..keys.len() as u32).rev().collect();
        let n = rank_smallest(
            &mut indices,
            count,
            |i| keys[i as usize],
            |i| ids[i as usize],
        );
        let all: Vec<u64> = indices.iter().map(|&i| ids[i as usize]).collect();
        (all[..n].to_vec(), all[n..].to_vec())
    }

    #[test]
    fn sorts_by_key_then_id() {
        let keys = [5, 1, 5, 3, 1 << 100, 0];
        let ids = [10, 11, 9, 12, 13, 14];
        assert_eq!(ranked(&keys, &ids, usize::MAX).0, [14, 11, 12, 9, 10, 13]);
    }

    #[test]
    fn takes_the_smallest_and_every_tie_with_the_last() {
        let keys = [4, 2, 2, 9, 2, 1];
        let ids = [1, 2, 3, 4, 5, 6];
        let (first, rest) = ranked(&keys, &ids, 2);
        assert_eq!(first, [6, 2, 3, 5]);
        let mut rest = rest;
        rest.sort();
        assert_eq!(rest, [1, 4]);
    }

    #[test]
    fn packed_and_wide_keys_rank_alike() {
        let mut state = 7u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 11
        };
        for round in 0..200 {
            let len = 1 + (next() % 60) as usize;
            // Narrow keys pack; keys spread over both halves do not.
            let wide = round % 2 == 1;
            let keys: Vec<u128> = (0..len)
                .map(|_| {
                    let low = u128::from(u64::MAX - next() % 8);
                    let high = if wide {
                        u128::from(next())
                    } else {
                        u128::from(next() % 4)
                    };
                    (high << 64) | low
                })
                .collect();
            let ids: Vec<u64> = (0..len as u64).map(|i| i * 7 % 61).collect();
            let count = 1 + (next() as usize % len);
            let (first, _) = ranked(&keys, &ids, count);
            let mut expected: Vec<(u128, u64)> =
                keys.iter().copied().zip(ids.iter().copied()).collect();
            expected.sort();
            let expected: Vec<u64> = expected
                .iter()
                .map(|&(_, id)| id)
                .take(first.len())
                .collect();
            assert_eq!(first, expected, "round {round}");
            assert!(first.len() >= count);
        }
    }

    #[test]
    fn packing_needs_the_varying_bits_to_fit() {
        assert!(Packing::for_keys([1u128 << 127, 0].into_iter(), 2).is_some());
        assert!(Packing::for_keys([u128::MAX, 0].into_iter(), 2).is_none());
        assert_eq!(window(0b0110_1000), (3, 4));
    }
}
