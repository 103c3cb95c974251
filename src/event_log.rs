//! [`EventLog`]: a history's events, appended in chunks that never move.
//!
//! A long Express run writes hundreds of thousands of events. Kept in one vector, each time it
//! fills up the whole history is copied into one twice as large, and the memory of the copy is
//! touched for the first time then: at 229,000 events that is a 31 MB copy and a stall of
//! about 50 ms in the frame that writes the next event. Here the events go into chunks of a fixed
//! size; a full chunk is left as it is and a new one started, so appending costs the same at
//! any length and the events already written stay where they are.

use crate::history::HistoryEvent;
use std::ops::Index;

/// Events per chunk: 4,096 events of about 140 bytes, half a megabyte.
const CHUNK: usize = 4096;

/// An append-only list of events, read like a slice (length, index, iteration from any
/// position) without being one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventLog {
    chunks: Vec<Vec<HistoryEvent>>,
    len: usize,
}

impl EventLog {
    /// An empty log.
    pub const fn new() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }

    /// Appends an event.
    pub fn push(&mut self, event: HistoryEvent) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK => chunk.push(event),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(event);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    /// How many events it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The event at `index` (0-based: the event with id `index + 1` in an execution's own
    /// history).
    pub fn get(&self, index: usize) -> Option<&HistoryEvent> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// The first event.
    pub fn first(&self) -> Option<&HistoryEvent> {
        self.get(0)
    }

    /// The last event.
    pub fn last(&self) -> Option<&HistoryEvent> {
        self.chunks.last()?.last()
    }

    /// Every event, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &HistoryEvent> + '_ {
        self.chunks.iter().flatten()
    }

    /// The events from `start` on (none when `start` is past the end).
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = &HistoryEvent> + '_ {
        let (chunk, offset) = (start / CHUNK, start % CHUNK);
        self.chunks
            .iter()
            .skip(chunk)
            .enumerate()
            .flat_map(move |(i, c)| c[if i == 0 { offset.min(c.len()) } else { 0 }..].iter())
    }

    /// The events copied into one vector.
    pub fn to_vec(&self) -> Vec<HistoryEvent> {
        let mut out = Vec::with_capacity(self.len);
        for chunk in &self.chunks {
            out.extend_from_slice(chunk);
        }
        out
    }

    /// Removes every event.
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }
}

impl Index<usize> for EventLog {
    type Output = HistoryEvent;

    fn index(&self, index: usize) -> &HistoryEvent {
        match self.get(index) {
            Some(e) => e,
            None => panic!(
                "event index {index} is out of range for a log of {} events",
                self.len
            ),
        }
    }
}

impl<'a> IntoIterator for &'a EventLog {
    type Item = &'a HistoryEvent;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<HistoryEvent>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter().flatten()
    }
}

impl From<Vec<HistoryEvent>> for EventLog {
    fn from(events: Vec<HistoryEvent>) -> Self {
        let mut log = Self::new();
        for e in events {
            log.push(e);
        }
        log
    }
}

impl FromIterator<HistoryEvent> for EventLog {
    fn from_iter<I: IntoIterator<Item = HistoryEvent>>(iter: I) -> Self {
        let mut log = Self::new();
        for e in iter {
            log.push(e);
        }
        log
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::EventKind;

    fn event(id: u64) -> HistoryEvent {
        HistoryEvent {
            id,
            previous_event_id: id.saturating_sub(1),
            timestamp: 0,
            kind: EventKind::ExecutionRedriven {
                redrive_count: u32::try_from(id).unwrap_or(0),
            },
        }
    }

    #[test]
    fn reads_like_the_vector_it_replaces_across_chunk_edges() {
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let all: Vec<HistoryEvent> = (1..=n as u64).map(event).collect();
            let log: EventLog = all.iter().cloned().collect();
            assert_eq!(log.len(), n);
            assert_eq!(log.is_empty(), n == 0);
            assert_eq!(log.to_vec(), all);
            assert_eq!(log.iter().count(), n);
            assert_eq!(log.iter().next_back(), all.last());
            assert_eq!(log.first(), all.first());
            assert_eq!(log.last(), all.last());
            for start in [
                0,
                1,
                CHUNK - 1,
                CHUNK,
                CHUNK + 1,
                n.saturating_sub(1),
                n,
                n + 5,
            ] {
                let from: Vec<&HistoryEvent> = log.iter_from(start).collect();
                let expected: Vec<&HistoryEvent> = all.iter().skip(start).collect();
                assert_eq!(from, expected, "{n} events from {start}");
            }
            for i in [0, CHUNK - 1, CHUNK, n.saturating_sub(1)] {
                assert_eq!(log.get(i), all.get(i));
                if i < n {
                    assert_eq!(log[i].id, i as u64 + 1);
                }
            }
            assert_eq!(log.get(n), None);
        }
    }

    #[test]
    fn full_chunks_are_never_moved() {
        let mut log = EventLog::new();
        for id in 1..=CHUNK as u64 {
            log.push(event(id));
        }
        let first: *const HistoryEvent = &log[0];
        for id in 0..(5 * CHUNK) as u64 {
            log.push(event(id + CHUNK as u64 + 1));
        }
        assert!(
            std::ptr::eq(first, &log[0]),
            "the first chunk stayed in place"
        );
        log.clear();
        assert!(log.is_empty() && log.last().is_none());
    }
}
