//! Byte vectors for the control packet and every Authentication Section type.
//!
//! The digests were computed independently with Python's hashlib over the packet with the
//! digest field replaced by the zero-padded key (RFC 5880 §6.7.3/§6.7.4), then hard-coded.

use bfd_proto::wire::auth::{self, AuthKey, AuthSection, AuthType};
use bfd_proto::wire::{Packet, Repr};
use bfd_proto::{Diagnostic, Error, State};

/// Up, mult 3, my 0x11223344, your 0x55667788, 1 s / 1 s / no echo, no auth.
static PLAIN: [u8; 24] = [
    0x20, 0xc0, 0x03, 0x18, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00,
];

/// Simple password, key id 1, "secret".
static SIMPLE: [u8; 33] = [
    0x20, 0xc4, 0x03, 0x21, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x01, 0x09, 0x01, 0x73, 0x65, 0x63, 0x72, 0x65,
    0x74,
];

/// Keyed MD5, key id 2, seq 0x10, key "md5key".
static KEYED_MD5: [u8; 48] = [
    0x20, 0xc4, 0x03, 0x30, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x02, 0x18, 0x02, 0x00, 0x00, 0x00, 0x00, 0x10,
    0xdc, 0xe5, 0x9b, 0x74, 0x23, 0x82, 0x5d, 0x90, 0x25, 0xe5, 0x03, 0xe7, 0x05, 0xe3, 0x92, 0x2a,
];

/// Meticulous keyed MD5, key id 3, seq 0x11, key "md5key".
static METICULOUS_MD5: [u8; 48] = [
    0x20, 0xc4, 0x03, 0x30, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x03, 0x18, 0x03, 0x00, 0x00, 0x00, 0x00, 0x11,
    0x8d, 0x1b, 0x94, 0xe6, 0x3d, 0x47, 0x5e, 0xf6, 0x17, 0xb6, 0xf1, 0xae, 0xdb, 0xf2, 0x88, 0x38,
];

/// Keyed SHA1, key id 4, seq 0x20, key "sha1-secret-key".
static KEYED_SHA1: [u8; 52] = [
    0x20, 0xc4, 0x03, 0x34, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x04, 0x1c, 0x04, 0x00, 0x00, 0x00, 0x00, 0x20,
    0xaf, 0x3e, 0xb4, 0x9f, 0xe1, 0xbb, 0xf8, 0xa3, 0xc8, 0x79, 0xb5, 0x73, 0xc7, 0x95, 0x57, 0xb6,
    0x5a, 0x6f, 0x34, 0x49,
];

/// Meticulous keyed SHA1, key id 5, seq 0x21, key "sha1-secret-key".
static METICULOUS_SHA1: [u8; 52] = [
    0x20, 0xc4, 0x03, 0x34, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x0f, 0x42, 0x40,
    0x00, 0x0f, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x05, 0x1c, 0x05, 0x00, 0x00, 0x00, 0x00, 0x21,
    0xb4, 0xae, 0x14, 0x87, 0x50, 0xe4, 0xbd, 0x7a, 0x9f, 0x83, 0x39, 0x73, 0x0f, 0x11, 0x0f, 0x3a,
    0x48, 0xba, 0x74, 0xbb,
];

fn plain_repr() -> Repr {
    Repr {
        diagnostic: Diagnostic::NoDiagnostic,
        state: State::Up,
        poll: false,
        final_: false,
        control_plane_independent: false,
        demand: false,
        detect_mult: 3,
        my_discriminator: 0x1122_3344,
        your_discriminator: 0x5566_7788,
        desired_min_tx_interval: 1_000_000,
        required_min_rx_interval: 1_000_000,
        required_min_echo_rx_interval: 0,
        auth: None,
    }
}

#[test]
fn deconstruct_plain() {
    let p = Packet::new_checked(&PLAIN[..]).unwrap();
    assert_eq!(p.version(), 1);
    assert_eq!(p.diagnostic(), Diagnostic::NoDiagnostic);
    assert_eq!(p.state(), State::Up);
    assert!(!p.poll() && !p.final_() && !p.control_plane_independent());
    assert!(!p.auth_present() && !p.demand() && !p.multipoint());
    assert_eq!(p.detect_mult(), 3);
    assert_eq!(p.length(), 24);
    assert_eq!(p.my_discriminator(), 0x1122_3344);
    assert_eq!(p.your_discriminator(), 0x5566_7788);
    assert_eq!(p.desired_min_tx_interval(), 1_000_000);
    assert_eq!(p.required_min_rx_interval(), 1_000_000);
    assert_eq!(p.required_min_echo_rx_interval(), 0);
    assert!(p.auth_section().is_empty());
}

