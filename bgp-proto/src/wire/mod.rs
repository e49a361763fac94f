//! Wire formats, one module per protocol unit.

pub mod as_path;
pub mod attribute;
pub mod capability;
pub mod codec;
pub mod community;
pub mod context;
pub mod error;
pub mod family;
pub mod header;
pub mod keepalive;
pub mod message;
pub mod nlri;
pub mod notification;
pub mod open;
pub mod route_refresh;
pub mod update;
