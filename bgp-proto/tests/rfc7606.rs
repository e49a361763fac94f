//! RFC 7606 revised error handling: one test per rule, on UPDATEs built byte by byte from the
//! RFC layouts.

use bgp_proto::wire::attribute::{PathAttribute, UnknownAttribute, flags};
use bgp_proto::wire::update::{Update, UpdateView};
use bgp_proto::{Action, AfiSafi, DecodeError, ErrorKind, Message, MessageError, SessionContext};

const ORIGIN_IGP: [u8; 4] = [0x40, 1, 1, 0];
const NEXT_HOP: [u8; 7] = [0x40, 3, 4, 192, 0, 2, 1];
const NLRI_10_24: [u8; 4] = [24, 10, 0, 0];

fn attr(fl: u8, t: u8, v: &[u8]) -> Vec<u8> {
    let mut a = vec![fl, t];
    if fl & flags::EXTENDED_LENGTH != 0 {
        a.extend_from_slice(&(v.len() as u16).to_be_bytes());
    } else {
        a.push(v.len() as u8);
    }
    a.extend_from_slice(v);
    a
}

fn as_path4(asns: &[u32]) -> Vec<u8> {
    let mut v = vec![2, asns.len() as u8];
    asns.iter()
        .for_each(|a| v.extend_from_slice(&a.to_be_bytes()));
    attr(0x40, 2, &v)
}

fn msg(withdrawn: &[u8], attrs: &[u8], nlri: &[u8]) -> Vec<u8> {
    let mut m = vec![0xff; 16];
    let len = 23 + withdrawn.len() + attrs.len() + nlri.len();
    m.extend_from_slice(&(len as u16).to_be_bytes());
    m.push(2);
    m.extend_from_slice(&(withdrawn.len() as u16).to_be_bytes());
    m.extend_from_slice(withdrawn);
    m.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    m.extend_from_slice(attrs);
    m.extend_from_slice(nlri);
    m
}

/// Mandatory attributes plus `extra`.
fn base_attrs(extra: &[&[u8]]) -> Vec<u8> {
    let mut a = ORIGIN_IGP.to_vec();
    a.extend(as_path4(&[65001, 65002]));
    a.extend_from_slice(&NEXT_HOP);
    extra.iter().for_each(|e| a.extend_from_slice(e));
    a
}

fn ctx() -> SessionContext {
    SessionContext::four_octet()
}

fn decode(m: &[u8]) -> (Update, Vec<DecodeError>) {
    match Message::decode(m, &ctx()) {
        Ok(d) => match d.message {
            Message::Update(u) => (u, d.errors),
            other => panic!("not an update: {other:?}"),
        },
        Err(e) => panic!("fatal: {e}"),
    }
}