#[test]
fn construct_plain() {
    let mut buf = [0xffu8; 24];
    let mut p = Packet::new_unchecked(&mut buf[..]);
    p.set_version_diagnostic(1, Diagnostic::NoDiagnostic);
    p.set_state_clear_flags(State::Up);
    p.set_detect_mult(3);
    p.set_length(24);
    p.set_my_discriminator(0x1122_3344);
    p.set_your_discriminator(0x5566_7788);
    p.set_desired_min_tx_interval(1_000_000);
    p.set_required_min_rx_interval(1_000_000);
    p.set_required_min_echo_rx_interval(0);
    assert_eq!(buf, PLAIN);
}

#[test]
fn parse_and_emit_plain() {
    assert_eq!(Repr::parse_bytes(&PLAIN).unwrap(), plain_repr());
    let mut buf = [0u8; 64];
    let n = plain_repr().emit(&mut buf).unwrap();
    assert_eq!(&buf[..n], &PLAIN);
    assert_eq!(plain_repr().buffer_len(), 24);
    assert_eq!(
        plain_repr().to_string(),
        "BFD Up diag \"No Diagnostic\" mult 3 my 0x11223344 your 0x55667788 tx 1000000us rx 1000000us echo 0us"
    );
}

#[test]
fn flags_and_diag_bits() {
    let mut r = plain_repr();
    r.poll = true;
    r.control_plane_independent = true;
    r.demand = true;
    r.diagnostic = Diagnostic::AdministrativelyDown;
    r.state = State::Init;
    let b = r.to_bytes();
    assert_eq!(b[0], 0x20 | 7);
    assert_eq!(b[1], (2 << 6) | 0x20 | 0x08 | 0x02);
    let mut f = plain_repr();
    f.final_ = true;
    assert_eq!(f.to_bytes()[1], 0xc0 | 0x10);
    assert_eq!(Repr::parse_bytes(&b).unwrap(), r);
}

#[test]
fn emit_into_short_buffer_is_an_error() {
    let mut buf = [0u8; 23];
    let e = plain_repr().emit(&mut buf).unwrap_err();
    assert_eq!((e.need, e.have), (24, 23));
}

fn check_vector(bytes: &[u8], key: &AuthKey, expected: AuthSection) {
    let repr = Repr::parse_bytes(bytes).unwrap();
    assert_eq!(repr.auth, Some(expected));
    let packet = Packet::new_checked(bytes).unwrap();
    auth::verify(packet.as_packet_bytes(), &expected, key).unwrap();

    // Emitting the unsigned form and signing reproduces the independently computed bytes.
    let mut unsigned = repr;
    unsigned.auth = Some(AuthSection::unsigned(key, expected.sequence().unwrap_or(0)));
    let mut buf = [0u8; 64];
    let n = unsigned.emit_signed(&mut buf, Some(key)).unwrap();
    assert_eq!(&buf[..n], bytes);

    // Any flipped bit in the covered octets (or a wrong key) breaks verification. A simple
    // password covers only its own section (§6.7.2), the digests the whole packet.
    let first_covered = if key.auth_type().is_keyed() { 0 } else { 24 };
    for i in first_covered..bytes.len() {
        let mut tampered = bytes.to_vec();
        tampered[i] ^= 0x01;
        let Ok(r) = Repr::parse_bytes(&tampered) else {
            continue;
        };
        let Some(section) = r.auth else { continue };
        assert!(
            auth::verify(&tampered, &section, key).is_err(),
            "flip at offset {i} still verifies"
        );
    }
    let wrong = AuthKey::new(key.auth_type(), key.key_id(), b"wrong").unwrap();
    assert!(auth::verify(bytes, &expected, &wrong).is_err());
}

#[test]
fn simple_password_vector() {
    let key = AuthKey::new(AuthType::SimplePassword, 1, b"secret").unwrap();
    let AuthSection::SimplePassword { key_id, password } =
        Repr::parse_bytes(&SIMPLE).unwrap().auth.unwrap()
    else {
        panic!("not a simple password section");
    };
    assert_eq!((key_id, password.as_slice()), (1, &b"secret"[..]));
    check_vector(&SIMPLE, &key, AuthSection::unsigned(&key, 0));
    let wrong = AuthKey::new(AuthType::SimplePassword, 1, b"secre").unwrap();
    assert_eq!(
        auth::verify(&SIMPLE, &AuthSection::unsigned(&key, 0), &wrong),
        Err(Error::AuthPassword)
    );
}

