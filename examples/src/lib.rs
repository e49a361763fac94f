//! Shared glue for the suite's example binaries (controller, node agent, protocol tools).
//! The logic lives in the library crates; this crate only wires them to files, sockets and CLIs.
pub mod agent;
pub mod bfd;
pub mod controller;
pub mod decode;
pub mod lab;
pub mod native;
pub mod speaker;
