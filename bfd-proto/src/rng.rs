//! A small deterministic PRNG for transmit jitter (§6.8.7): the caller seeds it, so tests and
//! simulations replay exactly. Not for secrets.

/// SplitMix64 (Steele, Lea, Flood 2014): one add, three xor-shift-multiplies per draw.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from `seed`; every seed (including 0) is fine.
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `low..=high` (requires `low <= high`; returns `low` otherwise).
    pub fn range_inclusive(&mut self, low: u64, high: u64) -> u64 {
        if high <= low {
            return low;
        }
        let span = high - low + 1;
        // Multiply-shift: bias below 2^-32 for spans under 2^32, irrelevant for jitter.
        low + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..1000 {
            let x = a.range_inclusive(750, 1000);
            assert_eq!(x, b.range_inclusive(750, 1000));
            assert!((750..=1000).contains(&x));
        }
        assert_eq!(a.range_inclusive(5, 5), 5);
        assert_eq!(a.range_inclusive(6, 5), 6);
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }
}
