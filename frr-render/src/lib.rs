//! A typed FRR configuration model rendered to the text FRR reads, byte-compatible with frr-k8s.
#![forbid(unsafe_code)]
