//! Queues that give their room back when they empty.

use std::collections::VecDeque;

/// Pops the front of `queue`; when that empties it, its buffer goes too. A PPP link or an
/// L2TP session lives for hours with its queues empty between bursts (negotiation, one echo
/// a minute), and 100,000 of them would otherwise each keep the room of their busiest moment
/// (four queued events of a session alone are 600 B). A burst costs one allocation more.
pub fn pop_front_releasing<T>(queue: &mut VecDeque<T>) -> Option<T> {
    let item = queue.pop_front();
    if queue.is_empty() && queue.capacity() > 0 {
        *queue = VecDeque::new();
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_pop_gives_the_room_back_and_earlier_ones_keep_it() {
        let mut queue: VecDeque<u32> = (0..4).collect();
        assert_eq!(pop_front_releasing(&mut queue), Some(0));
        assert!(queue.capacity() >= 3);
        assert_eq!(pop_front_releasing(&mut queue), Some(1));
        assert_eq!(pop_front_releasing(&mut queue), Some(2));
        assert_eq!(pop_front_releasing(&mut queue), Some(3));
        assert_eq!(queue.capacity(), 0);
        assert_eq!(pop_front_releasing(&mut queue), None);
        queue.push_back(7);
        assert_eq!(pop_front_releasing(&mut queue), Some(7));
    }
}
