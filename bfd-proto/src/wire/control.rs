//! The BFD control packet (RFC 5880 §4.1).
//!
//! ```text
//!  0                   1                   2                   3
//! |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
//! |                       My Discriminator                        |
//! |                      Your Discriminator                       |
//! |                    Desired Min TX Interval                    |
//! |                   Required Min RX Interval                    |
//! |                 Required Min Echo RX Interval                 |
//! |            optional Authentication Section (§4.2–4.4)         |
//! ```

use core::fmt;

use super::auth::{self, AuthKey, AuthSection};
use crate::diagnostic::Diagnostic;
use crate::error::{BufferTooSmall, Error};
use crate::state::State;

mod field {
    use core::ops::Range;
    pub const VERS_DIAG: usize = 0;
    pub const FLAGS: usize = 1;
    pub const DETECT_MULT: usize = 2;
    pub const LENGTH: usize = 3;
    pub const MY_DISCR: Range<usize> = 4..8;
    pub const YOUR_DISCR: Range<usize> = 8..12;
    pub const DESIRED_MIN_TX: Range<usize> = 12..16;
    pub const REQUIRED_MIN_RX: Range<usize> = 16..20;
    pub const REQUIRED_MIN_ECHO_RX: Range<usize> = 20..24;
    pub const AUTH: usize = 24;
}

/// Size of the mandatory section.
pub const HEADER_LEN: usize = 24;
/// The only protocol version defined (RFC 5880).
pub const VERSION: u8 = 1;
/// Longest control packet: mandatory section plus the largest Authentication Section.
pub const MAX_LEN: usize = HEADER_LEN + auth::SHA1_AUTH_LEN as usize;

/// Masks of the flag bits in octet 1.
pub mod flags {
    /// Poll (P).
    pub const POLL: u8 = 0x20;
    /// Final (F).
    pub const FINAL: u8 = 0x10;
    /// Control Plane Independent (C).
    pub const CONTROL_PLANE_INDEPENDENT: u8 = 0x08;
    /// Authentication Present (A).
    pub const AUTH_PRESENT: u8 = 0x04;
    /// Demand (D).
    pub const DEMAND: u8 = 0x02;
    /// Multipoint (M).
    pub const MULTIPOINT: u8 = 0x01;
}

