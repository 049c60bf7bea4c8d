//! Typed ids of the simulation's entities, and a `Vec` indexed by them.
//!
//! An id is the entity's index in its mechanism's `Vec`, a `u32` stored as its bitwise
//! complement in a `NonZeroU32` (the index `u32::MAX` is never used), so `Option<Id>` is as small
//! as the id itself: "no entity" is `None`, never a sentinel value that could be used as an index.

use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::ops::{Index, IndexMut};

/// Defines an id type: a `u32` index kept as its complement in a `NonZeroU32`.
macro_rules! id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) struct $name(NonZeroU32);

        impl $name {
            /// The id of index `index` (below `u32::MAX`).
            #[inline]
            pub fn new(index: u32) -> $name {
                match NonZeroU32::new(!index) {
                    Some(raw) => $name(raw),
                    None => panic!(concat!(stringify!($name), " index out of range")),
                }
            }

            /// Its index as a `u32`.
            #[inline]
            pub fn get(self) -> u32 {
                !self.0.get()
            }
        }

        impl EntityId for $name {
            #[inline]
            fn from_index(index: usize) -> $name {
                $name::new(index as u32)
            }

            #[inline]
            fn index(self) -> usize {
                self.get() as usize
            }
        }
    };
}

id!(
    /// A client (an index into `Clients::slots`).
    ClientId
);
id!(
    /// A server connection: a backend, a connection thread or a thread pool's session (an index
    /// into `Backends::conns`).
    ConnId
);
id!(
    /// A schedulable process or thread (an index into `Scheduler::procs`).
    ProcId
);
id!(
    /// A core (an index into `Scheduler::cores`).
    CoreId
);
id!(
    /// A PgBouncer process (an index into `Poolers::processes`).
    PoolerId
);
id!(
    /// A position in a list that an entity keeps its own place in (the idle-core stack, the list
    /// of transaction attempts in flight), so it can be removed in O(1).
    Position
);

/// What an id type offers an [`IdVec`].
pub(crate) trait EntityId: Copy {
    /// The id of the entry at `index`.
    fn from_index(index: usize) -> Self;
    /// The entry's index.
    fn index(self) -> usize;
}

/// A `Vec` of entities indexed by their typed id `I`.
pub(crate) struct IdVec<I, T> {
    /// The entities, in id order.
    items: Vec<T>,
    /// The id type, which only indexes.
    id: PhantomData<I>,
}

impl<I: EntityId, T> IdVec<I, T> {
    /// An empty vector.
    pub fn new() -> Self {
        IdVec {
            items: Vec::new(),
            id: PhantomData,
        }
    }

    /// Appends `item`; returns its id.
    #[inline]
    pub fn push(&mut self, item: T) -> I {
        let id = I::from_index(self.items.len());
        self.items.push(item);
        id
    }

    /// Removes the entity with the highest id.
    pub fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    /// The entity `id`, if it exists.
    #[inline]
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    /// The entity `id`, mutably, if it exists.
    #[inline]
    pub fn get_mut(&mut self, id: I) -> Option<&mut T> {
        self.items.get_mut(id.index())
    }

    /// Whether `id` names an entity of this vector.
    #[inline]
    pub fn contains(&self, id: I) -> bool {
        id.index() < self.items.len()
    }

    /// The number of entities (live or free).
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The entities in id order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The ids in order.
    pub fn ids(&self) -> impl Iterator<Item = I> {
        (0..self.items.len()).map(I::from_index)
    }

    /// The entities with their ids, in id order.
    pub fn iter_with_ids(&self) -> impl Iterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }
}

impl<I: EntityId, T> Index<I> for IdVec<I, T> {
    type Output = T;

    #[inline]
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: EntityId, T> IndexMut<I> for IdVec<I, T> {
    #[inline]
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I: EntityId, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_optional_id_is_as_small_as_an_id() {
        assert_eq!(std::mem::size_of::<Option<ConnId>>(), 4);
        assert_eq!(ConnId::new(0).get(), 0);
        assert_eq!(ConnId::new(u32::MAX - 1).get(), u32::MAX - 1);
        assert_ne!(Some(ConnId::new(0)), None);
    }

    #[test]
    fn a_vector_is_indexed_by_its_ids() {
        let mut v: IdVec<ClientId, &str> = IdVec::new();
        let a = v.push("a");
        let b = v.push("b");
        assert_eq!((v[a], v[b]), ("a", "b"));
        assert_eq!(v.ids().collect::<Vec<_>>(), vec![a, b]);
        assert!(v.contains(b) && !v.contains(ClientId::new(2)));
    }
}
