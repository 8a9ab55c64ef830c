//! Configuration history beyond commit and rollback N (issue 13): the `## Last commit` and
//! `## Last changed` headers, the rescue configuration, `commit at` and `clear system
//! commit`, `wildcard delete` and `replace pattern`.

use super::{civil_from_days, failed, format_time, word_error, Mgmt, Outcome};
use commit_db::CommitMeta;
use schema::edit;
use schema::mgmt::{ClientKind, MgmtError, Reply, RescueEntry, Revision, ScheduledCommit};
use schema::{Node, Path};

/// Junos' answer to `rollback rescue` when none was saved.
pub(super) const NO_RESCUE: &str = "No rescue configuration is set.";

/// How `rescue.conf` records who saved it: `## saved: UNIX-TIME CLIENT USER`.
const SAVED_BY: &str = "## saved: ";

/// A `commit at` waiting for its time: the candidate as it was checked, and who asked.
pub(super) struct Scheduled {
    pub at: i64,
    pub user: String,
    pub client: ClientKind,
    pub comment: Option<String>,
    pub tree: Node,
    /// It was the shared candidate, which the commit then empties.
    pub shared: bool,
}

impl Mgmt {
    /// The first line of a whole configuration's brace form, as Junos prints it.
    pub(super) fn header(&self, id: super::SessionId, revision: Revision) -> Option<String> {
        match revision {
            Revision::Active => {
                let entry = self.history_entry(0)?;
                Some(format!(
                    "## Last commit: {} by {}",
                    format_time(entry.time),
                    entry.user
                ))
            }
            Revision::Rollback(n) => {
                let entry = self.history_entry(n)?;
                Some(format!("## Last changed: {}", format_time(entry.time)))
            }
            Revision::Candidate => {
                let changed = self
                    .candidate_changed_at(id)
                    .or_else(|| self.history_entry(0).map(|entry| entry.time))?;
                Some(format!("## Last changed: {}", format_time(changed)))
            }
        }
    }

    /// Who committed rollback `index`, and when, from the history's small records: reading
    /// the revision itself would decode a whole configuration for one header line (at
    /// every `show configuration`, issue 15, item 4).
    fn history_entry(&self, index: u32) -> Option<schema::mgmt::CommitEntry> {
        let index = usize::try_from(index).ok()?;
        self.store.history().ok()?.into_iter().nth(index)
    }

    // ------------------------------------------------------------ rescue

    /// `request system configuration rescue save`: the active configuration, headed by the
    /// time it was committed, written beside the database.
    pub(super) fn rescue_save(&mut self, id: super::SessionId) -> Outcome {
        let (entry, tree) = self.store.active().map_err(|e| failed(e.to_string()))?;
        let session = self.session(id)?;
        // The second line records the save for `show system commit` (a comment to the
        // parser, like the first).
        let text = format!(
            "## Last changed: {}\n{SAVED_BY}{} {} {}\n{}",
            format_time(entry.time),
            self.clock.now(),
            session.client.as_str(),
            session.user,
            schema::print::to_text(&[], &tree)
        );
        self.store
            .set_rescue(Some(&text))
            .map_err(|e| failed(format!("rescue configuration not saved: {e}")))?;
        tracing::info!(
            "UI_RESCUE_SAVE: the active configuration was saved as the rescue configuration"
        );
        Ok(Reply::Done { messages: vec![] })
    }

    pub(super) fn rescue_delete(&mut self) -> Outcome {
        self.store
            .set_rescue(None)
            .map_err(|e| failed(format!("rescue configuration not deleted: {e}")))?;
        Ok(Reply::Done { messages: vec![] })
    }

    /// The rescue configuration and its `## Last changed` line; `None` when none is saved.
    fn rescue(&self) -> Result<Option<(Option<String>, Node)>, MgmtError> {
        let Some(text) = self.store.rescue().map_err(|e| failed(e.to_string()))? else {
            return Ok(None);
        };
        let header = text
            .lines()
            .next()
            .filter(|l| l.starts_with("## "))
            .map(str::to_string);
        let tree = schema::parse::parse_config(&text).map_err(|e| {
            failed(format!(
                "the rescue configuration is unreadable: line {} column {}: {}",
                e.line, e.column, e.message
            ))
        })?;
        Ok(Some((header, tree)))
    }

