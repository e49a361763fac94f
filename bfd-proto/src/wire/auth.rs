//! The optional Authentication Section (RFC 5880 §4.2–4.4) and its procedures (§6.7).
//!
//! Layout, starting at offset 24 of the control packet:
//!
//! ```text
//! simple password (§4.2):  Type=1 | Len=3+n | Key ID | Password (1..=16)
//! keyed MD5 (§4.3):        Type=2/3 | Len=24 | Key ID | Reserved | Sequence (4) | Digest (16)
//! keyed SHA1 (§4.4):       Type=4/5 | Len=28 | Key ID | Reserved | Sequence (4) | Hash (20)
//! ```
//!
//! The digest covers the whole control packet (up to Length) with the digest field replaced by
//! the secret, zero-padded to the digest size (§6.7.3, §6.7.4).

use core::fmt;

use md5::Md5;
use sha1::Sha1;

use crate::error::{Error, KeyError};

mod field {
    pub const TYPE: usize = 0;
    pub const LEN: usize = 1;
    pub const KEY_ID: usize = 2;
    pub const PASSWORD: usize = 3;
    pub const RESERVED: usize = 3;
    pub const SEQUENCE: core::ops::Range<usize> = 4..8;
    pub const DIGEST: usize = 8;
}

/// Offset of the Authentication Section inside a control packet.
pub const AUTH_OFFSET: usize = 24;
/// Longest simple password (§4.2).
pub const MAX_PASSWORD_LEN: usize = 16;
/// Size of the keyed MD5 digest field.
pub const MD5_DIGEST_LEN: usize = 16;
/// Size of the keyed SHA1 hash field.
pub const SHA1_HASH_LEN: usize = 20;
/// Auth Len of the keyed MD5 types.
pub const MD5_AUTH_LEN: u8 = 24;
/// Auth Len of the keyed SHA1 types.
pub const SHA1_AUTH_LEN: u8 = 28;

/// Auth Type (RFC 5880 §4.1); 0 and 6–255 are reserved and rejected on receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AuthType {
    /// 1: Simple Password.
    SimplePassword,
    /// 2: Keyed MD5.
    KeyedMd5,
    /// 3: Meticulous Keyed MD5.
    MeticulousKeyedMd5,
    /// 4: Keyed SHA1.
    KeyedSha1,
    /// 5: Meticulous Keyed SHA1.
    MeticulousKeyedSha1,
}

impl AuthType {
    /// Decodes the Auth Type octet.
    pub const fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::SimplePassword,
            2 => Self::KeyedMd5,
            3 => Self::MeticulousKeyedMd5,
            4 => Self::KeyedSha1,
            5 => Self::MeticulousKeyedSha1,
            _ => return None,
        })
    }

    /// The Auth Type octet.
    pub const fn code(self) -> u8 {
        match self {
            Self::SimplePassword => 1,
            Self::KeyedMd5 => 2,
            Self::MeticulousKeyedMd5 => 3,
            Self::KeyedSha1 => 4,
            Self::MeticulousKeyedSha1 => 5,
        }
    }

    /// Meticulous types require a strictly increasing sequence number on every packet.
    pub const fn is_meticulous(self) -> bool {
        matches!(self, Self::MeticulousKeyedMd5 | Self::MeticulousKeyedSha1)
    }

    /// Whether the section carries a sequence number and a digest.
    pub const fn is_keyed(self) -> bool {
        !matches!(self, Self::SimplePassword)
    }

    /// Longest secret this type carries.
    pub const fn max_secret_len(self) -> usize {
        match self {
            Self::SimplePassword => MAX_PASSWORD_LEN,
            Self::KeyedMd5 | Self::MeticulousKeyedMd5 => MD5_DIGEST_LEN,
            Self::KeyedSha1 | Self::MeticulousKeyedSha1 => SHA1_HASH_LEN,
        }
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SimplePassword => "Simple Password",
            Self::KeyedMd5 => "Keyed MD5",
            Self::MeticulousKeyedMd5 => "Meticulous Keyed MD5",
            Self::KeyedSha1 => "Keyed SHA1",
            Self::MeticulousKeyedSha1 => "Meticulous Keyed SHA1",
        })
    }
}

/// Fixed-capacity byte string (no allocation on the packet path).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bytes20 {
    buf: [u8; 20],
    len: u8,
}