/// A checked, zero-copy view of a control packet.
#[derive(Debug, Clone)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without checks; getters may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        Self { buffer }
    }

    /// Wraps `buffer` after the structural §6.8.6 checks (in RFC order): at least 24 octets,
    /// version 1, Length not below 24 (26 with the A bit), Length within the buffer.
    /// After this every getter is in bounds.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let packet = Self::new_unchecked(buffer);
        packet.check_len()?;
        Ok(packet)
    }

    fn check_len(&self) -> Result<(), Error> {
        let data = self.buffer.as_ref();
        if data.len() < HEADER_LEN {
            return Err(Error::Truncated { len: data.len() });
        }
        if self.version() != VERSION {
            return Err(Error::Version {
                version: self.version(),
            });
        }
        let minimum = if self.auth_present() { 26 } else { 24 };
        let length = self.length();
        if length < minimum {
            return Err(Error::LengthTooShort { length, minimum });
        }
        if usize::from(length) > data.len() {
            return Err(Error::LengthExceedsPayload {
                length,
                payload: data.len(),
            });
        }
        Ok(())
    }

    /// Releases the buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn u32_at(&self, range: core::ops::Range<usize>) -> u32 {
        let mut b = [0; 4];
        b.copy_from_slice(&self.buffer.as_ref()[range]);
        u32::from_be_bytes(b)
    }

    /// Vers.
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[field::VERS_DIAG] >> 5
    }
    /// Diag.
    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic::from_code(self.buffer.as_ref()[field::VERS_DIAG])
    }
    /// Sta.
    pub fn state(&self) -> State {
        State::from_code(self.buffer.as_ref()[field::FLAGS] >> 6)
    }
    fn flag(&self, mask: u8) -> bool {
        self.buffer.as_ref()[field::FLAGS] & mask != 0
    }
    /// Poll (P).
    pub fn poll(&self) -> bool {
        self.flag(flags::POLL)
    }
    /// Final (F).
    pub fn final_(&self) -> bool {
        self.flag(flags::FINAL)
    }
    /// Control Plane Independent (C).
    pub fn control_plane_independent(&self) -> bool {
        self.flag(flags::CONTROL_PLANE_INDEPENDENT)
    }
    /// Authentication Present (A).
    pub fn auth_present(&self) -> bool {
        self.flag(flags::AUTH_PRESENT)
    }
    /// Demand (D).
    pub fn demand(&self) -> bool {
        self.flag(flags::DEMAND)
    }
    /// Multipoint (M).
    pub fn multipoint(&self) -> bool {
        self.flag(flags::MULTIPOINT)
    }
    /// Detect Mult.
    pub fn detect_mult(&self) -> u8 {
        self.buffer.as_ref()[field::DETECT_MULT]
    }
    /// Length (octets, including the Authentication Section).
    pub fn length(&self) -> u8 {
        self.buffer.as_ref()[field::LENGTH]
    }
    /// My Discriminator.
    pub fn my_discriminator(&self) -> u32 {
        self.u32_at(field::MY_DISCR)
    }
    /// Your Discriminator.
    pub fn your_discriminator(&self) -> u32 {
        self.u32_at(field::YOUR_DISCR)
    }
    /// Desired Min TX Interval (µs).
    pub fn desired_min_tx_interval(&self) -> u32 {
        self.u32_at(field::DESIRED_MIN_TX)
    }
    /// Required Min RX Interval (µs).
    pub fn required_min_rx_interval(&self) -> u32 {
        self.u32_at(field::REQUIRED_MIN_RX)
    }
    /// Required Min Echo RX Interval (µs).
    pub fn required_min_echo_rx_interval(&self) -> u32 {
        self.u32_at(field::REQUIRED_MIN_ECHO_RX)
    }
    /// Octets 24..Length: the Authentication Section when the A bit is set.
    pub fn auth_section(&self) -> &[u8] {
        &self.buffer.as_ref()[field::AUTH..usize::from(self.length())]
    }
    /// Octets 0..Length: what the digests cover.
    pub fn as_packet_bytes(&self) -> &[u8] {
        &self.buffer.as_ref()[..usize::from(self.length())]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_flag(&mut self, mask: u8, value: bool) {
        let b = &mut self.buffer.as_mut()[field::FLAGS];
        *b = if value { *b | mask } else { *b & !mask };
    }
    fn set_u32(&mut self, range: core::ops::Range<usize>, value: u32) {
        self.buffer.as_mut()[range].copy_from_slice(&value.to_be_bytes());
    }
    /// Sets Vers and Diag.
    pub fn set_version_diagnostic(&mut self, version: u8, diagnostic: Diagnostic) {
        self.buffer.as_mut()[field::VERS_DIAG] = (version << 5) | diagnostic.code();
    }
    /// Sets Sta and clears every flag.
    pub fn set_state_clear_flags(&mut self, state: State) {
        self.buffer.as_mut()[field::FLAGS] = state.code() << 6;
    }
    /// Sets Poll (P).
    pub fn set_poll(&mut self, value: bool) {
        self.set_flag(flags::POLL, value);
    }
    /// Sets Final (F).
    pub fn set_final(&mut self, value: bool) {
        self.set_flag(flags::FINAL, value);
    }
    /// Sets Control Plane Independent (C).
    pub fn set_control_plane_independent(&mut self, value: bool) {
        self.set_flag(flags::CONTROL_PLANE_INDEPENDENT, value);
    }
    /// Sets Authentication Present (A).
    pub fn set_auth_present(&mut self, value: bool) {
        self.set_flag(flags::AUTH_PRESENT, value);
    }
    /// Sets Demand (D).
    pub fn set_demand(&mut self, value: bool) {
        self.set_flag(flags::DEMAND, value);
    }
    /// Sets Multipoint (M).
    pub fn set_multipoint(&mut self, value: bool) {
        self.set_flag(flags::MULTIPOINT, value);
    }
    /// Sets Detect Mult.
    pub fn set_detect_mult(&mut self, value: u8) {
        self.buffer.as_mut()[field::DETECT_MULT] = value;
    }
    /// Sets Length.
    pub fn set_length(&mut self, value: u8) {
        self.buffer.as_mut()[field::LENGTH] = value;
    }
    /// Sets My Discriminator.
    pub fn set_my_discriminator(&mut self, value: u32) {
        self.set_u32(field::MY_DISCR, value);
    }
    /// Sets Your Discriminator.
    pub fn set_your_discriminator(&mut self, value: u32) {
        self.set_u32(field::YOUR_DISCR, value);
    }
    /// Sets Desired Min TX Interval (µs).
    pub fn set_desired_min_tx_interval(&mut self, value: u32) {
        self.set_u32(field::DESIRED_MIN_TX, value);
    }
    /// Sets Required Min RX Interval (µs).
    pub fn set_required_min_rx_interval(&mut self, value: u32) {
        self.set_u32(field::REQUIRED_MIN_RX, value);
    }
    /// Sets Required Min Echo RX Interval (µs).
    pub fn set_required_min_echo_rx_interval(&mut self, value: u32) {
        self.set_u32(field::REQUIRED_MIN_ECHO_RX, value);
    }
    /// Mutable octets 24.. (for the Authentication Section).
    pub fn auth_section_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::AUTH..]
    }
}

