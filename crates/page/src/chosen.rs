//! A teacher's choice among a few numbered things (the talk's steps, the challenges).

/// A teacher's choice among a few numbered things (the talk's steps, the challenges), as bits: bit
/// `i` set means item `i` is chosen. No bit set means every item (what a link without the key
/// means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chosen(pub u32);

impl Chosen {
    /// Every item (no choice made).
    pub const ALL: Chosen = Chosen(0);
    /// Whether no choice was made (every item is meant).
    pub fn is_all(self) -> bool {
        self.0 == 0
    }
    /// Whether item `i` is shown.
    pub fn has(self, i: usize) -> bool {
        self.0 == 0 || (i < 32 && self.0 & (1 << i) != 0)
    }
    /// The same with item `i` chosen (`i` < 32).
    pub fn with(self, i: usize) -> Chosen {
        Chosen(self.0 | 1u32.checked_shl(i as u32).unwrap_or(0))
    }
    /// The chosen items, in order (none when every item is meant).
    pub fn items(self) -> impl Iterator<Item = usize> {
        (0..32).filter(move |i| self.0 & (1 << i) != 0)
    }
    /// How many items are chosen (0 when every item is meant).
    pub fn count(self) -> usize {
        self.0.count_ones() as usize
    }
}

impl FromIterator<usize> for Chosen {
    fn from_iter<I: IntoIterator<Item = usize>>(items: I) -> Chosen {
        items.into_iter().fold(Chosen::ALL, Chosen::with)
    }
}
