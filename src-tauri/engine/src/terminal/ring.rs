//! The recent output of one session: a bounded byte ring addressed by absolute stream offsets, so
//! each viewer can say how far it has been sent without the ring knowing about viewers.

use std::collections::VecDeque;

/// The last `capacity` bytes of a stream, and how long the stream is.
#[derive(Debug, Clone)]
pub(crate) struct Ring {
    bytes: VecDeque<u8>,
    capacity: usize,
    /// Offset just past the newest byte: how many bytes the stream has had in all.
    end: u64,
}

impl Ring {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { bytes: VecDeque::with_capacity(capacity), capacity: capacity.max(1), end: 0 }
    }

    /// Offset of the oldest byte still kept.
    pub(crate) fn start(&self) -> u64 {
        self.end - self.bytes.len() as u64
    }

    pub(crate) fn end(&self) -> u64 {
        self.end
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Appends `data`, dropping the oldest bytes beyond the capacity.
    pub(crate) fn push(&mut self, data: &[u8]) {
        self.end += data.len() as u64;
        let kept = &data[data.len().saturating_sub(self.capacity)..];
        let overflow = (self.bytes.len() + kept.len()).saturating_sub(self.capacity);
        self.bytes.drain(..overflow);
        self.bytes.extend(kept);
    }

    /// Up to `max` bytes from offset `from` (moved up to [`Ring::start`] if older).
    pub(crate) fn read(&self, from: u64, max: usize) -> Vec<u8> {
        let from = from.clamp(self.start(), self.end);
        let skip = usize::try_from(from - self.start()).unwrap_or(usize::MAX);
        self.bytes.range(skip..).take(max).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_bytes_and_counts_all_of_them() {
        let mut ring = Ring::new(8);
        ring.push(b"hello ");
        ring.push(b"world");
        assert_eq!(ring.end(), 11, "end must count every byte ever pushed");
        assert_eq!(ring.start(), 3, "only the last 8 bytes are kept");
        assert_eq!(ring.read(0, 100), b"lo world", "a read from before the start begins at the start");
        assert_eq!(ring.read(6, 3), b"wor", "reads are addressed by stream offset");
        assert_eq!(ring.read(11, 3), b"", "nothing past the end");
    }

    #[test]
    fn a_push_larger_than_the_ring_keeps_its_tail() {
        let mut ring = Ring::new(4);
        ring.push(b"ab");
        ring.push(b"0123456789");
        assert_eq!((ring.start(), ring.end()), (8, 12));
        assert_eq!(ring.read(0, 10), b"6789");
    }
}
