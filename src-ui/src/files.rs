//! Reading and writing definition files: atomic writes, so a crash never leaves half a file,
//! that respect the file's permissions and links; and stamps of what a file held, to tell
//! whether another program changed it since.

use sha2::{Digest, Sha256};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Writes `contents` to `path` atomically: to a new temporary file (a unique name, in the
/// target's folder), flushed to disk, given the target's permissions, then renamed over the
/// target, and the folder flushed too. A crash leaves the old file or the new one, never half.
///
/// A link is written through: its target gets the text and the link stays a link. A file we may
/// not write (read-only, or not ours to write) is refused with nothing changed, rather than
/// replaced by renaming over it, which the folder's permissions alone would allow.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let target = resolve_links(path)?;
    let through = if target == path {
        String::new()
    } else {
        format!(" (the link's target {})", target.display())
    };
    let existing = match std::fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        if !meta.is_file() {
            return Err(io::Error::other(format!(
                "the path{through} is not a regular file, so nothing was written"
            )));
        }
        ensure_writable(&target, meta, &through)?;
    }
    let dir = folder_of(&target);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stepcraft-").suffix(".tmp");
    #[cfg(unix)]
    if existing.is_none() {
        // A new file gets the usual mode (0666 less the umask), not the temporary file's 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot make a temporary file in {}{through}: {e}; nothing was written",
                dir.display()
            ),
        )
    })?;
    tmp.write_all(contents.as_ref())?;
    if let Some(meta) = &existing {
        // The file's own mode, exactly (not masked by the umask).
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    sync_folder(&dir)
}

/// Where a chain of links at `path` ends (`path` itself when it is no link). The end need not
/// exist: a link to a file not there yet is where that file is made.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    // Linux's own limit on links followed.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = std::fs::read_link(&current)?;
                current = if to.is_absolute() {
                    to
                } else {
                    folder_of(&current).join(to)
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "too many links from {}, or a loop of links; nothing was written",
        path.display()
    )))
}

/// Refuses a file we may not write: read-only by its mode, or not writable by this user.
fn ensure_writable(target: &Path, meta: &std::fs::Metadata, through: &str) -> io::Result<()> {
    let refused = |why: &str| {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "the file{through} is {why}, so nothing was written. Make it writable \
                 (chmod u+w) or write to another file"
            ),
        )
    };
    if meta.permissions().readonly() {
        return Err(refused("read-only"));
    }
    // Opened for writing without truncating: the system's own access check, nothing changed.
    match std::fs::OpenOptions::new().write(true).open(target) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            Err(refused("read-only for you (permission denied)"))
        }
        Err(e) => Err(e),
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Flushes a folder's entries (the rename) to disk.
fn sync_folder(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// What a file held when it was last read or written, to tell whether another program has
/// changed it since: a digest of its bytes (what decides) and its modification time (what the
/// user is told).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    digest: [u8; 32],
    modified: Option<SystemTime>,
}

impl Stamp {
    /// The stamp of `bytes`, read from or written to `path` just now.
    pub fn new(path: &Path, bytes: &[u8]) -> Self {
        Self {
            digest: Sha256::digest(bytes).into(),
            modified: std::fs::metadata(path).and_then(|m| m.modified()).ok(),
        }
    }

    /// Whether the file at `path` now holds other bytes than it did. A file that is gone or
    /// cannot be read is no change: writing it loses nothing, or fails and says why.
    pub fn changed_on_disk(&self, path: &Path) -> bool {
        std::fs::read(path)
            .is_ok_and(|bytes| <[u8; 32]>::from(Sha256::digest(bytes)) != self.digest)
    }

    /// When the file was modified, as it was read or written.
    pub fn modified(&self) -> Option<SystemTime> {
        self.modified
    }
}

/// Reads a text file; bytes that are not UTF-8 are an error that says where.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid);
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        format!(
            "{}:{line}:{column}: error: the file is not UTF-8 text",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("stepcraft-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.json");
        write_atomic(&path, "one").unwrap();
        write_atomic(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A fresh folder for one test.
    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stepcraft-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_file_named_like_a_temporary_file_is_left_alone() {
        let dir = folder("files-tmpname");
        let path = dir.join("a.json");
        let other = dir.join(format!(".a.json.stepcraft-{}.tmp", std::process::id()));
        std::fs::write(&other, "someone else's").unwrap();
        write_atomic(&path, "ours").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "ours");
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "someone else's");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_is_kept_and_a_new_file_gets_the_usual_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder("files-mode");
        let path = dir.join("a.json");
        std::fs::write(&path, "one").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, "two").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o640);
        let new = dir.join("new.json");
        write_atomic(&new, "new").unwrap();
        assert_ne!(
            mode(&new) & 0o044,
            0,
            "readable by others as files usually are"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused_and_unchanged() {
        use std::os::unix::fs::PermissionsExt;
        let dir = folder("files-read-only");
        let path = dir.join("a.json");
        std::fs::write(&path, "one").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = write_atomic(&path, "two").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        let entries = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(entries, 1, "no temporary file left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_written_through_and_stay_links() {
        let dir = folder("files-link");
        std::fs::create_dir_all(dir.join("real")).unwrap();
        let real = dir.join("real/a.json");
        std::fs::write(&real, "one").unwrap();
        let link = dir.join("a.json");
        std::os::unix::fs::symlink("real/a.json", &link).unwrap();
        let chain = dir.join("b.json");
        std::os::unix::fs::symlink(&link, &chain).unwrap();
        write_atomic(&chain, "two").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(std::fs::symlink_metadata(&chain).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "two");
        // A link to a file not there yet makes that file.
        let dangling = dir.join("c.json");
        std::os::unix::fs::symlink("real/c.json", &dangling).unwrap();
        write_atomic(&dangling, "three").unwrap();
        assert!(std::fs::symlink_metadata(&dangling).unwrap().is_symlink());
        assert_eq!(
            std::fs::read_to_string(dir.join("real/c.json")).unwrap(),
            "three"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn non_utf8_is_located() {
        let dir = std::env::temp_dir().join(format!("stepcraft-utf8-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.json");
        std::fs::write(&path, b"{\n  \"a\": \"\xff\"\n}").unwrap();
        let err = read_text(&path).unwrap_err();
        assert!(err.contains(":2:9:"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
