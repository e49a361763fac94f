//! BFD (RFC 5880, 5881, 5883): control-packet codec with authentication and a sans-IO session.
//!
//! No sockets, no clocks: the caller feeds received packets and the current time, and polls for
//! packets to send, the next deadline and state changes.
#![forbid(unsafe_code)]