impl<T: AsRef<[u8]>> fmt::Display for Packet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Repr::parse(self) {
            Ok(repr) => repr.fmt(f),
            Err(e) => write!(f, "BFD invalid control packet ({e})"),
        }
    }
}

/// The owned, validated form of a control packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Diag.
    pub diagnostic: Diagnostic,
    /// Sta.
    pub state: State,
    /// Poll (P).
    pub poll: bool,
    /// Final (F).
    pub final_: bool,
    /// Control Plane Independent (C).
    pub control_plane_independent: bool,
    /// Demand (D).
    pub demand: bool,
    /// Detect Mult (never zero after `parse`).
    pub detect_mult: u8,
    /// My Discriminator (never zero after `parse`).
    pub my_discriminator: u32,
    /// Your Discriminator.
    pub your_discriminator: u32,
    /// Desired Min TX Interval (µs).
    pub desired_min_tx_interval: u32,
    /// Required Min RX Interval (µs).
    pub required_min_rx_interval: u32,
    /// Required Min Echo RX Interval (µs); zero means the sender does not loop echoes.
    pub required_min_echo_rx_interval: u32,
    /// The Authentication Section; the A bit is set iff this is `Some`.
    pub auth: Option<AuthSection>,
}

impl Repr {
    /// Validates the stateless §6.8.6 rules on a checked packet: Detect Mult, Multipoint,
    /// My Discriminator, Your Discriminator against State, and the Authentication Section's
    /// structure. Octets past the section (up to Length) are tolerated and not kept.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, Error> {
        packet.check_len()?;
        Self::parse_checked(packet)
    }

    /// `parse` for a packet that passed `check_len` already.
    pub(crate) fn parse_checked<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Self, Error> {
        // One bounds check for the mandatory section; the field reads below index a fixed array.
        let Some(h) = packet.buffer.as_ref().first_chunk::<HEADER_LEN>() else {
            return Err(Error::Truncated {
                len: packet.buffer.as_ref().len(),
            });
        };
        let be = |r: core::ops::Range<usize>| {
            u32::from_be_bytes([h[r.start], h[r.start + 1], h[r.start + 2], h[r.start + 3]])
        };
        let flags_octet = h[field::FLAGS];
        let detect_mult = h[field::DETECT_MULT];
        let my_discriminator = be(field::MY_DISCR);
        let your_discriminator = be(field::YOUR_DISCR);
        if detect_mult == 0 {
            return Err(Error::DetectMultZero);
        }
        if flags_octet & flags::MULTIPOINT != 0 {
            return Err(Error::Multipoint);
        }
        if my_discriminator == 0 {
            return Err(Error::MyDiscriminatorZero);
        }
        let state = State::from_code(flags_octet >> 6);
        if your_discriminator == 0 && !matches!(state, State::Down | State::AdminDown) {
            return Err(Error::YourDiscriminatorZero { state });
        }
        let auth = if flags_octet & flags::AUTH_PRESENT != 0 {
            Some(AuthSection::parse(packet.auth_section())?)
        } else {
            None
        };
        Ok(Self {
            diagnostic: Diagnostic::from_code(h[field::VERS_DIAG]),
            state,
            poll: flags_octet & flags::POLL != 0,
            final_: flags_octet & flags::FINAL != 0,
            control_plane_independent: flags_octet & flags::CONTROL_PLANE_INDEPENDENT != 0,
            demand: flags_octet & flags::DEMAND != 0,
            detect_mult,
            my_discriminator,
            your_discriminator,
            desired_min_tx_interval: be(field::DESIRED_MIN_TX),
            required_min_rx_interval: be(field::REQUIRED_MIN_RX),
            required_min_echo_rx_interval: be(field::REQUIRED_MIN_ECHO_RX),
            auth,
        })
    }

    /// `Packet::new_checked` then `parse`: the usual entry point for a received datagram.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::parse_checked(&Packet::new_checked(bytes)?)
    }

    /// Octets `emit` writes (also the Length field).
    pub fn buffer_len(&self) -> usize {
        HEADER_LEN + self.auth.map_or(0, |a| usize::from(a.auth_len()))
    }

    /// Writes the packet into `buf[..self.buffer_len()]` and returns that length. Digests are
    /// written as stored in `auth`; use [`Repr::emit_signed`] to compute them.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let len = self.buffer_len();
        let have = buf.len();
        let Some(out) = buf.get_mut(..len) else {
            return Err(BufferTooSmall { need: len, have });
        };
        let (header, auth_out) = out.split_at_mut(HEADER_LEN);
        let flag = |set: bool, mask: u8| if set { mask } else { 0 };
        let mut h = [0u8; HEADER_LEN];
        h[field::VERS_DIAG] = (VERSION << 5) | self.diagnostic.code();
        h[field::FLAGS] = (self.state.code() << 6)
            | flag(self.poll, flags::POLL)
            | flag(self.final_, flags::FINAL)
            | flag(
                self.control_plane_independent,
                flags::CONTROL_PLANE_INDEPENDENT,
            )
            | flag(self.auth.is_some(), flags::AUTH_PRESENT)
            | flag(self.demand, flags::DEMAND);
        h[field::DETECT_MULT] = self.detect_mult;
        h[field::LENGTH] = len as u8;
        h[field::MY_DISCR].copy_from_slice(&self.my_discriminator.to_be_bytes());
        h[field::YOUR_DISCR].copy_from_slice(&self.your_discriminator.to_be_bytes());
        h[field::DESIRED_MIN_TX].copy_from_slice(&self.desired_min_tx_interval.to_be_bytes());
        h[field::REQUIRED_MIN_RX].copy_from_slice(&self.required_min_rx_interval.to_be_bytes());
        h[field::REQUIRED_MIN_ECHO_RX]
            .copy_from_slice(&self.required_min_echo_rx_interval.to_be_bytes());
        header.copy_from_slice(&h);
        if let Some(section) = &self.auth {
            section.emit(auth_out);
        }
        Ok(len)
    }

    /// Emits and, for the keyed types, computes the digest with `key` (§6.7.3/§6.7.4).
    /// `self.auth` must have been built for `key` (see [`AuthSection::unsigned`]).
    pub fn emit_signed(
        &self,
        buf: &mut [u8],
        key: Option<&AuthKey>,
    ) -> Result<usize, BufferTooSmall> {
        let len = self.emit(buf)?;
        if let (Some(key), Some(_)) = (key, self.auth) {
            auth::sign(&mut buf[..len], key);
        }
        Ok(len)
    }

    /// Emits into a new vector.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut buf = vec![0; self.buffer_len()];
        let _ = self.emit(&mut buf);
        buf
    }
}

impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BFD {} diag \"{}\" mult {} my {:#010x} your {:#010x} tx {}us rx {}us echo {}us",
            self.state,
            self.diagnostic,
            self.detect_mult,
            self.my_discriminator,
            self.your_discriminator,
            self.desired_min_tx_interval,
            self.required_min_rx_interval,
            self.required_min_echo_rx_interval
        )?;
        for (set, name) in [
            (self.poll, " P"),
            (self.final_, " F"),
            (self.control_plane_independent, " C"),
            (self.demand, " D"),
        ] {
            if set {
                f.write_str(name)?;
            }
        }
        if let Some(auth) = &self.auth {
            write!(f, " auth {auth}")?;
        }
        Ok(())
    }
}
