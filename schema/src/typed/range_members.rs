//! The interfaces an `interface-range` names. Juniper, "Interface Ranges for Physical
//! Interfaces": `member` takes one interface name, or one whose numbers are `*` (0 through
//! 47, whatever the port count), `[low-high]` or `[a,b,c]` (`ge-0/0/[0-3]`); no pattern in
//! the type prefix. `member-range FROM to TO` takes every port from one to the other.
//!
//! Junos orders a `member-range` lexically and may cross FPCs (`et-1/0/0 to et-4/0/40`),
//! which needs the chassis' port count per PIC; this router does not know it, so both ends
//! must share their type and every number but the last (our choice, said at commit).
//!
//! Nothing here enumerates before counting: a pattern that names more than the caller's
//! bound is refused with the count, so `ge-[0-4000000000]/0/0` costs nothing.

/// Highest port number `*` stands for (Junos: "sequential interfaces from 0 through 47").
const STAR_LAST: u32 = 47;

/// An interface name split at its numbers: `ge-1/2/3` is `ge` and `[1, 2, 3]`.
#[derive(Debug, PartialEq, Eq)]
struct Numbered<'a> {
    prefix: &'a str,
    numbers: Vec<Vec<(u32, u32)>>,
}

/// The interfaces `member` names, in order, at most `bound` of them; `Err` says why not.
pub(crate) fn member(text: &str, bound: usize) -> Result<Vec<String>, String> {
    if !text.contains(['*', '[', ']', ',']) {
        return plain(text).map(|name| vec![name]);
    }
    let pattern = numbered(text, true)?;
    let count = count(&pattern.numbers);
    if count > bound as u128 {
        return Err(too_many(count, bound));
    }
    let mut names = Vec::with_capacity(count as usize);
    let mut current = Vec::with_capacity(pattern.numbers.len());
    enumerate(&pattern, &mut current, &mut names);
    Ok(names)
}

/// The interfaces `member-range from to to` names, at most `bound`.
pub(crate) fn member_range(from: &str, to: &str, bound: usize) -> Result<Vec<String>, String> {
    let (a, b) = (numbered(from, false)?, numbered(to, false)?);
    let same_slot = a.prefix == b.prefix
        && a.numbers.len() == b.numbers.len()
        && a.numbers
            .iter()
            .rev()
            .skip(1)
            .eq(b.numbers.iter().rev().skip(1));
    let (Some(first), Some(last), true) = (a.numbers.last(), b.numbers.last(), same_slot) else {
        return Err(format!(
            "'{from}' and '{to}' must be of one type and slot: only the last number may differ"
        ));
    };
    let (first, last) = (first[0].0, last[0].0);
    if first > last {
        return Err(format!("'{from}' comes after '{to}'"));
    }
    let count = u128::from(last - first) + 1;
    if count > bound as u128 {
        return Err(too_many(count, bound));
    }
    let stem = from.rsplit_once('/').map_or(a.prefix, |(stem, _)| stem);
    let joiner = if from.contains('/') { "/" } else { "-" };
    Ok((first..=last)
        .map(|n| format!("{stem}{joiner}{n}"))
        .collect())
}

fn too_many(count: u128, bound: usize) -> String {
    format!("names {count} interfaces, more than the {bound} all ranges may name")
}

/// A name without a pattern: any interface name, a physical one (no `.unit`).
fn plain(text: &str) -> Result<String, String> {
    crate::def::Type::Interface.check(text)?;
    if text.contains('.') {
        return Err(format!(
            "'{text}' is a logical interface: a range takes physical interfaces"
        ));
    }
    Ok(text.to_string())
}

