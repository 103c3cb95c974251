//! Object stores: where a local run finds what a workflow keeps in Amazon S3. A distributed Map's
//! ItemReader reads its dataset from one, its ResultWriter writes the results to one.
//!
//! [`DirStore`] maps `s3://Bucket/Key` to the file `ROOT/Bucket/Key`; [`MemoryStore`] holds
//! objects in memory; [`Overlay`] reads through to another store and keeps every write to itself
//! (test runs read the data a test ships and leave the files on disk untouched).
//!
//! The errors are S3's (`NoSuchBucket`, `NoSuchKey`), so a local run fails where AWS would.
//! One difference: a write to a bucket that does not exist creates it, where S3 would answer
//! `NoSuchBucket`; a local run should not need a directory made by hand for its results.

use crate::history::Millis;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// One object of a listing (what `ListObjectsV2` says of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written, in milliseconds since the epoch.
    pub last_modified: Millis,
    /// The entity tag: the MD5 of the content in hex, quoted, as S3 gives it for objects not
    /// uploaded in parts.
    pub etag: String,
}

/// Why an object could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    /// S3's `NoSuchBucket`.
    #[error("The specified bucket does not exist (NoSuchBucket: {bucket})")]
    NoSuchBucket {
        /// The bucket.
        bucket: String,
    },
    /// S3's `NoSuchKey`.
    #[error("The specified key does not exist (NoSuchKey: s3://{bucket}/{key})")]
    NoSuchKey {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
    },
    /// A bucket name or key that cannot name a local file.
    #[error("'{name}' cannot be used here: {reason}")]
    InvalidName {
        /// The bucket name or key.
        name: String,
        /// Why not.
        reason: String,
    },
    /// A link inside the store's folder leads out of it: a local run reads and writes only
    /// inside that folder.
    #[error(
        "s3://{bucket}/{key} is (or goes through) a link that leads out of the object store's folder {root}: a local run reads and writes only inside it"
    )]
    OutsideRoot {
        /// The bucket.
        bucket: String,
        /// The key.
        key: String,
        /// The store's folder.
        root: String,
    },
    /// The file system failed.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Where objects live in a local run. Methods take `&self`: stores are shared by the runs and
/// frames that use them.
pub trait ObjectStore: fmt::Debug + Send + Sync {
    /// The content of an object.
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ObjectError>;
    /// Writes an object, replacing any with the same key.
    fn put(&self, bucket: &str, key: &str, body: &[u8]) -> Result<(), ObjectError>;
    /// The objects of a bucket whose keys start with `prefix`, sorted by key as S3 lists them.
    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, ObjectError>;
    /// Where an object is, in words for messages (a file path for a directory store).
    fn location(&self, bucket: &str, key: &str) -> String {
        format!("s3://{bucket}/{key}")
    }
}

/// Splits `s3://bucket/key` into its bucket and key.
pub fn parse_s3_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then_some((bucket, key))
}