    /// When and by whom the rescue configuration was saved, for `show system commit`.
    pub(super) fn rescue_entry(&self) -> Option<RescueEntry> {
        let text = self.store.rescue().ok()??;
        let saved = text
            .lines()
            .take(2)
            .find_map(|l| l.strip_prefix(SAVED_BY))?;
        let mut parts = saved.splitn(3, ' ');
        let time = parts.next()?.parse().ok()?;
        let client = match parts.next()? {
            "cli" => ClientKind::Cli,
            "file" => ClientKind::File,
            "api" => ClientKind::Api,
            _ => ClientKind::Other,
        };
        let user = parts.next()?.to_string();
        Some(RescueEntry { time, user, client })
    }

    /// `show system configuration rescue`: nothing at all when none is saved, as on Junos.
    pub(super) fn show_rescue(&self, id: super::SessionId) -> Outcome {
        let Some((header, mut tree)) = self.rescue()? else {
            return Ok(Reply::Done { messages: vec![] });
        };
        if !self.session(id)?.rights.may_see_secrets() {
            schema::secret_data::hide_secrets(&[], &mut tree);
        }
        Ok(Reply::Config {
            path: Path::new(),
            tree,
            header,
        })
    }

    /// `rollback rescue`: the rescue configuration becomes the candidate.
    pub(super) fn rollback_rescue(&mut self, id: super::SessionId) -> Outcome {
        self.config_session(id)?;
        let Some((_, tree)) = self.rescue()? else {
            return Err(failed(NO_RESCUE));
        };
        let outcome = self.modify(id, move |t| {
            *t = tree;
            Ok(vec!["load complete".into()])
        });
        self.settle_shared(id, outcome)
    }

    // ------------------------------------------------------------ commit at

    /// `commit at TIME`: checked now, committed by [`Mgmt::tick`] at TIME; the session
    /// leaves configuration mode, and the configuration stays read-only until then.
    pub(super) fn commit_at(
        &mut self,
        id: super::SessionId,
        time: &str,
        comment: Option<String>,
    ) -> Outcome {
        let now = self.clock.now();
        let at = parse_commit_time(time, now, schema::timezone::current())?;
        if let Some(s) = &self.scheduled {
            return Err(failed(format!(
                "commit at is already pending for {}",
                format_time(s.at)
            )));
        }
        let config = self.config_session(id)?;
        if !config.edit_path.is_empty() && config.private.is_some() {
            return Err(failed(
                "in configure private mode, commit must be issued at the top level [edit]",
            ));
        }
        // Everything `commit check` checks, with the lock and the comment's limits.
        let Reply::Done { messages } = self.commit(id, true, None, comment.clone(), false)? else {
            return Err(failed("commit check gave no verdict"));
        };
        let tree = self.candidate(id)?.clone();
        let shared = self.config_session(id)?.private.is_none();
        let session = self.session(id)?;
        self.scheduled = Some(Scheduled {
            at,
            user: session.user.clone(),
            client: session.client,
            comment,
            tree,
            shared,
        });
        let mut messages = messages;
        messages.push(format!("commit at will be executed at {}", format_time(at)));
        // Leaving `configure exclusive` would discard the shared candidate; the scheduled
        // commit holds it, so the lock is released without that.
        if self.lock == Some(id) {
            self.lock = None;
            if let Err(e) = self.store.set_lock(None) {
                tracing::error!("cannot release the configuration lock in the store: {e}");
            }
        }
        messages.extend(self.leave_configuration(id));
        Ok(Reply::Done { messages })
    }

    /// `clear system commit`.
    pub(super) fn clear_system_commit(&mut self) -> Outcome {
        match self.scheduled.take() {
            Some(_) => Ok(Reply::Done {
                messages: vec!["Pending commit cleared".into()],
            }),
            None => Err(failed("No pending commit")),
        }
    }

