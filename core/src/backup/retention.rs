//! Which bundles a backup folder keeps: the newest of each of the last 7 days, 4 weeks
//! and 12 months that have a backup (days in UTC, weeks by ISO week). Older ones are
//! removed after each new backup, so a folder holds at most 23 bundles.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Utc};

use super::bundle;

const DAILY: usize = 7;
const WEEKLY: usize = 4;
const MONTHLY: usize = 12;

/// Of bundles made at the given times, the indices to keep.
pub fn keep(made: &[DateTime<Utc>]) -> BTreeSet<usize> {
    let mut order: Vec<usize> = (0..made.len()).collect();
    order.sort_by(|&a, &b| made[b].cmp(&made[a]));
    let mut kept = BTreeSet::new();
    let periods: [(usize, &dyn Fn(DateTime<Utc>) -> (i32, u32)); 3] = [
        (DAILY, &|t| (t.year(), t.ordinal())),
        (WEEKLY, &|t| (t.iso_week().year(), t.iso_week().week())),
        (MONTHLY, &|t| (t.year(), t.month())),
    ];
    for (count, period) in periods {
        let mut seen = BTreeSet::new();
        for &i in &order {
            if seen.len() == count {
                break;
            }
            if seen.insert(period(made[i])) {
                kept.insert(i);
            }
        }
    }
    kept
}

/// Removes the bundles of `folder` that [`keep`] does not keep (bundles whose name
/// carries no time are left alone); returns how many are kept.
pub fn prune(folder: &Path) -> usize {
    let bundles: Vec<(PathBuf, DateTime<Utc>)> = bundle::list(folder)
        .into_iter()
        .filter_map(|b| Some((b.clone(), bundle::made_at(&b.file_name()?.to_string_lossy())?)))
        .collect();
    let kept = keep(&bundles.iter().map(|(_, at)| *at).collect::<Vec<_>>());
    for (i, (path, _)) in bundles.iter().enumerate() {
        if !kept.contains(&i) {
            let _ = std::fs::remove_dir_all(path);
        }
    }
    kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keeps_7_daily_4_weekly_and_12_monthly() {
        // Two backups a day for 400 days, newest on 2026-12-01.
        let end = Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap();
        let made: Vec<_> = (0..800).map(|i| end - chrono::Duration::hours(12 * i)).collect();
        let kept: Vec<_> = keep(&made).into_iter().map(|i| made[i]).collect();
        let days: BTreeSet<_> = kept.iter().map(|t| t.date_naive()).collect();
        assert_eq!(days.len(), kept.len(), "one bundle per day at most");
        // The newest of each of the last 7 days: the evening ones.
        for d in 0..7 {
            assert!(kept.contains(&(end - chrono::Duration::days(d))), "day {d}");
        }
        assert!(!kept.contains(&(end - chrono::Duration::hours(12))), "the morning one of the newest day goes");
        let months: BTreeSet<_> = kept.iter().map(|t| (t.year(), t.month())).collect();
        assert_eq!(months.len(), 12, "{kept:?}");
        assert!(kept.len() <= 23 && kept.len() >= 12, "{}", kept.len());
        // 2026-11-30 is a Monday: the newest of the 4 latest ISO weeks are kept.
        for sunday in [29, 22, 15] {
            assert!(kept.contains(&Utc.with_ymd_and_hms(2026, 11, sunday, 18, 0, 0).unwrap()), "week of {sunday}");
        }
    }

    #[test]
    fn a_few_bundles_are_all_kept() {
        let now = Utc::now();
        let made = [now, now - chrono::Duration::days(3), now - chrono::Duration::days(40)];
        assert_eq!(keep(&made).len(), 3);
        assert!(keep(&[]).is_empty());
    }
}
