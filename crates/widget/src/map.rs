//! A sorted-`Vec` map: the few small maps of the journey's state (tens of entries) in a
//! fraction of `BTreeMap`'s code. Iteration is in key order, as with `BTreeMap`.

use std::borrow::Borrow;

/// Map from `K` to `V`, kept sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Map<K, V>(Vec<(K, V)>);

/// A set of `K` (a map to `()`).
pub type Set<K> = Map<K, ()>;

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Map(Vec::new())
    }
}

impl<K: Ord, V> Map<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value at `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Whether `key` is present.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, replacing any previous value.
    pub fn insert(&mut self, key: K, value: V) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Sets `key` to `value` unless `key` is already present.
    pub fn insert_if_absent(&mut self, key: K, value: V) {
        if let Err(i) = self.find(&key) {
            self.0.insert(i, (key, value));
        }
    }

    /// Removes `key`.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q)
    where
        K: Borrow<Q>,
    {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut m = Map::new();
        m.insert("b".to_owned(), 1);
        m.insert("a".to_owned(), 2);
        m.insert("c".to_owned(), 3);
        m.insert("b".to_owned(), 4);
        m.insert_if_absent("a".to_owned(), 9);
        m.insert_if_absent("d".to_owned(), 5);
        let all: Vec<_> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(all, [("a", 2), ("b", 4), ("c", 3), ("d", 5)]);
        assert_eq!(m.get("c"), Some(&3));
        assert!(m.contains_key("d") && !m.contains_key("e"));
        m.remove("b");
        m.remove("zz");
        assert_eq!(m.get("b"), None);
        m.clear();
        assert!(m.is_empty());
    }
}
