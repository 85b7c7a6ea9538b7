//! What the TUI remembers between runs in the state folder: the columns chosen, per
//! profile (`columns.json`: profile name to column names). A file that is missing or
//! unreadable means the defaults; a write goes to a temporary file renamed over the old.

use crate::tui::columns::Col;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// The file's name in the state folder.
pub const COLUMNS_FILE: &str = "columns.json";

fn read_all(dir: &Path) -> BTreeMap<String, Vec<String>> {
    std::fs::read_to_string(dir.join(COLUMNS_FILE))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// The columns saved for `profile`; None when nothing usable was saved. Unknown names
/// (from another version) are skipped.
pub fn load_columns(dir: &Path, profile: &str) -> Option<Vec<Col>> {
    let names = read_all(dir).remove(profile)?;
    let cols: Vec<Col> = names.iter().filter_map(|n| Col::by_name(n)).collect();
    (!cols.is_empty()).then_some(cols)
}

/// Saves the column names chosen for `profile`, keeping the other profiles' choices.
pub fn save_columns(dir: &Path, profile: &str, columns: &[String]) -> io::Result<()> {
    crate::config::paths::create_private_dir(dir)?;
    let mut all = read_all(dir);
    all.insert(profile.to_string(), columns.to_vec());
    let text = serde_json::to_string_pretty(&all).map_err(io::Error::other)?;
    let tmp = dir.join(format!("{COLUMNS_FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(COLUMNS_FILE)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_per_profile_and_bad_files_mean_defaults() {
        let dir = std::env::temp_dir().join(format!("authtop-prefs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(load_columns(&dir, "work"), None);
        save_columns(
            &dir,
            "work",
            &["email".into(), "login_time".into(), "old".into()],
        )
        .unwrap();
        save_columns(&dir, "home", &["id".into()]).unwrap();
        assert_eq!(
            load_columns(&dir, "work"),
            Some(vec![Col::Email, Col::LoginTime])
        );
        assert_eq!(load_columns(&dir, "home"), Some(vec![Col::Id]));
        std::fs::write(dir.join(COLUMNS_FILE), "{not json").unwrap();
        assert_eq!(load_columns(&dir, "work"), None);
        assert!(save_columns(Path::new("/dev/full/x"), "p", &[]).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
