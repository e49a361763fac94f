//! Parsing FRR configuration text into a [`Policy`].
//!
//! The parser applies lines the way FRR applies them to its running configuration: entries
//! without `seq` are numbered by 5 after the highest one, an entry with an existing `seq` replaces
//! it, an entry equal to an existing one under another `seq` is ignored, prefixes with host bits
//! are truncated, standard community values are sorted and deduplicated, a second match or set
//! clause of the same kind replaces the first, and `continue N` is stored as `on-match goto N`.
//! Errors give the 1-based line and column of the offending token.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;

use crate::model::{
    Action, Afi, AsPathList, AsPathListEntry, Community, CommunityListEntry, CommunityListOf,
    CommunityMatcher, CommunitySet, ExtCommunity, IpNextHop, LargeCommunity, LargeCommunitySet,
    ListStyle, Match, OnMatch, Origin, PeerMatch, Policy, PrefixList, PrefixListEntry,
    PrefixMatcher, RouteMap, RouteMapEntry, Set, ValueAdjust,
};
use crate::regex::{compile_frr_regex, validate_as_path_regex};

/// A parse error located in the input text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) of the offending token, or one past the end of the line
    /// when a token is missing.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Parser settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Skip commands that are not policy objects (and the indented blocks under them, such as
    /// `router bgp`), so a whole `frr.conf` can be read. Off: such a line is an error.
    pub ignore_unknown: bool,
}

impl FromStr for Policy {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Parse policy objects from FRR configuration text (strict: unknown commands are errors).
pub fn parse(text: &str) -> Result<Policy, ParseError> {
    parse_with(text, &ParseOptions::default())
}

/// Parse with options.
pub fn parse_with(text: &str, opts: &ParseOptions) -> Result<Policy, ParseError> {
    let mut p = Parser {
        policy: Policy::default(),
        ctx: Ctx::Top,
        opts: opts.clone(),
    };
    for (i, raw) in text.lines().enumerate() {
        p.line(i + 1, raw)?;
    }
    Ok(p.policy)
}

#[derive(Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    col: usize,
}

/// The tokens of one line with a cursor; every error names a column.
struct Line<'a> {
    no: usize,
    toks: Vec<Tok<'a>>,
    pos: usize,
    end_col: usize,
}

impl<'a> Line<'a> {
    fn new(no: usize, raw: &'a str) -> Self {
        let mut toks = Vec::new();
        let mut col = 1;
        let mut start: Option<(usize, usize)> = None;
        for (bi, ch) in raw.char_indices() {
            if ch.is_whitespace() {
                if let Some((sb, sc)) = start.take() {
                    toks.push(Tok {
                        text: &raw[sb..bi],
                        col: sc,
                    });
                }
            } else if start.is_none() {
                start = Some((bi, col));
            }
            col += 1;
        }
        if let Some((sb, sc)) = start {
            toks.push(Tok {
                text: &raw[sb..],
                col: sc,
            });
        }
        Line {
            no,
            toks,
            pos: 0,
            end_col: col,
        }
    }

    fn err_at(&self, col: usize, msg: impl Into<String>) -> ParseError {
        ParseError {
            line: self.no,
            column: col,
            message: msg.into(),
        }
    }

    /// Error at the current token (or the end of the line).
    fn err(&self, msg: impl Into<String>) -> ParseError {
        let col = self.toks.get(self.pos).map_or(self.end_col, |t| t.col);
        self.err_at(col, msg)
    }