fn fatal(m: &[u8]) -> DecodeError {
    match Message::decode(m, &ctx()) {
        Err(MessageError::Malformed(e)) => e,
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

fn single(errors: &[DecodeError]) -> &DecodeError {
    assert_eq!(errors.len(), 1, "{errors:?}");
    &errors[0]
}

#[test]
fn well_formed_update_has_no_errors() {
    let (u, errors) = decode(&msg(&[], &base_attrs(&[]), &NLRI_10_24));
    assert!(errors.is_empty());
    assert_eq!(u.nlri.len(), 1);
    assert_eq!(u.as_path().unwrap().to_string(), "65001 65002");
}

#[test]
fn duplicate_attribute_is_discarded_rule_3g() {
    let med1 = attr(0x80, 4, &[0, 0, 0, 1]);
    let med2 = attr(0x80, 4, &[0, 0, 0, 2]);
    let m = msg(&[], &base_attrs(&[&med1, &med2]), &NLRI_10_24);
    let (u, errors) = decode(&m);
    let e = single(&errors);
    assert_eq!(
        (e.kind.clone(), e.attr_type, e.action.clone()),
        (
            ErrorKind::DuplicateAttribute,
            Some(4),
            Action::AttributeDiscard
        )
    );
    let med2_off = 19 + 4 + base_attrs(&[&med1]).len();
    assert_eq!(e.offset, med2_off);
    assert_eq!(u.med(), Some(1), "the first instance is kept");
}

#[test]
fn duplicate_mp_reach_resets_session_rule_3g() {
    let mp = attr(
        0x80,
        14,
        &[
            0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 32, 0x20, 1,
            0xd, 0xb8,
        ],
    );
    let e = fatal(&msg(&[], &base_attrs(&[&mp, &mp]), &[]));
    assert_eq!(e.kind, ErrorKind::DuplicateAttribute);
    assert_eq!(e.notification().map(|n| (n.0, n.1)), Some((3, 1)));
}

#[test]
fn wrong_flags_treat_as_withdraw_rule_3c() {
    // ORIGIN marked optional.
    let mut a = vec![0xc0, 1, 1, 0];
    a.extend(as_path4(&[65001]));
    a.extend_from_slice(&NEXT_HOP);
    let (u, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    // The malformed ORIGIN counts as present: only the flags error is reported.
    let e = single(&errors);
    assert_eq!(e.kind, ErrorKind::AttributeFlags { flags: 0xc0 });
    assert_eq!(
        (e.attr_type, e.offset, e.action.clone()),
        (Some(1), 23, Action::TreatAsWithdraw)
    );
    assert!(u.origin().is_none());
    // MED marked transitive.
    let (_, errors) = decode(&msg(
        &[],
        &base_attrs(&[&attr(0xc0, 4, &[0, 0, 0, 1])]),
        &NLRI_10_24,
    ));
    assert_eq!(single(&errors).action, Action::TreatAsWithdraw);
}

#[test]
fn wrong_flags_on_aggregator_discard_it() {
    let agg = attr(0x40, 7, &[0, 0, 0xfd, 0xe9, 10, 0, 0, 1]);
    let (u, errors) = decode(&msg(&[], &base_attrs(&[&agg]), &NLRI_10_24));
    assert_eq!(single(&errors).action, Action::AttributeDiscard);
    assert!(u.attribute(7).is_none());
}

#[test]
fn attribute_length_errors_take_each_attributes_action() {
    let cases: Vec<(Vec<u8>, u8, Action)> = vec![
        (attr(0x80, 4, &[0, 0, 1]), 4, Action::TreatAsWithdraw), // MED
        (attr(0x40, 5, &[0, 0, 0, 0, 1]), 5, Action::TreatAsWithdraw), // LOCAL_PREF
        (attr(0x40, 6, &[1]), 6, Action::AttributeDiscard),      // ATOMIC_AGGREGATE
        (
            attr(0xc0, 7, &[0, 1, 2, 3, 4, 5, 6]),
            7,
            Action::AttributeDiscard,
        ), // AGGREGATOR
        (attr(0xc0, 8, &[0, 1, 2, 3, 4]), 8, Action::TreatAsWithdraw), // COMMUNITIES
        (attr(0xc0, 8, &[]), 8, Action::TreatAsWithdraw),        // COMMUNITIES empty
        (attr(0x80, 9, &[1, 2, 3]), 9, Action::TreatAsWithdraw), // ORIGINATOR_ID
        (
            attr(0x80, 10, &[1, 2, 3, 4, 5]),
            10,
            Action::TreatAsWithdraw,
        ), // CLUSTER_LIST
        (attr(0xc0, 16, &[0; 7]), 16, Action::TreatAsWithdraw),  // EXTENDED_COMMUNITIES
        (attr(0xc0, 18, &[0; 6]), 18, Action::AttributeDiscard), // AS4_AGGREGATOR
        (attr(0xc0, 25, &[0; 19]), 25, Action::TreatAsWithdraw), // IPv6 ext communities
        (
            attr(0x80, 26, &[1, 0, 10, 0, 0, 0, 0, 0, 0, 0]),
            26,
            Action::AttributeDiscard,
        ), // AIGP
        (attr(0xc0, 32, &[0; 13]), 32, Action::TreatAsWithdraw), // LARGE_COMMUNITY
        (attr(0xc0, 35, &[0; 3]), 35, Action::TreatAsWithdraw),  // OTC
        (attr(0xc0, 22, &[0; 3]), 22, Action::TreatAsWithdraw),  // PMSI_TUNNEL
    ];
    for (a, t, action) in cases {
        let (u, errors) = decode(&msg(&[], &base_attrs(&[&a]), &NLRI_10_24));
        let e = single(&errors);
        assert_eq!(
            (e.attr_type, &e.action),
            (Some(t), &action),
            "type {t}: {e}"
        );
        assert!(u.attribute(t).is_none(), "type {t} must be left out");
    }
}

#[test]
fn origin_rules_7_1() {
    let mut a = vec![0x40, 1, 1, 3];
    a.extend(as_path4(&[65001]));
    a.extend_from_slice(&NEXT_HOP);
    let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    let e = single(&errors);
    assert_eq!(
        (e.kind.clone(), e.action.clone(), e.offset),
        (
            ErrorKind::InvalidOrigin { value: 3 },
            Action::TreatAsWithdraw,
            26
        )
    );
    let mut a = vec![0x40, 1, 2, 0, 0];
    a.extend(as_path4(&[65001]));
    a.extend_from_slice(&NEXT_HOP);
    let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    assert_eq!(
        single(&errors).kind,
        ErrorKind::AttributeLength { length: 2 }
    );
}

#[test]
fn as_path_malformations_7_2() {
    for bad in [&[5u8, 1, 0, 0, 0, 1][..], &[2, 0], &[2, 2, 0, 0, 0, 1]] {
        let mut a = ORIGIN_IGP.to_vec();
        a.extend(attr(0x40, 2, bad));
        a.extend_from_slice(&NEXT_HOP);
        let (u, errors) = decode(&msg(&[], &a, &NLRI_10_24));
        let e = single(&errors);
        assert_eq!(
            (e.attr_type, &e.action),
            (Some(2), &Action::TreatAsWithdraw),
            "{bad:?}"
        );
        assert!(
            matches!(e.kind, ErrorKind::MalformedAsPath { .. }),
            "{bad:?}: {e}"
        );
        assert!(u.as_path().is_none());
    }
    // AS4_PATH malformed: attribute discard (RFC 6793 §6).
    let as4 = attr(0xc0, 17, &[2, 0]);
    let (_, errors) = decode(&msg(&[], &base_attrs(&[&as4]), &NLRI_10_24));
    assert_eq!(single(&errors).action, Action::AttributeDiscard);
}

#[test]
fn next_hop_rules_7_3() {
    for nh in [[0, 0, 0, 0], [224, 0, 0, 1], [255, 255, 255, 255]] {
        let mut a = ORIGIN_IGP.to_vec();
        a.extend(as_path4(&[65001]));
        a.extend(attr(0x40, 3, &nh));
        let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
        let e = single(&errors);
        assert_eq!(
            (e.kind.clone(), e.action.clone()),
            (ErrorKind::InvalidNextHop, Action::TreatAsWithdraw),
            "{nh:?}"
        );
    }
    let mut a = ORIGIN_IGP.to_vec();
    a.extend(as_path4(&[65001]));
    a.extend(attr(0x40, 3, &[1, 2, 3, 4, 5]));
    let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    assert_eq!(
        single(&errors).kind,
        ErrorKind::AttributeLength { length: 5 }
    );
}

#[test]
fn missing_well_known_mandatory_rule_3d() {
    let mut a = ORIGIN_IGP.to_vec();
    a.extend(as_path4(&[65001]));
    let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    let e = single(&errors);
    assert_eq!(
        (e.kind.clone(), e.action.clone()),
        (
            ErrorKind::MissingWellKnown { type_code: 3 },
            Action::TreatAsWithdraw
        )
    );
    // No NLRI: nothing is mandatory (a withdrawal-only UPDATE).
    let (_, errors) = decode(&msg(&NLRI_10_24, &[], &[]));
    assert!(errors.is_empty());
    // MP_REACH only: ORIGIN and AS_PATH required, NEXT_HOP not (rule 3(h)).
    let mp = attr(
        0x80,
        14,
        &[
            0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 32, 0x20, 1,
            0xd, 0xb8,
        ],
    );
    let mut a = mp.clone();
    a.extend(as_path4(&[65001]));
    let (u, errors) = decode(&msg(&[], &a, &[]));
    assert_eq!(
        single(&errors).kind,
        ErrorKind::MissingWellKnown { type_code: 1 }
    );
    assert_eq!(u.mp_reach().unwrap().nlri.to_string(), "2001:db8::/32");
    let mut a = mp;
    a.extend_from_slice(&ORIGIN_IGP);
    a.extend(as_path4(&[65001]));
    assert!(decode(&msg(&[], &a, &[])).1.is_empty());
}

#[test]
fn nlri_length_errors_reset_the_session_5_3() {
    let e = fatal(&msg(&[], &base_attrs(&[]), &[33, 10, 0, 0, 0, 0]));
    assert_eq!(
        e.kind,
        ErrorKind::InvalidPrefixLength {
            length: 33,
            max: 32
        }
    );
    assert_eq!(e.notification().map(|n| (n.0, n.1)), Some((3, 10)));
    assert_eq!(e.offset, 19 + 4 + base_attrs(&[]).len());
    // Truncated prefix at the end of the NLRI field.
    let e = fatal(&msg(&[], &base_attrs(&[]), &[24, 10, 0]));
    assert!(matches!(e.kind, ErrorKind::Truncated { .. }));
    // Withdrawn routes with a bad prefix.
    let e = fatal(&msg(&[40, 1, 2, 3, 4, 5], &[], &[]));
    assert_eq!(
        e.kind,
        ErrorKind::InvalidPrefixLength {
            length: 40,
            max: 32
        }
    );
    assert_eq!(e.offset, 21);
}

#[test]
fn field_lengths_overrunning_the_message_reset_the_session() {
    let mut m = msg(&[], &base_attrs(&[]), &NLRI_10_24);
    m[19] = 0xff; // withdrawn routes length
    let e = fatal(&m);
    assert_eq!(e.notification().map(|n| (n.0, n.1)), Some((3, 1)));
    let mut m = msg(&[], &base_attrs(&[]), &NLRI_10_24);
    m[21] = 0xff; // total path attribute length
    assert_eq!(fatal(&m).notification().map(|n| (n.0, n.1)), Some((3, 1)));
}

#[test]
fn attribute_overrunning_the_attribute_field_is_treat_as_withdraw_4() {
    let mut a = base_attrs(&[]);
    a.extend_from_slice(&[0x80, 4, 9, 0, 0]); // MED claiming 9 octets, 2 present
    let (u, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    let e = single(&errors);
    assert_eq!(
        (e.attr_type, e.action.clone()),
        (Some(4), Action::TreatAsWithdraw)
    );
    assert_eq!(u.nlri.len(), 1, "the total length still locates the NLRI");
    // Fewer than 3 octets left for a header.
    let mut a = base_attrs(&[]);
    a.extend_from_slice(&[0x80, 4]);
    let (_, errors) = decode(&msg(&[], &a, &NLRI_10_24));
    assert!(matches!(single(&errors).kind, ErrorKind::Truncated { .. }));
}

#[test]
fn mp_reach_rules_7_11() {
    // Too short to hold AFI/SAFI: session reset, Optional Attribute Error, attribute as data.
    let mp = attr(0x80, 14, &[0, 2]);
    let e = fatal(&msg(&[], &base_attrs(&[&mp]), &[]));
    let (code, sub, data) = e.notification().unwrap();
    assert_eq!((code, sub, data), (3, 9, &mp[..]));
    assert_eq!(e.attr_type, Some(14));
    // Next hop length overrunning: the family is known, disable it.
    let mp = attr(0x80, 14, &[0, 2, 1, 40, 0x20, 1]);
    let (u, errors) = decode(&msg(&[], &base_attrs(&[&mp]), &[]));
    let e = single(&errors);
    assert_eq!(
        e.action,
        Action::AfiSafiDisable {
            afi: bgp_proto::Afi::IPV6,
            safi: bgp_proto::Safi::UNICAST
        }
    );
    assert!(u.mp_reach().is_none());
    // Bad IPv6 prefix length inside MP_REACH.
    let mp = attr(
        0x80,
        14,
        &[
            0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 129, 0x20,
        ],
    );
    let (_, errors) = decode(&msg(&[], &base_attrs(&[&mp]), &[]));
    assert!(matches!(
        single(&errors).action,
        Action::AfiSafiDisable { .. }
    ));
    // MP_UNREACH with a bad prefix.
    let mp = attr(0x80, 15, &[0, 1, 1, 24, 10]);
    let (_, errors) = decode(&msg(&[], &mp, &[]));
    assert_eq!(
        single(&errors).action,
        Action::AfiSafiDisable {
            afi: bgp_proto::Afi::IPV4,
            safi: bgp_proto::Safi::UNICAST
        }
    );
    // Wrong flags on MP_REACH (transitive): session reset.
    let mp = attr(0xc0, 15, &[0, 1, 1]);
    assert_eq!(
        fatal(&msg(&[], &mp, &[]))
            .notification()
            .map(|n| (n.0, n.1)),
        Some((3, 9))
    );
}

#[test]
fn unrecognized_well_known_resets_with_attribute_as_data() {
    let a = attr(0x40, 99, &[1, 2]);
    let e = fatal(&msg(&[], &base_attrs(&[&a]), &NLRI_10_24));
    assert_eq!(e.notification(), Some((3, 2, &a[..])));
}

#[test]
fn unknown_optional_attributes_are_kept_and_readvertised_with_partial() {
    let t = attr(0xc0, 99, &[1, 2, 3]);
    let nt = attr(0x80, 98, &[4]);
    let (u, errors) = decode(&msg(&[], &base_attrs(&[&t, &nt]), &NLRI_10_24));
    assert!(errors.is_empty());
    let unk = u.attribute(99).unwrap();
    assert_eq!(
        unk,
        &PathAttribute::Unknown(UnknownAttribute {
            flags: 0xc0,
            type_code: 99,
            value: vec![1, 2, 3]
        })
    );
    let re = unk.readvertised().unwrap();
    let mut out = Vec::new();
    re.encode(&ctx(), &mut out);
    assert_eq!(out, [0xe0, 99, 3, 1, 2, 3], "Partial bit set");
    assert!(
        u.attribute(98).unwrap().readvertised().is_none(),
        "non-transitive unknowns are not passed on"
    );
    // Round trip keeps flags as received.
    let bytes = Message::Update(u.clone()).to_bytes(&ctx()).unwrap();
    assert_eq!(decode(&bytes).0, u);
}

#[test]
fn extended_length_bit_is_accepted_on_any_attribute() {
    let med = attr(0x80 | flags::EXTENDED_LENGTH, 4, &[0, 0, 0, 7]);
    let (u, errors) = decode(&msg(&[], &base_attrs(&[&med]), &NLRI_10_24));
    assert!(errors.is_empty());
    assert_eq!(u.med(), Some(7));
}

#[test]
fn strongest_action_wins_3j() {
    let agg = attr(0xc0, 7, &[0; 3]);
    let comm = attr(0xc0, 8, &[0; 3]);
    let (_, errors) = decode(&msg(&[], &base_attrs(&[&agg, &comm]), &NLRI_10_24));
    assert_eq!(errors.len(), 2);
    assert_eq!(Action::strongest(&errors), Some(&Action::TreatAsWithdraw));
}

#[test]
fn end_of_rib_markers_rfc4724() {
    let v4 = msg(&[], &[], &[]);
    let (u, _) = decode(&v4);
    assert_eq!(u.end_of_rib(), Some(AfiSafi::IPV4_UNICAST));
    assert_eq!(
        UpdateView::new(&v4, &ctx()).unwrap().end_of_rib(),
        Some(AfiSafi::IPV4_UNICAST)
    );
    let v6 = msg(&[], &attr(0x80, 15, &[0, 2, 1]), &[]);
    let (u, _) = decode(&v6);
    assert_eq!(u.end_of_rib(), Some(AfiSafi::IPV6_UNICAST));
    assert_eq!(u.to_string(), "UPDATE End-of-RIB ipv6 unicast");
    assert_eq!(
        Message::Update(Update::end_of_rib_marker(AfiSafi::IPV6_UNICAST))
            .to_bytes(&ctx())
            .unwrap(),
        v6
    );
    assert_eq!(
        Message::Update(Update::end_of_rib_marker(AfiSafi::IPV4_UNICAST))
            .to_bytes(&ctx())
            .unwrap(),
        v4
    );
    let (u, _) = decode(&msg(&NLRI_10_24, &[], &[]));
    assert_eq!(u.end_of_rib(), None);
}

#[test]
fn view_rejects_what_it_cannot_iterate() {
    let mut a = base_attrs(&[]);
    a.extend_from_slice(&[0x80, 4, 9, 0, 0]);
    assert!(UpdateView::new(&msg(&[], &a, &NLRI_10_24), &ctx()).is_err());
    assert!(UpdateView::new(&msg(&[], &base_attrs(&[]), &[33, 1, 2, 3, 4, 5]), &ctx()).is_err());
}