#[test]
fn keyed_md5_vector() {
    let key = AuthKey::new(AuthType::KeyedMd5, 2, b"md5key").unwrap();
    let digest = *b"\xdc\xe5\x9b\x74\x23\x82\x5d\x90\x25\xe5\x03\xe7\x05\xe3\x92\x2a";
    check_vector(
        &KEYED_MD5,
        &key,
        AuthSection::Md5 {
            meticulous: false,
            key_id: 2,
            sequence: 0x10,
            digest,
        },
    );
}

#[test]
fn meticulous_keyed_md5_vector() {
    let key = AuthKey::new(AuthType::MeticulousKeyedMd5, 3, b"md5key").unwrap();
    let digest = *b"\x8d\x1b\x94\xe6\x3d\x47\x5e\xf6\x17\xb6\xf1\xae\xdb\xf2\x88\x38";
    check_vector(
        &METICULOUS_MD5,
        &key,
        AuthSection::Md5 {
            meticulous: true,
            key_id: 3,
            sequence: 0x11,
            digest,
        },
    );
}

#[test]
fn keyed_sha1_vector() {
    let key = AuthKey::new(AuthType::KeyedSha1, 4, b"sha1-secret-key").unwrap();
    let hash = *b"\xaf\x3e\xb4\x9f\xe1\xbb\xf8\xa3\xc8\x79\xb5\x73\xc7\x95\x57\xb6\x5a\x6f\x34\x49";
    check_vector(
        &KEYED_SHA1,
        &key,
        AuthSection::Sha1 {
            meticulous: false,
            key_id: 4,
            sequence: 0x20,
            hash,
        },
    );
}

#[test]
fn meticulous_keyed_sha1_vector() {
    let key = AuthKey::new(AuthType::MeticulousKeyedSha1, 5, b"sha1-secret-key").unwrap();
    let hash = *b"\xb4\xae\x14\x87\x50\xe4\xbd\x7a\x9f\x83\x39\x73\x0f\x11\x0f\x3a\x48\xba\x74\xbb";
    check_vector(
        &METICULOUS_SHA1,
        &key,
        AuthSection::Sha1 {
            meticulous: true,
            key_id: 5,
            sequence: 0x21,
            hash,
        },
    );
}

#[test]
fn verify_rejects_other_type_and_key_id() {
    let sha = AuthKey::new(AuthType::KeyedSha1, 4, b"sha1-secret-key").unwrap();
    let section = Repr::parse_bytes(&KEYED_MD5).unwrap().auth.unwrap();
    assert_eq!(
        auth::verify(&KEYED_MD5, &section, &sha),
        Err(Error::AuthTypeMismatch {
            received: AuthType::KeyedMd5,
            expected: AuthType::KeyedSha1
        })
    );
    let md5_other_id = AuthKey::new(AuthType::KeyedMd5, 9, b"md5key").unwrap();
    assert_eq!(
        auth::verify(&KEYED_MD5, &section, &md5_other_id),
        Err(Error::AuthKeyId { key_id: 2 })
    );
}

#[test]
fn key_lengths_are_bounded_per_type() {
    assert!(AuthKey::new(AuthType::SimplePassword, 0, b"").is_err());
    assert!(AuthKey::new(AuthType::SimplePassword, 0, &[1; 16]).is_ok());
    assert!(AuthKey::new(AuthType::SimplePassword, 0, &[1; 17]).is_err());
    assert!(AuthKey::new(AuthType::KeyedMd5, 0, &[1; 17]).is_err());
    assert!(AuthKey::new(AuthType::KeyedSha1, 0, &[1; 20]).is_ok());
    let e = AuthKey::new(AuthType::MeticulousKeyedSha1, 0, &[1; 21]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Meticulous Keyed SHA1 key of 21 octets: must be 1..=20 octets"
    );
    assert!(
        !format!(
            "{:?}",
            AuthKey::new(AuthType::KeyedSha1, 0, b"topsecret").unwrap()
        )
        .contains("topsecret")
    );
}

#[test]
fn sequence_windows() {
    use auth::sequence_in_window as w;
    // Keyed: last..=last+3*mult.
    assert!(w(100, 100, 3, false).is_ok());
    assert!(w(109, 100, 3, false).is_ok());
    assert_eq!(w(110, 100, 3, false), Err((100, 109)));
    assert!(w(99, 100, 3, false).is_err());
    // Meticulous: strictly increasing.
    assert_eq!(w(100, 100, 3, true), Err((101, 109)));
    assert!(w(101, 100, 3, true).is_ok());
    // Wrap-around modulo 2^32.
    assert!(w(2, u32::MAX - 1, 3, true).is_ok());
    assert!(w(u32::MAX, u32::MAX - 1, 1, true).is_ok());
    assert!(w(2, u32::MAX - 1, 1, true).is_err());
}