    pub(super) fn scheduled_commit(&self) -> Option<ScheduledCommit> {
        self.scheduled.as_ref().map(|s| ScheduledCommit {
            user: s.user.clone(),
            client: s.client,
            at: s.at,
        })
    }

    /// While a `commit at` is pending the configuration is read-only, as on Junos.
    pub(super) fn refuse_while_scheduled(&self) -> Result<(), MgmtError> {
        match &self.scheduled {
            Some(s) => Err(failed(format!(
                "configuration is read-only: commit at is pending for {} ('clear system commit' cancels it)",
                format_time(s.at)
            ))),
            None => Ok(()),
        }
    }

    /// Runs a `commit at` whose time has come (from [`Mgmt::tick`]). True if it committed.
    pub(super) fn run_scheduled(&mut self) -> bool {
        let now = self.clock.now();
        if self.scheduled.as_ref().is_none_or(|s| now < s.at) {
            return false;
        }
        let Some(s) = self.scheduled.take() else {
            return false;
        };
        let passed = match schema::validate::check_since(&s.tree, None) {
            Ok(passed) => passed,
            Err((_, summary)) => {
                tracing::error!(
                    "UI_COMMIT_AT_FAILED: commit at by {} failed: {summary}",
                    s.user
                );
                return false;
            }
        };
        let mut meta = CommitMeta::new(s.user.clone(), self.clock.now(), s.client);
        meta.comment = s.comment;
        meta.clear_shared_candidate = s.shared;
        let mut steps = crate::mgmt::steps::StepTimes::start();
        let checked = Some(passed.has_inactive);
        match self.commit_tree(s.tree, passed.config, meta, checked, &mut steps) {
            Ok(_) => {
                if s.shared {
                    self.shared = None;
                    self.shared_unsaved = false;
                    self.changed_at = None;
                }
                tracing::info!("UI_COMMIT_AT: commit at by {} complete", s.user);
                true
            }
            Err(failure) => {
                tracing::error!(
                    "UI_COMMIT_AT_FAILED: commit at by {} failed: {:?}",
                    s.user,
                    failure.0
                );
                false
            }
        }
    }

    // ------------------------------------------------------------ wildcard, replace

    pub(super) fn wildcard_delete(
        &mut self,
        id: super::SessionId,
        words: &[String],
        pattern: &str,
        confirmed: bool,
    ) -> Outcome {
        if !confirmed {
            let matched =
                edit::wildcard_matches(self.candidate(id)?, words, pattern).map_err(word_error)?;
            return Ok(Reply::WildcardMatches { matched });
        }
        self.modify(id, |t| {
            let deleted = edit::wildcard_delete(t, words, pattern).map_err(word_error)?;
            Ok(if deleted.is_empty() {
                vec!["warning: statement not found".into()]
            } else {
                vec![]
            })
        })
    }

    pub(super) fn replace_pattern(
        &mut self,
        id: super::SessionId,
        words: &[String],
        pattern: &str,
        with: &str,
        upto: Option<u32>,
    ) -> Outcome {
        let level = edit::edit_target(words).map_err(word_error)?;
        self.modify(id, |t| {
            edit::replace_pattern(t, &level, pattern, with, upto).map_err(failed)?;
            Ok(vec![])
        })
    }
}

