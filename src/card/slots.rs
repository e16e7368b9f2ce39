//! `Slots`: a small map on a `Vec`, in insertion order. A page holds a handful of cards, sessions and
//! streams, so a linear scan is as fast as hashing, and it keeps hash-table and B-tree
//! code (several KB per key/value type) out of the card's wasm.

pub struct Slots<K, V>(Vec<(K, V)>);

impl<K, V> Default for Slots<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: PartialEq, V> Slots<K, V> {
    fn position<Q>(&self, key: &Q) -> Option<usize>
    where
        K: PartialEq<Q>,
        Q: ?Sized,
    {
        self.0.iter().position(|(k, _)| k == key)
    }

    pub fn get<Q: ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: PartialEq<Q>,
    {
        self.position(key).map(|i| &self.0[i].1)
    }

    pub fn get_mut<Q: ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: PartialEq<Q>,
    {
        self.position(key).map(|i| &mut self.0[i].1)
    }

    /// The value under `key`, inserted from `make` when missing.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let index = match self.position(&key) {
            Some(index) => index,
            None => {
                self.0.push((key, make()));
                self.0.len() - 1
            }
        };
        &mut self.0[index].1
    }

    /// Puts `value` under `key`; the value it replaces is returned (to drop it outside
    /// any borrow of the registry holding these slots).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Some(index) => Some(std::mem::replace(&mut self.0[index].1, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    pub fn remove<Q: ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: PartialEq<Q>,
    {
        self.position(key).map(|i| self.0.remove(i).1)
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(K, V)> {
        self.0.iter()
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