/// `ge-0/0/[0-3]` as its prefix and, per number, the runs it takes; `patterns`: whether
/// `*` and `[...]` are allowed.
fn numbered(text: &str, patterns: bool) -> Result<Numbered<'_>, String> {
    let bad = || {
        format!(
            "invalid interface name '{}': expecting TYPE-FPC/PIC/PORT{}",
            crate::limits::quoted(text),
            if patterns {
                ", a number may be *, [low-high] or [a,b,c]"
            } else {
                ""
            }
        )
    };
    let (prefix, numbers) = text.split_once('-').ok_or_else(bad)?;
    let prefix_ok = prefix.starts_with(|c: char| c.is_ascii_lowercase())
        && prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !prefix_ok {
        return Err(bad());
    }
    let numbers = numbers
        .split('/')
        .map(|part| match part {
            "*" if patterns => Some(vec![(0, STAR_LAST)]),
            _ if patterns && part.starts_with('[') && part.ends_with(']') => {
                let inner = part.get(1..part.len() - 1)?;
                inner.split(',').map(run).collect()
            }
            _ => number(part).map(|n| vec![(n, n)]),
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(bad)?;
    Ok(Numbered { prefix, numbers })
}

/// `5` or `0-3` inside `[...]`; a run that goes down is no run.
fn run(item: &str) -> Option<(u32, u32)> {
    match item.split_once('-') {
        Some((low, high)) => {
            let (low, high) = (number(low)?, number(high)?);
            (low <= high).then_some((low, high))
        }
        None => number(item).map(|n| (n, n)),
    }
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// How many names the pattern stands for (a number listed twice counts twice, as it would
/// be named twice).
fn count(numbers: &[Vec<(u32, u32)>]) -> u128 {
    numbers
        .iter()
        .map(|runs| {
            runs.iter()
                .map(|(low, high)| u128::from(high - low) + 1)
                .sum::<u128>()
        })
        .fold(1u128, |total, n| total.saturating_mul(n))
}

fn enumerate(pattern: &Numbered<'_>, current: &mut Vec<u32>, out: &mut Vec<String>) {
    let Some(runs) = pattern.numbers.get(current.len()) else {
        let numbers: Vec<String> = current.iter().map(u32::to_string).collect();
        out.push(format!("{}-{}", pattern.prefix, numbers.join("/")));
        return;
    };
    for &(low, high) in runs {
        for n in low..=high {
            current.push(n);
            enumerate(pattern, current, out);
            current.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_member_is_itself_and_must_be_a_physical_interface_name() {
        assert_eq!(member("ge-0/0/1", 10).unwrap(), ["ge-0/0/1"]);
        assert_eq!(member("ae0", 10).unwrap(), ["ae0"]);
        assert!(member("ge-0/0/1.100", 10)
            .unwrap_err()
            .contains("logical interface"));
        assert!(member("0ge", 10)
            .unwrap_err()
            .contains("invalid interface name"));
    }

    #[test]
    fn wildcards_take_lists_runs_and_star() {
        assert_eq!(
            member("ge-0/0/[0-2]", 10).unwrap(),
            ["ge-0/0/0", "ge-0/0/1", "ge-0/0/2"]
        );
        assert_eq!(
            member("xe-1/[0,2]/[5,7-8]", 10).unwrap(),
            ["xe-1/0/5", "xe-1/0/7", "xe-1/0/8", "xe-1/2/5", "xe-1/2/7", "xe-1/2/8"]
        );
        let star = member("ge-0/0/*", 100).unwrap();
        assert_eq!(star.len(), 48);
        assert_eq!(star.last().map(String::as_str), Some("ge-0/0/47"));
    }

    #[test]
    fn a_malformed_pattern_says_what_is_allowed() {
        for bad in [
            "ge-0/0/[3-1]",
            "ge-0/0/[]",
            "ge-0/0/[a]",
            "g*-0/0/0",
            "ge-0/0/[1",
            "*",
        ] {
            let e = member(bad, 10).unwrap_err();
            assert!(e.contains("[low-high]"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_huge_pattern_is_refused_by_its_count_without_enumerating() {
        let e = member("ge-[0-999999999]/[0-999999999]/[0-999999999]", 4096).unwrap_err();
        assert!(e.contains("more than the 4096"), "{e}");
        assert!(member("ge-*/*/*", 4096).is_err());
    }

    #[test]
    fn member_range_takes_the_ports_between_its_ends() {
        assert_eq!(
            member_range("ge-1/0/2", "ge-1/0/4", 10).unwrap(),
            ["ge-1/0/2", "ge-1/0/3", "ge-1/0/4"]
        );
        assert_eq!(
            member_range("ge-1/0/2", "ge-1/0/2", 10).unwrap(),
            ["ge-1/0/2"]
        );
    }

    #[test]
    fn member_range_ends_must_share_type_and_slot_and_go_up() {
        for (from, to) in [
            ("ge-0/0/0", "xe-0/0/3"),
            ("ge-0/0/0", "ge-0/1/3"),
            ("ge-0/0/0", "ge-1/0/3"),
            ("ge-0/0/0", "ge-0/0"),
        ] {
            let e = member_range(from, to, 100).unwrap_err();
            assert!(e.contains("one type and slot"), "{from} {to}: {e}");
        }
        assert!(member_range("ge-0/0/5", "ge-0/0/1", 100)
            .unwrap_err()
            .contains("comes after"));
        assert!(member_range("ge-0/0/0", "ge-0/0/99999999", 4096)
            .unwrap_err()
            .contains("more than"));
        assert!(member_range("ae0", "ae3", 10).is_err());
    }
}