/// `hh:mm[:ss]` (today, which must still be ahead) or `yyyy-mm-dd hh:mm[:ss]`, on the clock
/// of `zone` (the configured `system time-zone`, as Junos reads it), as seconds since the
/// epoch; the error is Junos-style.
pub(super) fn parse_commit_time(
    text: &str,
    now: i64,
    zone: schema::timezone::Zone,
) -> Result<i64, MgmtError> {
    let invalid = || {
        failed(format!(
            "invalid time: '{text}' (use hh:mm[:ss] or \"yyyy-mm-dd hh:mm[:ss]\")"
        ))
    };
    let text = text.trim();
    let (date, time) = match text.split_once(' ') {
        Some((d, t)) => (Some(d), t.trim()),
        None => (None, text),
    };
    let mut hms = time.split(':');
    let mut part = |max: i64| -> Result<Option<i64>, MgmtError> {
        match hms.next() {
            None => Ok(None),
            Some(p) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                let v: i64 = p.parse().map_err(|_| invalid())?;
                if v > max {
                    return Err(invalid());
                }
                Ok(Some(v))
            }
            Some(_) => Err(invalid()),
        }
    };
    let h = part(23)?.ok_or_else(invalid)?;
    let m = part(59)?.ok_or_else(invalid)?;
    let s = part(59)?.unwrap_or(0);
    if hms.next().is_some() {
        return Err(invalid());
    }
    let day = match date {
        None => zone.wall_of(now).div_euclid(86_400),
        Some(d) => {
            let mut ymd = d.split('-');
            let mut num = |len: usize| -> Result<i64, MgmtError> {
                let p = ymd.next().ok_or_else(invalid)?;
                if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                p.parse().map_err(|_| invalid())
            };
            let (y, mo, d) = (num(4)?, num(2)?, num(2)?);
            if ymd.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
                return Err(invalid());
            }
            let days = days_from_civil(y, mo as u32, d as u32);
            // 2026-02-31 is not a date.
            if civil_from_days(days) != (y, mo as u32, d as u32) {
                return Err(invalid());
            }
            days
        }
    };
    // A time the zone's clocks skip (the spring change) never comes.
    let at = zone
        .unix_of_wall(day * 86_400 + h * 3600 + m * 60 + s)
        .ok_or_else(invalid)?;
    if at <= now {
        return Err(failed(format!(
            "commit at time must be in the future: '{text}' is {}",
            format_time(at)
        )));
    }
    Ok(at)
}

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm, the inverse of
/// `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-03 18:20:01 UTC.
    const NOW: i64 = 1_796_322_001;
    const UTC: schema::timezone::Zone = schema::timezone::Zone::UTC;

    #[test]
    fn commit_times() {
        assert_eq!(format_time(NOW), "2026-12-03 18:20:01 UTC");
        assert_eq!(
            parse_commit_time("18:21", NOW, UTC).map(format_time),
            Ok("2026-12-03 18:21:00 UTC".into())
        );
        assert_eq!(
            parse_commit_time("2026-12-04 01:02:03", NOW, UTC).map(format_time),
            Ok("2026-12-04 01:02:03 UTC".into())
        );
        assert_eq!(
            parse_commit_time("2027-02-28 00:00", NOW, UTC).map(format_time),
            Ok("2027-02-28 00:00:00 UTC".into())
        );
        for bad in [
            "18",
            "25:00",
            "18:60",
            "18:21:00:1",
            "2026-02-31 10:00",
            "x",
            "2026-1-04 10:00",
        ] {
            let e = parse_commit_time(bad, NOW, UTC).unwrap_err();
            assert!(format!("{e:?}").contains("invalid time"), "{bad}: {e:?}");
        }
        let e = parse_commit_time("18:20", NOW, UTC).unwrap_err();
        assert!(format!("{e:?}").contains("must be in the future"), "{e:?}");
    }

    #[test]
    fn commit_times_are_read_on_the_configured_zones_clock() {
        let amsterdam = schema::timezone::Zone::parse("Europe/Amsterdam").unwrap();
        // 18:20:01 UTC is 19:20:01 in Amsterdam: "19:30" is ten minutes ahead, today.
        assert_eq!(
            parse_commit_time("19:30", NOW, amsterdam),
            Ok(NOW + 599),
            "19:30 CET is 18:30:00 UTC"
        );
        let e = parse_commit_time("19:20", NOW, amsterdam).unwrap_err();
        assert!(format!("{e:?}").contains("must be in the future"), "{e:?}");
        // The hour the clocks skip never comes.
        let e = parse_commit_time("2027-03-28 02:30", NOW, amsterdam).unwrap_err();
        assert!(format!("{e:?}").contains("invalid time"), "{e:?}");
    }

    #[test]
    fn days_round_trip() {
        for days in [-1, 0, 59, 60, 365, 10_957, 20_790, 100_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
