//! Session parameters from an frr-k8s BFD profile (`spec.bgp.bfdProfiles[]` of an
//! FRRConfiguration), with FRR's defaults for unset fields.

use bfd_proto::Config;
use bfd_proto::wire::auth::{AuthKey, AuthType};
use crd_model::BFDProfile;

/// FRR's defaults (bfdd 8.4): 300 ms, 300 ms, ×3, echo 50 ms, minimum TTL 254 for multihop.
pub const DEFAULT_INTERVAL_MS: u32 = 300;
/// FRR's default detect multiplier.
pub const DEFAULT_DETECT_MULTIPLIER: u32 = 3;
/// FRR's default echo interval.
pub const DEFAULT_ECHO_INTERVAL_MS: u32 = 50;
/// FRR's default minimum TTL of multihop sessions.
pub const DEFAULT_MINIMUM_TTL: u32 = 254;

/// A profile that cannot become a session configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("BFD profile {profile:?}: {field}: {message}")]
pub struct ProfileError {
    /// The profile's name.
    pub profile: String,
    /// The frr-k8s field name.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Builds the session configuration for `profile`. `multihop` selects the TTL rule: 255
/// exactly for single hop (RFC 5881 §5), `minimumTtl` (default 254) for multihop (RFC 5883).
/// Echo mode is advertised (Required Min Echo RX = `echoInterval`) but this tool does not
/// send echoes itself.
pub fn config_from_profile(
    profile: &BFDProfile,
    multihop: bool,
    auth: Option<AuthKey>,
) -> Result<Config, ProfileError> {
    let err = |field, message: String| ProfileError {
        profile: profile.name.clone(),
        field,
        message,
    };
    let interval = |field, v: Option<u32>, default| -> Result<u32, ProfileError> {
        let ms = v.unwrap_or(default);
        if !(10..=60_000).contains(&ms) {
            return Err(err(field, format!("{ms} ms is outside 10..=60000")));
        }
        Ok(ms * 1000)
    };
    let rx = interval(
        "receiveInterval",
        profile.receive_interval,
        DEFAULT_INTERVAL_MS,
    )?;
    let tx = interval(
        "transmitInterval",
        profile.transmit_interval,
        DEFAULT_INTERVAL_MS,
    )?;
    let echo = interval(
        "echoInterval",
        profile.echo_interval,
        DEFAULT_ECHO_INTERVAL_MS,
    )?;
    let mult = profile
        .detect_multiplier
        .unwrap_or(DEFAULT_DETECT_MULTIPLIER);
    let detect_mult = u8::try_from(mult)
        .ok()
        .filter(|m| *m >= 2)
        .ok_or_else(|| err("detectMultiplier", format!("{mult} is outside 2..=255")))?;
    let minimum_ttl = if multihop {
        let t = profile.minimum_ttl.unwrap_or(DEFAULT_MINIMUM_TTL);
        u8::try_from(t)
            .ok()
            .filter(|t| (1..=254).contains(t))
            .ok_or_else(|| err("minimumTtl", format!("{t} is outside 1..=254")))?
    } else {
        255
    };
    Ok(Config {
        desired_min_tx_interval: tx,
        required_min_rx_interval: rx,
        required_min_echo_rx_interval: if profile.echo_mode == Some(true) {
            echo
        } else {
            0
        },
        detect_mult,
        passive: profile.passive_mode == Some(true),
        minimum_ttl,
        control_plane_independent: false,
        // The transport does not send echoes (that needs raw sockets); see the module docs.
        echo_transmit_interval: 0,
        auth,
    })
}

/// Parses an authentication type name as the CLI spells it.
pub fn parse_auth_type(s: &str) -> Result<AuthType, String> {
    Ok(match s {
        "simple" | "simple-password" => AuthType::SimplePassword,
        "keyed-md5" => AuthType::KeyedMd5,
        "meticulous-keyed-md5" => AuthType::MeticulousKeyedMd5,
        "keyed-sha1" => AuthType::KeyedSha1,
        "meticulous-keyed-sha1" => AuthType::MeticulousKeyedSha1,
        other => {
            return Err(format!(
                "unknown auth type {other:?} (simple, keyed-md5, meticulous-keyed-md5, keyed-sha1, meticulous-keyed-sha1)"
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> BFDProfile {
        BFDProfile {
            name: "fast".into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_frr_defaults() {
        let c = config_from_profile(&profile(), false, None).unwrap();
        assert_eq!(
            (
                c.desired_min_tx_interval,
                c.required_min_rx_interval,
                c.detect_mult
            ),
            (300_000, 300_000, 3)
        );
        assert_eq!(
            (c.minimum_ttl, c.required_min_echo_rx_interval, c.passive),
            (255, 0, false)
        );
        assert_eq!(
            config_from_profile(&profile(), true, None)
                .unwrap()
                .minimum_ttl,
            254
        );
    }

    #[test]
    fn fields_map_and_are_range_checked() {
        let p = BFDProfile {
            receive_interval: Some(100),
            transmit_interval: Some(200),
            detect_multiplier: Some(5),
            echo_interval: Some(40),
            echo_mode: Some(true),
            passive_mode: Some(true),
            minimum_ttl: Some(250),
            ..profile()
        };
        let c = config_from_profile(&p, true, None).unwrap();
        assert_eq!(
            (
                c.required_min_rx_interval,
                c.desired_min_tx_interval,
                c.detect_mult
            ),
            (100_000, 200_000, 5)
        );
        assert_eq!(
            (c.required_min_echo_rx_interval, c.passive, c.minimum_ttl),
            (40_000, true, 250)
        );
        let e = config_from_profile(
            &BFDProfile {
                receive_interval: Some(5),
                ..profile()
            },
            false,
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "BFD profile \"fast\": receiveInterval: 5 ms is outside 10..=60000"
        );
        let e = config_from_profile(
            &BFDProfile {
                detect_multiplier: Some(256),
                ..profile()
            },
            false,
            None,
        )
        .unwrap_err();
        assert_eq!(e.field, "detectMultiplier");
        let e = config_from_profile(
            &BFDProfile {
                minimum_ttl: Some(255),
                ..profile()
            },
            true,
            None,
        )
        .unwrap_err();
        assert_eq!(e.field, "minimumTtl");
        assert!(parse_auth_type("keyed-sha1").is_ok() && parse_auth_type("sha256").is_err());
    }
}
