//! Kubernetes objects of the ingress stack: frr-k8s `FRRConfiguration` and OVN-Kubernetes
//! `RouteAdvertisements`, with loading, validation and label selection.
#![forbid(unsafe_code)]