    fn peek(&self) -> Option<&'a str> {
        self.toks.get(self.pos).map(|t| t.text)
    }

    fn next(&mut self, what: &str) -> Result<Tok<'a>, ParseError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(*t)
            }
            None => Err(self.err(format!("incomplete command: expected {what}"))),
        }
    }

    fn expect(&mut self, kw: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(t) if t == kw => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(self.err(format!("expected `{kw}`, found `{t}`"))),
            None => Err(self.err(format!("incomplete command: expected `{kw}`"))),
        }
    }

    fn eat(&mut self, kw: &str) -> bool {
        if self.peek() == Some(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> Result<(), ParseError> {
        match self.toks.get(self.pos) {
            None => Ok(()),
            Some(t) => Err(self.err_at(t.col, format!("unexpected `{}`", t.text))),
        }
    }

    /// The rest of the line joined by single spaces (FRR's `LINE...`).
    fn rest(&mut self, what: &str) -> Result<(String, usize), ParseError> {
        if self.pos >= self.toks.len() {
            return Err(self.err(format!("incomplete command: expected {what}")));
        }
        let col = self.toks[self.pos].col;
        let s = self.toks[self.pos..]
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ");
        self.pos = self.toks.len();
        Ok((s, col))
    }

    fn number<T: TryFrom<u64>>(&mut self, what: &str, min: u64, max: u64) -> Result<T, ParseError> {
        let t = self.next(what)?;
        let v = parse_dec(t.text)
            .filter(|v| *v >= min && *v <= max)
            .ok_or_else(|| {
                self.err_at(
                    t.col,
                    format!("invalid {what} `{}`: expected {min}..={max}", t.text),
                )
            })?;
        T::try_from(v).map_err(|_| self.err_at(t.col, format!("invalid {what}")))
    }

    fn action(&mut self) -> Result<Action, ParseError> {
        let t = self.next("`permit` or `deny`")?;
        match t.text {
            "permit" => Ok(Action::Permit),
            "deny" => Ok(Action::Deny),
            o => Err(self.err_at(t.col, format!("expected `permit` or `deny`, found `{o}`"))),
        }
    }
}

fn parse_dec(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

enum Ctx {
    Top,
    /// Inside `route-map NAME ACTION SEQ`: indices into `policy.route_maps` and its entries.
    RouteMap(usize, usize),
    /// Inside an ignored block (`router bgp` ...).
    Unknown,
}

struct Parser {
    policy: Policy,
    ctx: Ctx,
    opts: ParseOptions,
}

const CLAUSE_WORDS: &[&str] = &[
    "match",
    "set",
    "call",
    "description",
    "on-match",
    "continue",
];

/// FRR's automatic sequence number: the highest one rounded down to a multiple of 5, plus 5.
fn next_seq(max: Option<u32>) -> Option<u32> {
    let m = u64::from(max.unwrap_or(0));
    let n = (m / 5) * 5 + 5;
    u32::try_from(n).ok()
}

impl Parser {
    fn line(&mut self, no: usize, raw: &str) -> Result<(), ParseError> {
        let mut l = Line::new(no, raw);
        let Some(first) = l.peek() else { return Ok(()) };
        if first.starts_with('!') || first.starts_with('#') {
            return Ok(());
        }
        let indented = raw.starts_with(|c: char| c.is_whitespace());
        match self.ctx {
            Ctx::RouteMap(m, e) if CLAUSE_WORDS.contains(&first) => {
                return self.clause(&mut l, m, e);
            }
            Ctx::RouteMap(..) if first == "exit" || first == "end" => {
                l.pos += 1;
                l.done()?;
                self.ctx = Ctx::Top;
                return Ok(());
            }
            Ctx::Unknown if indented || first.starts_with("exit") => return Ok(()),
            _ => {}
        }
        self.ctx = Ctx::Top;
        match first {
            "ip" | "ipv6" => {
                let afi = if first == "ip" { Afi::Ipv4 } else { Afi::Ipv6 };
                l.pos += 1;
                if l.peek() == Some("prefix-list") {
                    l.pos += 1;
                    return self.prefix_list(&mut l, afi);
                }
                self.unknown(&mut l)
            }
            "bgp" => {
                l.pos += 1;
                match l.peek() {
                    Some("community-list") => {
                        l.pos += 1;
                        self.community_list(&mut l)
                    }
                    Some("large-community-list") => {
                        l.pos += 1;
                        self.large_community_list(&mut l)
                    }
                    Some("extcommunity-list") => {
                        l.pos += 1;
                        self.ext_community_list(&mut l)
                    }
                    Some("as-path") => {
                        l.pos += 1;
                        l.expect("access-list")?;
                        self.as_path(&mut l)
                    }
                    _ => self.unknown(&mut l),
                }
            }
            "route-map" => {
                l.pos += 1;
                self.route_map(&mut l)
            }
            "end" | "exit" => Ok(()),
            _ => self.unknown(&mut l),
        }
    }

    fn unknown(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        if self.opts.ignore_unknown {
            self.ctx = Ctx::Unknown;
            return Ok(());
        }
        l.pos = 0;
        Err(l.err("unknown command (not a policy object)"))
    }

    fn prefix_list(&mut self, l: &mut Line<'_>, afi: Afi) -> Result<(), ParseError> {
        let name = l.next("prefix-list name")?.text.to_string();
        if l.eat("description") {
            let (d, _) = l.rest("description text")?;
            self.prefix_list_get(afi, &name).description = Some(d);
            return Ok(());
        }
        let seq = if l.eat("seq") {
            Some(l.number::<u32>("sequence number", 1, 4_294_967_295)?)
        } else {
            None
        };
        let action = l.action()?;
        let pt = l.next("prefix or `any`")?;
        let (afi, matcher) = if pt.text == "any" {
            (afi, PrefixMatcher::Any)
        } else {
            let prefix: IpNet = pt
                .text
                .parse()
                .map_err(|_| l.err_at(pt.col, format!("malformed prefix `{}`", pt.text)))?;
            let prefix = prefix.trunc();
            let pafi = Afi::of(&prefix);
            let max = u64::from(pafi.max_len());
            let (mut ge, mut le) = (None, None);
            while let Some(kw) = l.peek() {
                let col = l.toks[l.pos].col;
                match kw {
                    "ge" if ge.is_none() => {
                        l.pos += 1;
                        ge = Some((l.number::<u8>("ge value", 0, max)?, col));
                    }
                    "le" if le.is_none() => {
                        l.pos += 1;
                        le = Some((l.number::<u8>("le value", 0, max)?, col));
                    }
                    _ => break,
                }
            }
            l.done()?;
            let len = prefix.prefix_len();
            let bad = |col: usize| {
                l.err_at(
                    col,
                    format!(
                        "invalid prefix range for {}: make sure that mask length <= ge <= le",
                        crate::render::format_prefix(&prefix)
                    ),
                )
            };
            if let Some((g, c)) = ge
                && g < len
            {
                return Err(bad(c));
            }
            if let Some((lv, c)) = le
                && (lv < len || ge.is_some_and(|(g, _)| g > lv))
            {
                return Err(bad(c));
            }
            (
                pafi,
                PrefixMatcher::Prefix {
                    prefix,
                    ge: ge.map(|g| g.0),
                    le: le.map(|x| x.0),
                },
            )
        };
        l.done()?;
        let list = self.prefix_list_get(afi, &name);
        if list
            .entries
            .iter()
            .any(|e| e.action == action && e.matcher == matcher && Some(e.seq) != seq)
        {
            return Ok(()); // FRR ignores a duplicate entry.
        }
        let seq = match seq {
            Some(s) => s,
            None => next_seq(list.entries.iter().map(|e| e.seq).max())
                .ok_or_else(|| l.err_at(pt.col, "automatic sequence number out of range"))?,
        };
        let entry = PrefixListEntry {
            seq,
            action,
            matcher,
        };
        insert_by_seq(&mut list.entries, entry, |e| e.seq);
        Ok(())
    }

    fn prefix_list_get(&mut self, afi: Afi, name: &str) -> &mut PrefixList {
        let idx = match self
            .policy
            .prefix_lists
            .iter()
            .position(|p| p.afi == afi && p.name == name)
        {
            Some(i) => i,
            None => {
                self.policy.prefix_lists.push(PrefixList {
                    name: name.to_string(),
                    afi,
                    description: None,
                    entries: Vec::new(),
                });
                self.policy.prefix_lists.len() - 1
            }
        };
        &mut self.policy.prefix_lists[idx]
    }

    /// `[standard|expanded] NAME [seq N] ACTION` common to the three community-list kinds.
    fn clist_head(
        l: &mut Line<'_>,
        seq_min: u64,
    ) -> Result<(String, ListStyle, Option<u32>, Action), ParseError> {
        let t = l.next("`standard`, `expanded` or a list number")?;
        let (name, style) = match t.text {
            "standard" => (l.next("list name")?.text.to_string(), ListStyle::Standard),
            "expanded" => (l.next("list name")?.text.to_string(), ListStyle::Expanded),
            n => match parse_dec(n).filter(|_| !n.starts_with('0')) {
                Some(1..=99) => (n.to_string(), ListStyle::Standard),
                Some(100..=500) => (n.to_string(), ListStyle::Expanded),
                _ => {
                    return Err(l.err_at(
                        t.col,
                        format!(
                            "expected `standard`, `expanded`, 1..=99 or 100..=500, found `{n}`"
                        ),
                    ));
                }
            },
        };
        let seq = if l.eat("seq") {
            Some(l.number::<u32>("sequence number", seq_min, 4_294_967_295)?)
        } else {
            None
        };
        let action = l.action()?;
        Ok((name, style, seq, action))
    }

    fn community_list(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        let (name, style, seq, action) = Self::clist_head(l, 0)?;
        let matcher = clist_values(l, style, |t| {
            t.parse::<Community>().map_err(|e| e.to_string())
        })?;
        let lists = &mut self.policy.community_lists;
        clist_add(l, lists, name, seq, action, matcher)
    }

    fn large_community_list(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        let (name, style, seq, action) = Self::clist_head(l, 0)?;
        let matcher = clist_values(l, style, |t| {
            t.parse::<LargeCommunity>().map_err(|e| e.to_string())
        })?;
        let lists = &mut self.policy.large_community_lists;
        clist_add(l, lists, name, seq, action, matcher)
    }

    fn ext_community_list(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        let (name, style, seq, action) = Self::clist_head(l, 0)?;
        let matcher = match style {
            ListStyle::Expanded => {
                let (re, col) = l.rest("regular expression")?;
                compile_frr_regex(&re).map_err(|e| l.err_at(col, e))?;
                CommunityMatcher::Expanded(re)
            }
            ListStyle::Standard => {
                let mut vals = Vec::new();
                if l.peek().is_none() {
                    return Err(l.err("incomplete command: expected `rt` or `soo` values"));
                }
                while l.peek().is_some() {
                    let kw = l.next("`rt` or `soo`")?;
                    let v = l.next("extended community value")?;
                    let ec = ExtCommunity::parse_kw(kw.text, v.text)
                        .map_err(|e| l.err_at(kw.col, e.to_string()))?;
                    vals.push(ec);
                }
                vals.sort_unstable();
                vals.dedup();
                CommunityMatcher::Standard(vals)
            }
        };
        let lists = &mut self.policy.ext_community_lists;
        clist_add(l, lists, name, seq, action, matcher)
    }

    fn as_path(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        let name = l.next("access-list name")?.text.to_string();
        let seq = if l.eat("seq") {
            Some(l.number::<u32>("sequence number", 0, 4_294_967_295)?)
        } else {
            None
        };
        let action = l.action()?;
        let (regex, col) = l.rest("regular expression")?;
        compile_frr_regex(&regex).map_err(|e| l.err_at(col, e))?;
        validate_as_path_regex(&regex).map_err(|e| l.err_at(col, e))?;
        let lists = &mut self.policy.as_path_lists;
        let idx = match lists.iter().position(|x| x.name == name) {
            Some(i) => i,
            None => {
                lists.push(AsPathList {
                    name,
                    entries: Vec::new(),
                });
                lists.len() - 1
            }
        };
        let list = &mut lists[idx];
        if list
            .entries
            .iter()
            .any(|e| e.action == action && e.regex == regex)
        {
            return Ok(());
        }
        let seq = match seq {
            Some(s) => s,
            None => next_seq(list.entries.iter().map(|e| e.seq).max())
                .ok_or_else(|| l.err_at(col, "automatic sequence number out of range"))?,
        };
        insert_by_seq(
            &mut list.entries,
            AsPathListEntry { seq, action, regex },
            |e| e.seq,
        );
        Ok(())
    }

    fn route_map(&mut self, l: &mut Line<'_>) -> Result<(), ParseError> {
        let name = l.next("route-map name")?.text.to_string();
        let action = l.action()?;
        let seq = l.number::<u16>("sequence number", 1, 65535)?;
        l.done()?;
        let maps = &mut self.policy.route_maps;
        let mi = match maps.iter().position(|m| m.name == name) {
            Some(i) => i,
            None => {
                maps.push(RouteMap {
                    name,
                    entries: Vec::new(),
                });
                maps.len() - 1
            }
        };
        let entries = &mut maps[mi].entries;
        let ei = match entries.iter().position(|e| e.seq == seq) {
            Some(i) => {
                if action == Action::Deny && entries[i].on_match.is_some() {
                    return Err(l.err_at(
                        l.toks[2].col,
                        "cannot make an entry with on-match/continue a deny entry",
                    ));
                }
                entries[i].action = action;
                i
            }
            None => {
                let at = entries.partition_point(|e| e.seq < seq);
                entries.insert(at, RouteMapEntry::new(seq, action));
                at
            }
        };
        self.ctx = Ctx::RouteMap(mi, ei);
        Ok(())
    }

    fn clause(&mut self, l: &mut Line<'_>, mi: usize, ei: usize) -> Result<(), ParseError> {
        let entry = &mut self.policy.route_maps[mi].entries[ei];
        let kw = l.next("clause")?;
        match kw.text {
            "description" => {
                let (d, _) = l.rest("description text")?;
                entry.description = Some(d);
            }
            "call" => {
                entry.call = Some(l.next("route-map name")?.text.to_string());
                l.done()?;
            }
            "on-match" | "continue" => {
                let om = if kw.text == "continue" {
                    OnMatch::Goto(l.number::<u16>("continue target", 1, 65535)?)
                } else {
                    let t = l.next("`next` or `goto`")?;
                    match t.text {
                        "next" => OnMatch::Next,
                        "goto" => OnMatch::Goto(l.number::<u16>("goto target", 1, 65535)?),
                        o => {
                            return Err(
                                l.err_at(t.col, format!("expected `next` or `goto`, found `{o}`"))
                            );
                        }
                    }
                };
                l.done()?;
                if entry.action == Action::Deny {
                    return Err(
                        l.err_at(kw.col, "on-match/continue is not allowed on a deny entry")
                    );
                }
                if let OnMatch::Goto(n) = om
                    && n <= entry.seq
                {
                    return Err(l.err_at(
                        kw.col,
                        format!("cannot jump backwards or to itself: {n} <= {}", entry.seq),
                    ));
                }
                entry.on_match = Some(om);
            }
            "match" => {
                let m = parse_match(l)?;
                l.done()?;
                let key = match_key(&m);
                match entry.matches.iter_mut().find(|x| match_key(x) == key) {
                    Some(slot) => *slot = m,
                    None => entry.matches.push(m),
                }
            }
            "set" => {
                let s = parse_set(l)?;
                l.done()?;
                let key = set_key(&s);
                match entry.sets.iter_mut().find(|x| set_key(x) == key) {
                    Some(slot) => *slot = s,
                    None => entry.sets.push(s),
                }
            }
            _ => unreachable!("clause() is only called for CLAUSE_WORDS"),
        }
        Ok(())
    }
}

fn insert_by_seq<T>(v: &mut Vec<T>, item: T, seq: impl Fn(&T) -> u32) {
    let s = seq(&item);
    match v.iter().position(|e| seq(e) == s) {
        Some(i) => v[i] = item,
        None => {
            let at = v.partition_point(|e| seq(e) < s);
            v.insert(at, item);
        }
    }
}

fn clist_values<V: Ord>(
    l: &mut Line<'_>,
    style: ListStyle,
    parse: impl Fn(&str) -> Result<V, String>,
) -> Result<CommunityMatcher<V>, ParseError> {
    match style {
        ListStyle::Expanded => {
            let (re, col) = l.rest("regular expression")?;
            compile_frr_regex(&re).map_err(|e| l.err_at(col, e))?;
            Ok(CommunityMatcher::Expanded(re))
        }
        ListStyle::Standard => {
            if l.peek().is_none() {
                return Err(l.err("incomplete command: expected community values"));
            }
            let mut vals = Vec::new();
            while let Some(t) = l.toks.get(l.pos).copied() {
                l.pos += 1;
                vals.push(parse(t.text).map_err(|e| l.err_at(t.col, e))?);
            }
            vals.sort_unstable();
            vals.dedup();
            Ok(CommunityMatcher::Standard(vals))
        }
    }
}

fn clist_add<V: PartialEq>(
    l: &Line<'_>,
    lists: &mut Vec<CommunityListOf<V>>,
    name: String,
    seq: Option<u32>,
    action: Action,
    matcher: CommunityMatcher<V>,
) -> Result<(), ParseError> {
    let idx = match lists.iter().position(|x| x.name == name) {
        Some(i) => i,
        None => {
            lists.push(CommunityListOf {
                name,
                entries: Vec::new(),
            });
            lists.len() - 1
        }
    };
    let list = &mut lists[idx];
    if !list.entries.is_empty() && list.style() != matcher.style() {
        let prev = match list.style() {
            ListStyle::Standard => "standard",
            ListStyle::Expanded => "expanded",
        };
        return Err(l.err_at(
            1,
            format!("community list name conflict, previously defined as {prev}"),
        ));
    }
    if list
        .entries
        .iter()
        .any(|e| e.action == action && e.matcher == matcher)
    {
        return Ok(());
    }
    let seq = match seq {
        Some(s) => s,
        None => next_seq(list.entries.iter().map(|e| e.seq).max())
            .ok_or_else(|| l.err_at(1, "automatic sequence number out of range"))?,
    };
    insert_by_seq(
        &mut list.entries,
        CommunityListEntry {
            seq,
            action,
            matcher,
        },
        |e| e.seq,
    );
    Ok(())
}

fn name_arg(l: &mut Line<'_>, what: &str) -> Result<String, ParseError> {
    Ok(l.next(what)?.text.to_string())
}

fn origin(l: &mut Line<'_>) -> Result<Origin, ParseError> {
    let t = l.next("origin")?;
    match t.text {
        "igp" => Ok(Origin::Igp),
        "egp" => Ok(Origin::Egp),
        "incomplete" => Ok(Origin::Incomplete),
        o => Err(l.err_at(
            t.col,
            format!("expected igp, egp or incomplete, found `{o}`"),
        )),
    }
}

fn parse_match(l: &mut Line<'_>) -> Result<Match, ParseError> {
    let t = l.next("match kind")?;
    Ok(match t.text {
        "ip" => {
            let k = l.next("`address` or `next-hop`")?;
            match k.text {
                "address" => {
                    l.expect("prefix-list")?;
                    Match::IpAddressPrefixList(name_arg(l, "prefix-list name")?)
                }
                "next-hop" => {
                    l.expect("prefix-list")?;
                    Match::IpNextHopPrefixList(name_arg(l, "prefix-list name")?)
                }
                o => return Err(l.err_at(k.col, format!("unsupported `match ip {o}`"))),
            }
        }
        "ipv6" => {
            l.expect("address")?;
            l.expect("prefix-list")?;
            Match::Ipv6AddressPrefixList(name_arg(l, "prefix-list name")?)
        }
        "community" | "large-community" => {
            let list = name_arg(l, "community-list name")?;
            let exact_match = l.eat("exact-match");
            if t.text == "community" {
                Match::Community { list, exact_match }
            } else {
                Match::LargeCommunity { list, exact_match }
            }
        }
        "extcommunity" => Match::ExtCommunity(name_arg(l, "extcommunity-list name")?),
        "as-path" => Match::AsPath(name_arg(l, "as-path access-list name")?),
        "local-preference" => {
            Match::LocalPreference(l.number("local preference", 0, u64::from(u32::MAX))?)
        }
        "metric" => Match::Metric(l.number("metric", 0, u64::from(u32::MAX))?),
        "origin" => Match::Origin(origin(l)?),
        "peer" => {
            let p = l.next("peer address, `local` or interface")?;
            if p.text == "local" {
                Match::Peer(PeerMatch::Local)
            } else if let Ok(a) = p.text.parse::<IpAddr>() {
                Match::Peer(PeerMatch::Address(a))
            } else {
                Match::Peer(PeerMatch::Interface(p.text.to_string()))
            }
        }
        o => return Err(l.err_at(t.col, format!("unsupported match clause `{o}`"))),
    })
}

fn adjust(l: &mut Line<'_>, what: &str) -> Result<ValueAdjust, ParseError> {
    let t = l.next(what)?;
    let (ctor, digits): (fn(u32) -> ValueAdjust, &str) = if let Some(d) = t.text.strip_prefix('+') {
        (ValueAdjust::Add, d)
    } else if let Some(d) = t.text.strip_prefix('-') {
        (ValueAdjust::Sub, d)
    } else {
        (ValueAdjust::Set, t.text)
    };
    let v = parse_dec(digits)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| l.err_at(t.col, format!("invalid {what} `{}`", t.text)))?;
    Ok(ctor(v))
}

fn parse_set(l: &mut Line<'_>) -> Result<Set, ParseError> {
    let t = l.next("set kind")?;
    Ok(match t.text {
        "local-preference" => Set::LocalPreference(adjust(l, "local preference")?),
        "metric" => Set::Metric(adjust(l, "metric")?),
        "weight" => Set::Weight(l.number("weight", 0, u64::from(u32::MAX))?),
        "origin" => Set::Origin(origin(l)?),
        "community" => {
            if l.eat("none") {
                Set::Community(CommunitySet::None)
            } else {
                let mut values = Vec::new();
                let mut additive = false;
                while let Some(tok) = l.toks.get(l.pos).copied() {
                    l.pos += 1;
                    if tok.text == "additive" {
                        additive = true;
                        break;
                    }
                    values.push(
                        tok.text
                            .parse::<Community>()
                            .map_err(|e| l.err_at(tok.col, e.to_string()))?,
                    );
                }
                if values.is_empty() {
                    return Err(l.err("incomplete command: expected community values"));
                }
                values.sort_unstable();
                values.dedup();
                Set::Community(CommunitySet::Values { values, additive })
            }
        }
        "large-community" => {
            if l.eat("none") {
                Set::LargeCommunity(LargeCommunitySet::None)
            } else {
                let mut values = Vec::new();
                let mut additive = false;
                while let Some(tok) = l.toks.get(l.pos).copied() {
                    l.pos += 1;
                    if tok.text == "additive" {
                        additive = true;
                        break;
                    }
                    values.push(
                        tok.text
                            .parse::<LargeCommunity>()
                            .map_err(|e| l.err_at(tok.col, e.to_string()))?,
                    );
                }
                if values.is_empty() {
                    return Err(l.err("incomplete command: expected large community values"));
                }
                values.sort_unstable();
                values.dedup();
                Set::LargeCommunity(LargeCommunitySet::Values { values, additive })
            }
        }
        "comm-list" | "large-comm-list" => {
            let name = name_arg(l, "community-list name")?;
            l.expect("delete")?;
            if t.text == "comm-list" {
                Set::CommListDelete(name)
            } else {
                Set::LargeCommListDelete(name)
            }
        }
        "as-path" => {
            l.expect("prepend")?;
            if l.eat("last-as") {
                Set::AsPathPrependLastAs(l.number("last-as count", 1, 10)?)
            } else {
                let mut asns = Vec::new();
                while l.peek().is_some() {
                    asns.push(l.number::<u32>("AS number", 1, u64::from(u32::MAX))?);
                }
                if asns.is_empty() {
                    return Err(l.err("incomplete command: expected AS numbers or `last-as`"));
                }
                Set::AsPathPrepend(asns)
            }
        }
        "ip" => {
            l.expect("next-hop")?;
            let a = l.next("next-hop address, `peer-address` or `unchanged`")?;
            Set::IpNextHop(match a.text {
                "peer-address" => IpNextHop::PeerAddress,
                "unchanged" => IpNextHop::Unchanged,
                s => IpNextHop::Address(
                    s.parse::<Ipv4Addr>()
                        .map_err(|_| l.err_at(a.col, format!("malformed IPv4 address `{s}`")))?,
                ),
            })
        }
        "ipv6" => {
            l.expect("next-hop")?;
            l.expect("global")?;
            let a = l.next("IPv6 address")?;
            Set::Ipv6NextHopGlobal(
                a.text
                    .parse::<Ipv6Addr>()
                    .map_err(|_| l.err_at(a.col, format!("malformed IPv6 address `{}`", a.text)))?,
            )
        }
        o => return Err(l.err_at(t.col, format!("unsupported set clause `{o}`"))),
    })
}

/// Clauses with the same key replace each other (FRR keeps one rule per kind).
fn match_key(m: &Match) -> u8 {
    match m {
        Match::IpAddressPrefixList(_) => 0,
        Match::Ipv6AddressPrefixList(_) => 1,
        Match::IpNextHopPrefixList(_) => 2,
        Match::Community { .. } => 3,
        Match::LargeCommunity { .. } => 4,
        Match::ExtCommunity(_) => 5,
        Match::AsPath(_) => 6,
        Match::LocalPreference(_) => 7,
        Match::Metric(_) => 8,
        Match::Origin(_) => 9,
        Match::Peer(_) => 10,
    }
}

fn set_key(s: &Set) -> u8 {
    match s {
        Set::LocalPreference(_) => 0,
        Set::Metric(_) => 1,
        Set::Community(_) => 2,
        Set::LargeCommunity(_) => 3,
        Set::CommListDelete(_) => 4,
        Set::LargeCommListDelete(_) => 5,
        Set::AsPathPrepend(_) | Set::AsPathPrependLastAs(_) => 6,
        Set::IpNextHop(IpNextHop::Unchanged) => 7,
        Set::IpNextHop(_) => 8,
        Set::Ipv6NextHopGlobal(_) => 9,
        Set::Weight(_) => 10,
        Set::Origin(_) => 11,
    }
}