impl Bytes20 {
    fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > 20 {
            return None;
        }
        let mut buf = [0; 20];
        buf[..bytes.len()].copy_from_slice(bytes);
        Some(Self {
            buf,
            len: bytes.len() as u8,
        })
    }

    /// The stored octets.
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// The stored octets zero-padded to `N` (the digest-field form of §6.7.3/§6.7.4).
    fn padded<const N: usize>(&self) -> [u8; N] {
        let mut out = [0; N];
        let n = usize::from(self.len).min(N);
        out[..n].copy_from_slice(&self.buf[..n]);
        out
    }
}

impl fmt::Debug for Bytes20 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.as_slice() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// A parsed Authentication Section (the owned, high-level form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthSection {
    /// §4.2: the password travels in clear.
    SimplePassword {
        /// Auth Key ID.
        key_id: u8,
        /// 1..=16 octets.
        password: Bytes20,
    },
    /// §4.3: Keyed MD5 or Meticulous Keyed MD5.
    Md5 {
        /// Type 3 instead of 2.
        meticulous: bool,
        /// Auth Key ID.
        key_id: u8,
        /// Sequence Number.
        sequence: u32,
        /// Auth Key/Digest as received, or as computed by [`sign`].
        digest: [u8; MD5_DIGEST_LEN],
    },
    /// §4.4: Keyed SHA1 or Meticulous Keyed SHA1.
    Sha1 {
        /// Type 5 instead of 4.
        meticulous: bool,
        /// Auth Key ID.
        key_id: u8,
        /// Sequence Number.
        sequence: u32,
        /// Auth Key/Hash as received, or as computed by [`sign`].
        hash: [u8; SHA1_HASH_LEN],
    },
}

impl AuthSection {
    /// A section for `key` with sequence number `sequence` and a zero digest, to be filled by
    /// [`sign`] once the whole packet is emitted.
    pub fn unsigned(key: &AuthKey, sequence: u32) -> Self {
        match key.auth_type {
            AuthType::SimplePassword => Self::SimplePassword {
                key_id: key.key_id,
                password: key.secret,
            },
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => Self::Md5 {
                meticulous: key.auth_type.is_meticulous(),
                key_id: key.key_id,
                sequence,
                digest: [0; MD5_DIGEST_LEN],
            },
            AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => Self::Sha1 {
                meticulous: key.auth_type.is_meticulous(),
                key_id: key.key_id,
                sequence,
                hash: [0; SHA1_HASH_LEN],
            },
        }
    }

    /// The Auth Type octet this section carries.
    pub fn auth_type(&self) -> AuthType {
        match *self {
            Self::SimplePassword { .. } => AuthType::SimplePassword,
            Self::Md5 {
                meticulous: false, ..
            } => AuthType::KeyedMd5,
            Self::Md5 {
                meticulous: true, ..
            } => AuthType::MeticulousKeyedMd5,
            Self::Sha1 {
                meticulous: false, ..
            } => AuthType::KeyedSha1,
            Self::Sha1 {
                meticulous: true, ..
            } => AuthType::MeticulousKeyedSha1,
        }
    }

    /// Auth Key ID.
    pub fn key_id(&self) -> u8 {
        match *self {
            Self::SimplePassword { key_id, .. }
            | Self::Md5 { key_id, .. }
            | Self::Sha1 { key_id, .. } => key_id,
        }
    }

    /// Sequence Number, for the keyed types.
    pub fn sequence(&self) -> Option<u32> {
        match *self {
            Self::SimplePassword { .. } => None,
            Self::Md5 { sequence, .. } | Self::Sha1 { sequence, .. } => Some(sequence),
        }
    }

    /// Auth Len: octets this section occupies.
    pub fn auth_len(&self) -> u8 {
        match self {
            Self::SimplePassword { password, .. } => 3 + password.len,
            Self::Md5 { .. } => MD5_AUTH_LEN,
            Self::Sha1 { .. } => SHA1_AUTH_LEN,
        }
    }

