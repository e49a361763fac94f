//! The owned types serialise (feature `serde`) and come back equal.
#![cfg(feature = "serde")]

use bgp_proto::wire::attribute::{Origin, PathAttribute};
use bgp_proto::wire::community::Community;
use bgp_proto::wire::nlri::Ipv4Prefix;
use bgp_proto::{Message, Notification, SessionContext, Update};

#[test]
fn update_and_notification_through_json() {
    let u = Update {
        withdrawn: vec![],
        attributes: vec![
            PathAttribute::Origin(Origin::Igp),
            PathAttribute::Communities([Community::new(65000, 1)].into_iter().collect()),
        ],
        nlri: vec![Ipv4Prefix::new("10.0.0.0/24".parse().unwrap())],
    };
    for m in [
        Message::Update(u),
        Message::Notification(Notification::administrative_shutdown("bye")),
    ] {
        let j = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Message>(&j).unwrap(), m, "{j}");
    }
    let ctx = SessionContext::four_octet();
    let j = serde_json::to_value(&ctx).unwrap();
    assert_eq!(j["four_octet_as"], true);
    assert!(
        serde_json::to_string(&Message::Keepalive)
            .unwrap()
            .contains("Keepalive")
    );
}
