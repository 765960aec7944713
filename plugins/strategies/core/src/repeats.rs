//! Finding ids that repeat in a pass's lists. The host never repeats one, so the check must
//! cost next to nothing: one pass through a small open-addressing table, no sort.

/// Whether some id occurs more than once.
pub(crate) fn any_repeated(ids: impl ExactSizeIterator<Item = u64>) -> bool {
    // A power-of-two table at most half full; `EMPTY` marks a free cell, so the one id equal
    // to it is tracked apart.
    const EMPTY: u64 = u64::MAX;
    let bits = (ids.len() * 2).next_power_of_two().trailing_zeros().max(4);
    let mask = (1usize << bits) - 1;
    let mut table = vec![EMPTY; 1 << bits];
    let mut seen_empty = false;
    for id in ids {
        if id == EMPTY {
            if seen_empty {
                return true;
            }
            seen_empty = true;
            continue;
        }
        // Fibonacci hashing: the top bits of a multiply spread consecutive ids well.
        let mut cell = (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize;
        loop {
            match table[cell] {
                EMPTY => {
                    table[cell] = id;
                    break;
                }
                other if other == id => return true,
                _ => cell = (cell + 1) & mask,
            }
        }
    }
    false
}

/// Drops every entry of `order` whose id (by `id`) appeared earlier in it. Only for the rare
/// input that repeats an id.
pub(crate) fn keep_first_of_each(order: &mut Vec<u32>, id: impl Fn(u32) -> u64) {
    let mut seen: Vec<u64> = Vec::with_capacity(order.len());
    order.retain(|&entry| match seen.binary_search(&id(entry)) {
        Ok(_) => false,
        Err(at) => {
            seen.insert(at, id(entry));
            true
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_found_wherever_they_are() {
        assert!(!any_repeated([].into_iter()));
        assert!(!any_repeated((0..1000u32).map(|i| u64::from(i) * 4096)));
        assert!(any_repeated([5, 1, 2, 5].into_iter()));
        assert!(any_repeated([u64::MAX, 3, u64::MAX].into_iter()));
        assert!(!any_repeated([u64::MAX, 0].into_iter()));
        // Ids that collide in the table without being equal.
        assert!(!any_repeated((0..64u32).map(|i| u64::from(i) << 58)));
        assert!(any_repeated((0..64u32).map(|i| u64::from(i % 63) << 58)));
    }

    #[test]
    fn only_the_first_of_each_id_is_kept() {
        let ids = [7u64, 3, 7, 9, 3];
        let mut order: Vec<u32> = (0..5).collect();
        keep_first_of_each(&mut order, |i| ids[i as usize]);
        assert_eq!(order, [0, 1, 3]);
    }
}