    /// Parses the section from `bytes` = packet octets 24..Length.
    ///
    /// Checks what the section alone can show (§6.7.2–6.7.4 "Auth Len" rules); the key, the
    /// digest and the sequence window are checked by [`verify`] and the session.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let (&code, &auth_len) = match bytes {
            [code, len, ..] => (code, len),
            _ => {
                return Err(Error::LengthTooShort {
                    length: (AUTH_OFFSET + bytes.len()) as u8,
                    minimum: 26,
                });
            }
        };
        let auth_type =
            AuthType::from_code(code).ok_or(Error::UnknownAuthType { auth_type: code })?;
        let len_error = |expected| Error::AuthLen {
            auth_type,
            auth_len,
            expected,
            available: bytes.len(),
        };
        let len = usize::from(auth_len);
        match auth_type {
            AuthType::SimplePassword => {
                if !(4..=19).contains(&len) {
                    return Err(len_error("4..=19"));
                }
                let section = bytes.get(..len).ok_or_else(|| len_error("4..=19"))?;
                Ok(Self::SimplePassword {
                    key_id: section[field::KEY_ID],
                    password: Bytes20::new(&section[field::PASSWORD..])
                        .ok_or_else(|| len_error("4..=19"))?,
                })
            }
            AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => {
                let section = (auth_len == MD5_AUTH_LEN)
                    .then(|| bytes.get(..len))
                    .flatten()
                    .ok_or_else(|| len_error("24"))?;
                let mut digest = [0; MD5_DIGEST_LEN];
                digest.copy_from_slice(&section[field::DIGEST..]);
                Ok(Self::Md5 {
                    meticulous: auth_type.is_meticulous(),
                    key_id: section[field::KEY_ID],
                    sequence: read_u32(section, field::SEQUENCE),
                    digest,
                })
            }
            AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => {
                let section = (auth_len == SHA1_AUTH_LEN)
                    .then(|| bytes.get(..len))
                    .flatten()
                    .ok_or_else(|| len_error("28"))?;
                let mut hash = [0; SHA1_HASH_LEN];
                hash.copy_from_slice(&section[field::DIGEST..]);
                Ok(Self::Sha1 {
                    meticulous: auth_type.is_meticulous(),
                    key_id: section[field::KEY_ID],
                    sequence: read_u32(section, field::SEQUENCE),
                    hash,
                })
            }
        }
    }

    /// Writes the section into `out[..self.auth_len()]`. `out` must be long enough (the
    /// control packet's `emit` checks this once for the whole packet).
    pub(crate) fn emit(&self, out: &mut [u8]) {
        out[field::TYPE] = self.auth_type().code();
        out[field::LEN] = self.auth_len();
        out[field::KEY_ID] = self.key_id();
        match self {
            Self::SimplePassword { password, .. } => {
                out[field::PASSWORD..field::PASSWORD + password.as_slice().len()]
                    .copy_from_slice(password.as_slice());
            }
            Self::Md5 {
                sequence, digest, ..
            } => {
                out[field::RESERVED] = 0;
                out[field::SEQUENCE].copy_from_slice(&sequence.to_be_bytes());
                out[field::DIGEST..field::DIGEST + MD5_DIGEST_LEN].copy_from_slice(digest);
            }
            Self::Sha1 { sequence, hash, .. } => {
                out[field::RESERVED] = 0;
                out[field::SEQUENCE].copy_from_slice(&sequence.to_be_bytes());
                out[field::DIGEST..field::DIGEST + SHA1_HASH_LEN].copy_from_slice(hash);
            }
        }
    }
}

impl fmt::Display for AuthSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} key {}", self.auth_type(), self.key_id())?;
        if let Some(seq) = self.sequence() {
            write!(f, " seq {seq}")?;
        }
        Ok(())
    }
}

fn read_u32(bytes: &[u8], range: core::ops::Range<usize>) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&bytes[range]);
    u32::from_be_bytes(b)
}

/// A configured authentication key: `bfd.AuthType` plus one key of the key set.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthKey {
    auth_type: AuthType,
    key_id: u8,
    secret: Bytes20,
}

impl AuthKey {
    /// A key for `auth_type`. The secret is 1..=16 octets for simple password and MD5, 1..=20
    /// for SHA1 (shorter keys are zero-padded into the digest field, §6.7.3/§6.7.4).
    pub fn new(auth_type: AuthType, key_id: u8, secret: &[u8]) -> Result<Self, KeyError> {
        let max = auth_type.max_secret_len();
        if secret.is_empty() || secret.len() > max {
            return Err(KeyError {
                auth_type,
                len: secret.len(),
                max,
            });
        }
        Ok(Self {
            auth_type,
            key_id,
            secret: Bytes20::new(secret).expect("length checked above"),
        })
    }

    /// `bfd.AuthType`.
    pub fn auth_type(&self) -> AuthType {
        self.auth_type
    }

