//! Deterministic names for generated objects where no API server assigns them.
//!
//! Upstream creates generated FRRConfigurations with `generateName: ovnk-generated-` and lets the
//! API server pick a random 5-character suffix. Writing files, or server-side applying (which
//! needs a name up front), we derive the suffix from the identity key instead, so the same
//! object always gets the same name: FNV-1a (64 bit) of the key, written in the API server's
//! suffix alphabet (consonants and digits that form no words).

use super::GENERATE_NAME;

const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
/// Suffix length, as the API server's.
pub const SUFFIX_LEN: usize = 5;

fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `ovnk-generated-` followed by a 5-character suffix derived from `key`.
pub fn stable_name(key: &str) -> String {
    let mut h = fnv1a64(key.as_bytes());
    let mut name = String::with_capacity(GENERATE_NAME.len() + SUFFIX_LEN);
    name.push_str(GENERATE_NAME);
    for _ in 0..SUFFIX_LEN {
        name.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
        h /= ALPHABET.len() as u64;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let a = stable_name("default/fabric/node1");
        assert_eq!(a, stable_name("default/fabric/node1"));
        assert!(a.starts_with(GENERATE_NAME));
        assert_eq!(a.len(), GENERATE_NAME.len() + SUFFIX_LEN);
        assert_ne!(a, stable_name("default/fabric/node2"));
        assert!(
            a[GENERATE_NAME.len()..]
                .bytes()
                .all(|b| ALPHABET.contains(&b))
        );
    }
}