/// One vector per stateless §6.8.6 discard rule, each a one-field edit of a valid packet.
#[test]
fn discard_rules() {
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = PLAIN.to_vec();
        f(&mut b);
        Repr::parse_bytes(&b)
    };
    assert_eq!(
        Repr::parse_bytes(&PLAIN[..23]),
        Err(Error::Truncated { len: 23 })
    );
    let e = with(&|b| b[0] = (2 << 5) | (b[0] & 0x1f)).unwrap_err();
    assert_eq!(e, Error::Version { version: 2 });
    assert_eq!(e.offset(), Some(0));
    assert_eq!(
        with(&|b| b[3] = 23),
        Err(Error::LengthTooShort {
            length: 23,
            minimum: 24
        })
    );
    assert_eq!(
        with(&|b| {
            b[1] |= 0x04;
            b[3] = 25;
            b.push(1);
        }),
        Err(Error::LengthTooShort {
            length: 25,
            minimum: 26
        })
    );
    assert_eq!(
        with(&|b| b[3] = 25),
        Err(Error::LengthExceedsPayload {
            length: 25,
            payload: 24
        })
    );
    let e = with(&|b| b[2] = 0).unwrap_err();
    assert_eq!((e.clone(), e.offset()), (Error::DetectMultZero, Some(2)));
    assert_eq!(with(&|b| b[1] |= 0x01), Err(Error::Multipoint));
    assert_eq!(with(&|b| b[4..8].fill(0)), Err(Error::MyDiscriminatorZero));
    for state in [State::Init, State::Up] {
        assert_eq!(
            with(&|b| {
                b[8..12].fill(0);
                b[1] = state.code() << 6;
            }),
            Err(Error::YourDiscriminatorZero { state })
        );
    }
    for state in [State::Down, State::AdminDown] {
        let r = with(&|b| {
            b[8..12].fill(0);
            b[1] = state.code() << 6;
        })
        .unwrap();
        assert_eq!((r.state, r.your_discriminator), (state, 0));
    }
    // Extra octets past a plain packet's Length are ignored (Length is authoritative).
    let mut long = PLAIN.to_vec();
    long.extend_from_slice(&[0xee; 8]);
    assert_eq!(Repr::parse_bytes(&long).unwrap(), plain_repr());
}

#[test]
fn auth_section_discard_rules() {
    let with = |base: &[u8], f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = base.to_vec();
        f(&mut b);
        Repr::parse_bytes(&b)
    };
    for t in [0u8, 6, 255] {
        let e = with(&SIMPLE, &|b| b[24] = t).unwrap_err();
        assert_eq!(e, Error::UnknownAuthType { auth_type: t });
        assert_eq!(e.offset(), Some(24));
    }
    // Simple password: Auth Len 4..=19 and within Length.
    assert!(matches!(
        with(&SIMPLE, &|b| b[25] = 3),
        Err(Error::AuthLen { auth_len: 3, .. })
    ));
    assert!(matches!(
        with(&SIMPLE, &|b| b[25] = 10),
        Err(Error::AuthLen {
            auth_len: 10,
            available: 9,
            ..
        })
    ));
    // A password shorter than the packet is fine: Length may cover padding.
    assert!(with(&SIMPLE, &|b| b[25] = 4).is_ok());
    // MD5 needs exactly 24, SHA1 exactly 28.
    let e = with(&KEYED_MD5, &|b| b[25] = 28).unwrap_err();
    assert!(matches!(
        e,
        Error::AuthLen {
            auth_type: AuthType::KeyedMd5,
            expected: "24",
            ..
        }
    ));
    assert_eq!(e.offset(), Some(25));
    assert!(matches!(
        with(&KEYED_SHA1, &|b| b[25] = 24),
        Err(Error::AuthLen { expected: "28", .. })
    ));
    // SHA1 Auth Len claims 28 but Length cuts the section short.
    assert!(matches!(
        with(&KEYED_SHA1, &|b| {
            b[3] = 50;
            b.truncate(50);
        }),
        Err(Error::AuthLen { available: 26, .. })
    ));
    // Auth Len 2 with A bit: the section has no room for a key id.
    assert!(matches!(
        with(&PLAIN, &|b| {
            b[1] |= 0x04;
            b[3] = 26;
            b.extend_from_slice(&[1, 2]);
        }),
        Err(Error::AuthLen { .. })
    ));
}

#[test]
fn display_of_invalid_packet_names_the_error() {
    let mut b = PLAIN;
    b[2] = 0;
    let p = Packet::new_unchecked(&b[..]);
    assert_eq!(
        p.to_string(),
        "BFD invalid control packet (Detect Mult at offset 2 is zero)"
    );
}