    /// Auth Key ID sent with this key.
    pub fn key_id(&self) -> u8 {
        self.key_id
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthKey")
            .field("auth_type", &self.auth_type)
            .field("key_id", &self.key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Computes the keyed digest of `packet` (octets 0..Length of a control packet whose
/// Authentication Section is already emitted) with the digest field taken as the padded secret.
fn keyed_digest<D: md5::Digest, const N: usize>(packet: &[u8], secret: &Bytes20) -> [u8; N] {
    let start = AUTH_OFFSET + field::DIGEST;
    let mut hasher = D::new();
    hasher.update(&packet[..start]);
    hasher.update(secret.padded::<N>());
    hasher.update(&packet[start + N..]);
    let mut out = [0; N];
    out.copy_from_slice(&hasher.finalize());
    out
}

fn digest_for(auth_type: AuthType, packet: &[u8], secret: &Bytes20) -> Option<Bytes20> {
    match auth_type {
        AuthType::SimplePassword => None,
        AuthType::KeyedMd5 | AuthType::MeticulousKeyedMd5 => {
            Bytes20::new(&keyed_digest::<Md5, MD5_DIGEST_LEN>(packet, secret))
        }
        AuthType::KeyedSha1 | AuthType::MeticulousKeyedSha1 => {
            Bytes20::new(&keyed_digest::<Sha1, SHA1_HASH_LEN>(packet, secret))
        }
    }
}

/// Fills the digest field of an emitted packet (§6.7.3/§6.7.4 transmission). `packet` is the
/// control packet cut to its Length; its section must be of `key`'s type. Simple password needs
/// no signing. Returns false (and writes nothing) when the packet has no matching section.
pub fn sign(packet: &mut [u8], key: &AuthKey) -> bool {
    if packet.get(AUTH_OFFSET) != Some(&key.auth_type.code()) {
        return false;
    }
    if !key.auth_type.is_keyed() {
        return true;
    }
    let start = AUTH_OFFSET + field::DIGEST;
    let n = key.auth_type.max_secret_len();
    if packet.len() < start + n {
        return false;
    }
    let Some(digest) = digest_for(key.auth_type, packet, &key.secret) else {
        return false;
    };
    packet[start..start + n].copy_from_slice(digest.as_slice());
    true
}

/// Authenticates a received packet against `key` (§6.7.2–6.7.4 reception, except the
/// sequence window, which needs session state: see [`sequence_in_window`]).
///
/// `packet` is the control packet cut to its Length, `section` its parsed section.
pub fn verify(packet: &[u8], section: &AuthSection, key: &AuthKey) -> Result<(), Error> {
    if section.auth_type() != key.auth_type {
        return Err(Error::AuthTypeMismatch {
            received: section.auth_type(),
            expected: key.auth_type,
        });
    }
    if section.key_id() != key.key_id {
        return Err(Error::AuthKeyId {
            key_id: section.key_id(),
        });
    }
    let received: &[u8] = match section {
        AuthSection::SimplePassword { password, .. } => {
            return if constant_time_eq(password.as_slice(), key.secret.as_slice()) {
                Ok(())
            } else {
                Err(Error::AuthPassword)
            };
        }
        AuthSection::Md5 { digest, .. } => digest,
        AuthSection::Sha1 { hash, .. } => hash,
    };
    if packet.len() < AUTH_OFFSET + field::DIGEST + received.len() {
        return Err(Error::AuthDigest {
            auth_type: key.auth_type,
        });
    }
    let computed = digest_for(key.auth_type, packet, &key.secret);
    match computed {
        Some(c) if constant_time_eq(c.as_slice(), received) => Ok(()),
        _ => Err(Error::AuthDigest {
            auth_type: key.auth_type,
        }),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The §6.7.3/§6.7.4 sequence window, modulo 2^32: with `bfd.RcvAuthSeq` = `last`, a keyed
/// type accepts `last..=last + 3 × detect_mult`, a meticulous type `last + 1..=last + 3 ×
/// detect_mult`. Returns the accepted range on failure, for the error.
pub fn sequence_in_window(
    sequence: u32,
    last: u32,
    detect_mult: u8,
    meticulous: bool,
) -> Result<(), (u32, u32)> {
    let low = last.wrapping_add(u32::from(meticulous));
    let high = last.wrapping_add(3 * u32::from(detect_mult));
    if sequence.wrapping_sub(low) <= high.wrapping_sub(low) {
        Ok(())
    } else {
        Err((low, high))
    }
}
