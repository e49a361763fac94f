//! Deterministic jitter source (RFC 4271 §10): seeded by the caller so tests and simulations
//! replay exactly. Not for secrets.

/// SplitMix64: small, fast, every seed is fine.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) const fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `d` multiplied by a factor uniform in 0.75..=1.0 (RFC 4271 §10).
    pub(crate) fn jitter(&mut self, d: std::time::Duration) -> std::time::Duration {
        let permille = 750 + (self.next_u64() % 251);
        d * permille as u32 / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn jitter_stays_in_range_and_replays() {
        let mut a = SplitMix64::new(9);
        let mut b = SplitMix64::new(9);
        let d = Duration::from_secs(30);
        let mut seen_low = false;
        for _ in 0..1000 {
            let x = a.jitter(d);
            assert_eq!(x, b.jitter(d));
            assert!(x >= Duration::from_millis(22_500) && x <= d, "{x:?}");
            seen_low |= x < Duration::from_millis(25_000);
        }
        assert!(seen_low, "jitter spreads over the range");
    }
}
