//! pcap and pcapng files (via pcap-parser): frames with their link type and timestamp, fed to
//! the session [`Tracker`]. Blocks are read through a bounded buffer; a damaged file is
//! reported with its byte offset and decoding stops there (keeping what came before).

use std::io::Read;

use pcap_parser::pcapng::Block;
use pcap_parser::{PcapBlockOwned, PcapError, create_reader};

use super::packet::{FrameSkip, tcp_segment};
use super::session::{FrameInfo, Tracker};
use super::{Event, Options};

/// Initial read buffer.
const BUFFER: usize = 1 << 16;
/// Largest block accepted (a frame plus headers); bigger ones mean a damaged file.
const MAX_BLOCK: usize = 1 << 20;

/// A reader whose `read` fills the buffer unless the input ends: pcap-parser probes the format
/// with a single read.
struct Filling<R>(R);

impl<R: Read> Read for Filling<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            match self.0.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if n > 0 => {
                    let _ = e;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(n)
    }
}

/// A pcapng interface: link type and timestamp units.
#[derive(Clone, Copy, Debug)]
struct Interface {
    linktype: u32,
    /// Timestamp units per second.
    resolution: u64,
    offset: i64,
}

/// Decodes every BGP message of a pcap or pcapng capture.
pub fn decode_capture<R: Read + Send>(
    name: &str,
    input: R,
    opts: &Options,
    sink: &mut dyn FnMut(Event),
) {
    let mut tracker = Tracker::new(name, opts, sink);
    let mut last = FrameInfo {
        number: 0,
        timestamp: None,
    };
    let mut reader = match create_reader(BUFFER, Filling(input)) {
        Ok(r) => r,
        Err(e) => {
            tracker.file_error(
                0,
                None,
                format!("not a readable pcap or pcapng file: {e:?}"),
            );
            return;
        }
    };
    // Legacy pcap: link type and whether timestamps are nanoseconds.
    let mut legacy = (1u32, false);
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut number = 0u64;
    let mut unsupported_reported = false;
    let mut truncated_frames = 0u64;
    loop {
        let file_offset = reader.consumed() as u64;
        match reader.next() {
            Ok((len, block)) => {
                let frame = match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        legacy = (h.network.0 as u32, h.is_nanosecond_precision());
                        None
                    }
                    PcapBlockOwned::Legacy(b) => {
                        let scale = if legacy.1 { 1e-9 } else { 1e-6 };
                        let ts = b.ts_sec as f64 + b.ts_usec as f64 * scale;
                        Some((legacy.0, ts, b.data, b.caplen < b.origlen))
                    }
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => {
                        interfaces.clear();
                        None
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        interfaces.push(Interface {
                            linktype: idb.linktype.0 as u32,
                            resolution: idb.ts_resolution().unwrap_or(1_000_000),
                            offset: idb.ts_offset(),
                        });
                        None
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        match interfaces.get(epb.if_id as usize) {
                            Some(i) => {
                                let ts = ((epb.ts_high as u64) << 32 | epb.ts_low as u64) as f64
                                    / i.resolution.max(1) as f64
                                    + i.offset as f64;
                                let data = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                                Some((i.linktype, ts, data, epb.caplen < epb.origlen))
                            }
                            None => {
                                tracker.file_error(
                                    file_offset,
                                    Some(number + 1),
                                    format!("packet on undeclared interface {}", epb.if_id),
                                );
                                number += 1;
                                None
                            }
                        }
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(spb)) => interfaces
                        .first()
                        .map(|i| (i.linktype, f64::NAN, spb.data, false)),
                    PcapBlockOwned::NG(_) => None,
                };
                if let Some((linktype, ts, data, cut)) = frame {
                    number += 1;
                    last = FrameInfo {
                        number,
                        timestamp: ts.is_finite().then_some(ts),
                    };
                    match tcp_segment(linktype, data) {
                        Ok(seg) => {
                            if cut || seg.truncated {
                                truncated_frames += 1;
                            }
                            tracker.segment(&seg, last);
                        }
                        Err(FrameSkip::UnsupportedLinkType(t)) if !unsupported_reported => {
                            unsupported_reported = true;
                            tracker.file_error(
                                file_offset,
                                Some(number),
                                format!("unsupported link type {t}"),
                            );
                        }
                        Err(_) => {}
                    }
                }
                reader.consume(len);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => {
                let before = reader.data().len();
                if let Err(e) = reader.refill() {
                    tracker.file_error(file_offset, None, format!("read error: {e:?}"));
                    break;
                }
                if reader.data().len() == before && reader.reader_exhausted() {
                    if before > 0 {
                        tracker.file_error(
                            file_offset,
                            Some(number + 1),
                            format!(
                                "file ends inside a block ({before} bytes left): truncated capture"
                            ),
                        );
                    }
                    break;
                }
            }
            Err(PcapError::BufferTooSmall) => {
                let size = reader.data().len().max(BUFFER) * 2;
                if size > MAX_BLOCK || !reader.grow(size) {
                    tracker.file_error(
                        file_offset,
                        Some(number + 1),
                        format!("block larger than {MAX_BLOCK} bytes"),
                    );
                    break;
                }
                if let Err(e) = reader.refill() {
                    tracker.file_error(file_offset, None, format!("read error: {e:?}"));
                    break;
                }
            }
            Err(PcapError::UnexpectedEof) => {
                tracker.file_error(
                    file_offset,
                    Some(number + 1),
                    "file ends inside a block (truncated capture)".to_string(),
                );
                break;
            }
            Err(e) => {
                tracker.file_error(
                    file_offset,
                    Some(number + 1),
                    format!("damaged block: {e:?}"),
                );
                break;
            }
        }
    }
    if truncated_frames > 0 {
        tracker.file_error(
            0,
            None,
            format!(
                "{truncated_frames} frames were cut by the snap length; their missing bytes show as gaps"
            ),
        );
    }
    tracker.finish(last);
}
