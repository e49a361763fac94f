//! Property tests: emit/parse are mirror images, and no byte string makes the decoder panic.

use bfd_proto::wire::Repr;
use bfd_proto::wire::auth::{self, AuthKey, AuthSection, AuthType};
use bfd_proto::{Diagnostic, State};
use proptest::prelude::*;

fn state() -> impl Strategy<Value = State> {
    (0u8..4).prop_map(State::from_code)
}

fn auth_section() -> impl Strategy<Value = Option<AuthSection>> {
    let key_type = prop_oneof![
        Just(AuthType::SimplePassword),
        Just(AuthType::KeyedMd5),
        Just(AuthType::MeticulousKeyedMd5),
        Just(AuthType::KeyedSha1),
        Just(AuthType::MeticulousKeyedSha1),
    ];
    let section = (
        key_type,
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 1..=16),
        any::<u32>(),
        any::<[u8; 20]>(),
    )
        .prop_map(|(t, id, secret, seq, digest)| {
            let key = AuthKey::new(t, id, &secret).unwrap();
            match AuthSection::unsigned(&key, seq) {
                AuthSection::Md5 {
                    meticulous,
                    key_id,
                    sequence,
                    ..
                } => AuthSection::Md5 {
                    meticulous,
                    key_id,
                    sequence,
                    digest: digest[..16].try_into().unwrap(),
                },
                AuthSection::Sha1 {
                    meticulous,
                    key_id,
                    sequence,
                    ..
                } => AuthSection::Sha1 {
                    meticulous,
                    key_id,
                    sequence,
                    hash: digest,
                },
                simple => simple,
            }
        });
    prop::option::of(section)
}

prop_compose! {
    fn valid_repr()(
        diag in 0u8..32,
        state in state(),
        flags in any::<[bool; 4]>(),
        detect_mult in 1u8..,
        my in 1u32..,
        your in any::<u32>(),
        intervals in any::<[u32; 3]>(),
        auth in auth_section(),
    ) -> Repr {
        let your = if your == 0 && matches!(state, State::Init | State::Up) { 1 } else { your };
        Repr {
            diagnostic: Diagnostic::from_code(diag),
            state,
            poll: flags[0],
            final_: flags[1],
            control_plane_independent: flags[2],
            demand: flags[3],
            detect_mult,
            my_discriminator: my,
            your_discriminator: your,
            desired_min_tx_interval: intervals[0],
            required_min_rx_interval: intervals[1],
            required_min_echo_rx_interval: intervals[2],
            auth,
        }
    }
}

proptest! {
    #[test]
    fn emit_then_parse_is_identity(repr in valid_repr()) {
        let bytes = repr.to_bytes();
        prop_assert_eq!(bytes.len(), repr.buffer_len());
        prop_assert_eq!(usize::from(bytes[3]), bytes.len());
        prop_assert_eq!(Repr::parse_bytes(&bytes), Ok(repr));
    }

    #[test]
    fn signed_packets_verify_with_their_key(repr in valid_repr(), secret in prop::collection::vec(any::<u8>(), 1..=16), t in 1u8..=5, id in any::<u8>()) {
        let key = AuthKey::new(AuthType::from_code(t).unwrap(), id, &secret).unwrap();
        let mut repr = repr;
        repr.auth = Some(AuthSection::unsigned(&key, 42));
        let mut buf = [0u8; 64];
        let n = repr.emit_signed(&mut buf, Some(&key)).unwrap();
        let parsed = Repr::parse_bytes(&buf[..n]).unwrap();
        prop_assert!(auth::verify(&buf[..n], &parsed.auth.unwrap(), &key).is_ok());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..80)) {
        if let Ok(repr) = Repr::parse_bytes(&bytes) {
            let again = repr.to_bytes();
            prop_assert_eq!(Repr::parse_bytes(&again), Ok(repr));
        }
    }

    #[test]
    fn mostly_valid_headers_never_panic(mut bytes in prop::collection::vec(any::<u8>(), 24..80), a in any::<bool>()) {
        // Steer towards the deeper checks: right version, plausible length, maybe the A bit.
        bytes[0] = (1 << 5) | (bytes[0] & 0x1f);
        bytes[1] = (bytes[1] & !0x05) | if a { 0x04 } else { 0 };
        bytes[3] = bytes.len() as u8;
        if let Ok(repr) = Repr::parse_bytes(&bytes) {
            prop_assert_eq!(Repr::parse_bytes(&repr.to_bytes()), Ok(repr));
        }
    }
}