/// The quoted MD5 entity tag of a content.
pub fn etag(body: &[u8]) -> String {
    use md5::{Digest, Md5};
    let digest = Md5::digest(body);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn invalid(name: &str, reason: &str) -> ObjectError {
    ObjectError::InvalidName {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Checks a bucket name is one directory name.
fn check_bucket(bucket: &str) -> Result<(), ObjectError> {
    if bucket.is_empty() {
        return Err(invalid(bucket, "a bucket name cannot be empty"));
    }
    if bucket.contains(['/', '\\']) || bucket == "." || bucket == ".." {
        return Err(invalid(
            bucket,
            "a bucket name is one name, without '/' and not '.' or '..'",
        ));
    }
    Ok(())
}

/// Checks a key maps to a file below its bucket's directory.
fn check_key(key: &str) -> Result<(), ObjectError> {
    if key.is_empty() {
        return Err(invalid(key, "a key cannot be empty"));
    }
    if key
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == ".." || part.contains('\\'))
    {
        return Err(invalid(
            key,
            "a local store keeps keys as files, so each '/'-separated part must be a file name (not empty, '.' or '..')",
        ));
    }
    Ok(())
}

/// Temporary files of atomic writes start with this; listings skip them.
const TEMP_PREFIX: &str = ".stepcraft-tmp-";

/// Objects as files: `s3://Bucket/Key` is `ROOT/Bucket/Key`.
#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    /// A store rooted at a directory (each bucket is a directory in it).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, ObjectError> {
        check_bucket(bucket)?;
        Ok(self.root.join(bucket))
    }

    fn file(&self, bucket: &str, key: &str) -> Result<PathBuf, ObjectError> {
        let dir = self.bucket_dir(bucket)?;
        check_key(key)?;
        let file = key.split('/').fold(dir, |p, part| p.join(part));
        self.check_inside(&file, bucket, key)?;
        Ok(file)
    }

    /// Refuses a path whose real location (where its links lead; for a path not made yet, that
    /// of its deepest existing folder) is outside the root: names cannot climb out (they are
    /// checked), but a link in the folder could.
    fn check_inside(&self, path: &Path, bucket: &str, key: &str) -> Result<(), ObjectError> {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let mut probe = Some(path);
        while let Some(at) = probe {
            if let Ok(real) = at.canonicalize() {
                return if real.starts_with(&root) {
                    Ok(())
                } else {
                    Err(ObjectError::OutsideRoot {
                        bucket: bucket.to_owned(),
                        key: key.to_owned(),
                        root: self.root.display().to_string(),
                    })
                };
            }
            probe = at.parent();
        }
        Ok(())
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> ObjectError {
    ObjectError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

fn modified_millis(meta: &std::fs::Metadata) -> Millis {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| {
            Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
        })
}

impl ObjectStore for DirStore {
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ObjectError> {
        let file = self.file(bucket, key)?;
        match std::fs::read(&file) {
            Ok(bytes) => Ok(bytes),
            // A directory is a "folder" of keys, not an object.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound || file.is_dir() => {
                Err(missing(bucket, key, self.root.join(bucket).is_dir()))
            }
            Err(e) => Err(io_error(&file, &e)),
        }
    }

    fn put(&self, bucket: &str, key: &str, body: &[u8]) -> Result<(), ObjectError> {
        let file = self.file(bucket, key)?;
        let dir = file.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        // The folders made may be reached through links: check again where they really are.
        self.check_inside(dir, bucket, key)?;
        // Write beside the target, then rename: a reader never sees half an object.
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
        std::fs::write(&temp, body).map_err(|e| io_error(&temp, &e))?;
        std::fs::rename(&temp, &file).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            io_error(&file, &e)
        })
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, ObjectError> {
        let dir = self.bucket_dir(bucket)?;
        if !dir.is_dir() {
            return Err(ObjectError::NoSuchBucket {
                bucket: bucket.to_owned(),
            });
        }
        let mut out = Vec::new();
        let mut pending = vec![(dir, String::new())];
        while let Some((at, key_prefix)) = pending.pop() {
            let entries = std::fs::read_dir(&at).map_err(|e| io_error(&at, &e))?;
            for entry in entries {
                let entry = entry.map_err(|e| io_error(&at, &e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(TEMP_PREFIX) {
                    continue;
                }
                let path = entry.path();
                let key = format!("{key_prefix}{name}");
                // A real folder is walked; a link to one is not (it could lead back up and loop).
                let is_dir = entry.file_type().map_err(|e| io_error(&path, &e))?.is_dir();
                let meta = std::fs::metadata(&path).map_err(|e| io_error(&path, &e))?;
                if meta.is_dir() && !is_dir {
                    continue;
                }
                if is_dir {
                    // Only descend where keys can still start with the prefix.
                    let below = format!("{key}/");
                    if below.starts_with(prefix) || prefix.starts_with(&below) {
                        pending.push((path, below));
                    }
                } else if key.starts_with(prefix) {
                    // A linked file is listed only when it leads to a file inside the root.
                    if self.check_inside(&path, bucket, &key).is_err() {
                        continue;
                    }
                    let body = std::fs::read(&path).map_err(|e| io_error(&path, &e))?;
                    out.push(ObjectInfo {
                        key,
                        size: meta.len(),
                        last_modified: modified_millis(&meta),
                        etag: etag(&body),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn location(&self, bucket: &str, key: &str) -> String {
        match self.file(bucket, key) {
            Ok(file) => format!("s3://{bucket}/{key} (the file {})", file.display()),
            Err(_) => format!("s3://{bucket}/{key}"),
        }
    }
}

/// S3's error for an object that is not there: no such key in a bucket that exists, else no
/// such bucket.
fn missing(bucket: &str, key: &str, bucket_exists: bool) -> ObjectError {
    if bucket_exists {
        ObjectError::NoSuchKey {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        }
    } else {
        ObjectError::NoSuchBucket {
            bucket: bucket.to_owned(),
        }
    }
}

#[derive(Debug, Default)]
struct Objects {
    buckets: BTreeSet<String>,
    objects: BTreeMap<(String, String), Arc<[u8]>>,
}

/// Objects in memory. Every object has the same last-modified time (the store's clock).
#[derive(Debug)]
pub struct MemoryStore {
    inner: Mutex<Objects>,
    modified: Millis,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store whose objects were last modified at 2026-01-01T00:00:00Z (the default start
    /// of an execution).
    pub fn new() -> Self {
        Self {
            inner: Mutex::new(Objects::default()),
            modified: 1_767_225_600_000,
        }
    }

    /// Sets the time its objects report as last modified.
    #[must_use]
    pub fn modified_at(mut self, at: Millis) -> Self {
        self.modified = at;
        self
    }

    /// Creates an empty bucket.
    #[must_use]
    pub fn with_bucket(self, bucket: &str) -> Self {
        self.lock().buckets.insert(bucket.to_owned());
        self
    }

    /// Adds an object (creating its bucket).
    #[must_use]
    pub fn with_object(self, bucket: &str, key: &str, body: impl AsRef<[u8]>) -> Self {
        self.insert(bucket, key, body.as_ref());
        self
    }

    fn lock(&self) -> MutexGuard<'_, Objects> {
        // A panic elsewhere cannot leave the map half-written: every change is one insert.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn insert(&self, bucket: &str, key: &str, body: &[u8]) {
        let mut inner = self.lock();
        inner.buckets.insert(bucket.to_owned());
        inner
            .objects
            .insert((bucket.to_owned(), key.to_owned()), Arc::from(body));
    }

    /// Whether the bucket exists.
    pub fn has_bucket(&self, bucket: &str) -> bool {
        self.lock().buckets.contains(bucket)
    }

    /// Every object, by `(bucket, key)`.
    pub fn objects(&self) -> BTreeMap<(String, String), Arc<[u8]>> {
        self.lock().objects.clone()
    }
}

impl ObjectStore for MemoryStore {
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ObjectError> {
        let inner = self.lock();
        if let Some(body) = inner.objects.get(&(bucket.to_owned(), key.to_owned())) {
            return Ok(body.to_vec());
        }
        Err(missing(bucket, key, inner.buckets.contains(bucket)))
    }

    fn put(&self, bucket: &str, key: &str, body: &[u8]) -> Result<(), ObjectError> {
        check_bucket(bucket)?;
        if key.is_empty() {
            return Err(invalid(key, "a key cannot be empty"));
        }
        self.insert(bucket, key, body);
        Ok(())
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, ObjectError> {
        let inner = self.lock();
        if !inner.buckets.contains(bucket) {
            return Err(ObjectError::NoSuchBucket {
                bucket: bucket.to_owned(),
            });
        }
        Ok(inner
            .objects
            .iter()
            .filter(|((b, k), _)| b == bucket && k.starts_with(prefix))
            .map(|((_, key), body)| ObjectInfo {
                key: key.clone(),
                size: body.len() as u64,
                last_modified: self.modified,
                etag: etag(body),
            })
            .collect())
    }
}

/// Reads from `top`, then from `base`; writes only to `top`. A test run reads the data it ships
/// and keeps what it writes in memory, to check it, without touching the files.
#[derive(Debug)]
pub struct Overlay {
    base: Arc<dyn ObjectStore>,
    top: MemoryStore,
}

impl Overlay {
    /// `top` over `base`.
    pub fn new(base: Arc<dyn ObjectStore>, top: MemoryStore) -> Self {
        Self { base, top }
    }

    /// What was written (and what `top` held from the start).
    pub fn written(&self) -> &MemoryStore {
        &self.top
    }
}

impl ObjectStore for Overlay {
    fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, ObjectError> {
        match self.top.get(bucket, key) {
            Ok(body) => Ok(body),
            Err(top) => match self.base.get(bucket, key) {
                // The bucket exists above: the key is what is missing.
                Err(ObjectError::NoSuchBucket { .. }) if self.top.has_bucket(bucket) => Err(top),
                other => other,
            },
        }
    }

    fn put(&self, bucket: &str, key: &str, body: &[u8]) -> Result<(), ObjectError> {
        self.top.put(bucket, key, body)
    }

    fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, ObjectError> {
        let below = match self.base.list(bucket, prefix) {
            Err(ObjectError::NoSuchBucket { .. }) if self.top.has_bucket(bucket) => Vec::new(),
            other => other?,
        };
        let above = if self.top.has_bucket(bucket) {
            self.top.list(bucket, prefix)?
        } else {
            Vec::new()
        };
        let mut by_key: BTreeMap<String, ObjectInfo> =
            below.into_iter().map(|o| (o.key.clone(), o)).collect();
        by_key.extend(above.into_iter().map(|o| (o.key.clone(), o)));
        Ok(by_key.into_values().collect())
    }

    fn location(&self, bucket: &str, key: &str) -> String {
        self.base.location(bucket, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_uris_split_into_bucket_and_key() {
        assert_eq!(parse_s3_uri("s3://b/k/x.csv"), Some(("b", "k/x.csv")));
        assert_eq!(parse_s3_uri("s3://b/"), None);
        assert_eq!(parse_s3_uri("b/k"), None);
    }

    #[test]
    fn keys_that_leave_the_bucket_are_refused() {
        for key in ["../x", "a/../../x", "a//b", "/a", "a/"] {
            assert!(check_key(key).is_err(), "{key}");
        }
        assert!(check_bucket("..").is_err());
        assert!(check_bucket("a/b").is_err());
        assert!(check_key("a/b.csv").is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_are_neither_read_nor_written_through() {
        use std::os::unix::fs::symlink;
        let base =
            std::env::temp_dir().join(format!("stepcraft-store-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let (root, outside) = (base.join("root"), base.join("outside"));
        std::fs::create_dir_all(root.join("b/inner")).expect("root");
        std::fs::create_dir_all(&outside).expect("outside");
        std::fs::write(outside.join("secret"), "s").expect("secret");
        std::fs::write(root.join("b/inner/ok"), "fine").expect("ok");
        symlink(outside.join("secret"), root.join("b/leak")).expect("file link");
        symlink(&outside, root.join("b/out")).expect("folder link");
        symlink(root.join("b/inner/ok"), root.join("b/alias")).expect("inner link");
        let store = DirStore::new(&root);

        assert!(matches!(
            store.get("b", "leak"),
            Err(ObjectError::OutsideRoot { .. })
        ));
        assert!(matches!(
            store.get("b", "out/secret"),
            Err(ObjectError::OutsideRoot { .. })
        ));
        assert!(matches!(
            store.put("b", "out/new", b"x"),
            Err(ObjectError::OutsideRoot { .. })
        ));
        assert!(!outside.join("new").exists(), "nothing written outside");
        // A link that stays inside is fine.
        assert_eq!(store.get("b", "alias"), Ok(b"fine".to_vec()));
        let keys: Vec<String> = store
            .list("b", "")
            .expect("lists")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, vec!["alias", "inner/ok"]);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn the_etag_is_the_quoted_md5() {
        assert_eq!(etag(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
    }

    #[test]
    fn an_overlay_reads_through_and_keeps_writes() {
        let base: Arc<dyn ObjectStore> = Arc::new(MemoryStore::new().with_object("b", "k", "1"));
        let overlay = Overlay::new(base.clone(), MemoryStore::new());
        assert_eq!(overlay.get("b", "k"), Ok(b"1".to_vec()));
        overlay.put("b", "k", b"2").expect("writes");
        overlay.put("c", "n", b"3").expect("writes");
        assert_eq!(overlay.get("b", "k"), Ok(b"2".to_vec()));
        assert_eq!(base.get("b", "k"), Ok(b"1".to_vec()));
        assert!(matches!(
            overlay.get("c", "missing"),
            Err(ObjectError::NoSuchKey { .. })
        ));
        assert!(matches!(
            overlay.get("d", "k"),
            Err(ObjectError::NoSuchBucket { .. })
        ));
        let keys: Vec<String> = overlay
            .list("c", "")
            .expect("lists")
            .into_iter()
            .map(|o| o.key)
            .collect();
        assert_eq!(keys, ["n"]);
    }
}
