//! Output pipes: `| match RE`, `| except RE`, `| find RE`, `| count`, `| last N`,
//! `| trim N`, `| display set [relative]|detail|inheritance [no-comments]|omit|json|xml`,
//! `| no-more`, `| hold`,
//! `| save FILE`, `| refresh N` and `| compare [rollback N]`, chained left to right.

use super::words::{resolve, Resolved};
use regex::Regex;
use schema::opcmd::PIPES;
use schema::tokenize::Word;
use std::borrow::Cow;

#[derive(Debug, Clone)]
pub enum Pipe {
    Match(Regex),
    Except(Regex),
    Count,
    Last(usize),
    DisplaySet,
    /// `| display set relative`: `set` lines written from the edit level.
    DisplaySetRelative,
    /// `| display detail`: each statement's help above it as `##` comments.
    DisplayDetail,
    /// `| display inheritance [no-comments]`: the configuration with its groups applied,
    /// with (`true`) or without the `## ... was inherited from group ...` comments.
    DisplayInheritance(bool),
    /// `| display omit`: also the statements marked `apply-flags omit` (we have none, so
    /// the configuration as it is).
    DisplayOmit,
    DisplayJson,
    DisplayXml,
    NoMore,
    /// `| refresh N`: run the show again every N seconds until interrupted.
    Refresh(u32),
    /// `| compare` (None) or `| compare rollback N`.
    Compare(Option<u32>),
    /// `| find RE`: the output from the first line that matches on.
    Find(Regex),
    /// `| trim N`: each line without its first N characters.
    Trim(usize),
    /// `| hold`: the pager keeps its prompt at the end of the output.
    Hold,
    /// `| save FILE`: the output goes to FILE instead of the screen.
    Save(String),
}

/// The widest `| trim` Junos takes.
const MAX_TRIM: usize = 1024;

/// The longest `| refresh` interval Junos takes: a week.
const MAX_REFRESH: u64 = 604_800;

/// A pipe that could not be read; `word` indexes the words of the whole line.
#[derive(Debug, PartialEq, Eq)]
pub struct PipeError {
    pub word: usize,
    pub message: String,
}

/// Splits the words of a line at the first unquoted `|`: the command's words, then the pipes.
pub fn split_pipes(words: &[Word]) -> Result<(&[Word], Vec<Pipe>), PipeError> {
    let Some(bar) = words.iter().position(is_bar) else {
        return Ok((words, Vec::new()));
    };
    let mut pipes = Vec::new();
    let mut start = bar + 1;
    loop {
        let end = words[start..]
            .iter()
            .position(is_bar)
            .map_or(words.len(), |p| start + p);
        pipes.push(parse_one(&words[start..end], start)?);
        if end == words.len() {
            break;
        }
        start = end + 1;
    }
    Ok((&words[..bar], pipes))
}

fn is_bar(w: &Word) -> bool {
    !w.quoted && w.text == "|"
}

fn parse_one(words: &[Word], offset: usize) -> Result<Pipe, PipeError> {
    let err = |i: usize, message: &str| PipeError {
        word: offset + i,
        message: message.to_string(),
    };
    let Some(first) = words.first() else {
        return Err(err(0, "syntax error, expecting <command>."));
    };
    let cmd = match resolve(first.text.as_str(), PIPES.iter(), |c| c.name) {
        Resolved::One(c) => c,
        Resolved::None => return Err(err(0, "syntax error.")),
        Resolved::Ambiguous(_) => return Err(err(0, &format!("'{}' is ambiguous.", first.text))),
    };
    let arg = words.get(1);
    let pipe = match cmd.name {
        "match" | "except" | "find" => {
            let text = &arg
                .ok_or_else(|| err(1, "syntax error, expecting <pattern>."))?
                .text;
            let re = Regex::new(text)
                .map_err(|_| err(1, &format!("invalid regular expression '{text}'")))?;
            match cmd.name {
                "match" => Pipe::Match(re),
                "find" => Pipe::Find(re),
                _ => Pipe::Except(re),
            }
        }
        "last" => {
            let text = &arg
                .ok_or_else(|| err(1, "syntax error, expecting <number>."))?
                .text;
            Pipe::Last(
                text.parse()
                    .map_err(|_| err(1, &format!("invalid numeric value: '{text}'")))?,
            )
        }
        "refresh" => {
            let text = &arg
                .ok_or_else(|| err(1, "syntax error, expecting <interval>."))?
                .text;
            match text.parse::<u64>() {
                Ok(n @ 1..=MAX_REFRESH) => Pipe::Refresh(u32::try_from(n).unwrap_or(u32::MAX)),
                Ok(n) => {
                    return Err(err(
                        1,
                        &format!("Value {n} is not within range (1..{MAX_REFRESH})"),
                    ))
                }
                Err(_) => return Err(err(1, &format!("invalid numeric value: '{text}'"))),
            }
        }
        "trim" => {
            let text = &arg
                .ok_or_else(|| err(1, "syntax error, expecting <columns>."))?
                .text;
            match text.parse::<usize>() {
                Ok(n @ 1..=MAX_TRIM) => Pipe::Trim(n),
                Ok(n) => {
                    return Err(err(
                        1,
                        &format!("Value {n} is not within range (1..{MAX_TRIM})"),
                    ))
                }
                Err(_) => return Err(err(1, &format!("invalid numeric value: '{text}'"))),
            }
        }
        "save" => Pipe::Save(
            arg.ok_or_else(|| err(1, "syntax error, expecting <filename>."))?
                .text
                .clone(),
        ),
        "count" => Pipe::Count,
        "hold" => Pipe::Hold,
        "no-more" => Pipe::NoMore,
        "display" => {
            let what = arg.ok_or_else(|| err(1, "syntax error, expecting <command>."))?;
            match resolve(what.text.as_str(), cmd.children.iter(), |c| c.name) {
                Resolved::One(c) if c.name == "set" => match words.get(2) {
                    Some(w) if "relative".starts_with(w.text.as_str()) && !w.quoted => {
                        Pipe::DisplaySetRelative
                    }
                    _ => Pipe::DisplaySet,
                },
                Resolved::One(c) if c.name == "xml" => Pipe::DisplayXml,
                Resolved::One(c) if c.name == "detail" => Pipe::DisplayDetail,
                Resolved::One(c) if c.name == "inheritance" => match words.get(2) {
                    Some(w) if "no-comments".starts_with(w.text.as_str()) && !w.quoted => {
                        Pipe::DisplayInheritance(false)
                    }
                    _ => Pipe::DisplayInheritance(true),
                },
                Resolved::One(c) if c.name == "omit" => Pipe::DisplayOmit,
                Resolved::One(_) => Pipe::DisplayJson,
                _ => return Err(err(1, "syntax error.")),
            }
        }
        "compare" => match arg {
            None => Pipe::Compare(None),
            Some(w) if "rollback".starts_with(w.text.as_str()) => {
                let n = words
                    .get(2)
                    .ok_or_else(|| err(2, "syntax error, expecting <number>."))?;
                match n.text.parse::<u32>() {
                    Ok(v) if v <= 49 => Pipe::Compare(Some(v)),
                    _ => {
                        return Err(err(
                            2,
                            &format!("Value {} is not within range (0..49)", n.text),
                        ))
                    }
                }
            }
            Some(_) => return Err(err(1, "syntax error.")),
        },
        _ => return Err(err(0, "syntax error.")),
    };
    let used = match pipe {
        Pipe::Compare(Some(_)) | Pipe::DisplaySetRelative | Pipe::DisplayInheritance(false) => 3,
        Pipe::Count | Pipe::NoMore | Pipe::Hold | Pipe::Compare(None) => 1,
        _ => 2,
    };
    if words.len() > used {
        return Err(err(used, "syntax error."));
    }
    Ok(pipe)
}

/// Applies the text filters of `pipes`, in order, to `text` (display and compare were
/// applied when the output was produced; `no-more` and `hold` only affect the pager, and
/// `save` where the result goes).
pub fn filter(text: &str, pipes: &[Pipe]) -> String {
    let shapes_lines = |p: &Pipe| {
        matches!(
            p,
            Pipe::Match(_)
                | Pipe::Except(_)
                | Pipe::Find(_)
                | Pipe::Trim(_)
                | Pipe::Last(_)
                | Pipe::Count
        )
    };
    if !pipes.iter().any(shapes_lines) {
        // `| display json | no-more` of 65,000 sessions is six million lines: do not copy them.
        return text.to_string();
    }
    let mut lines: Vec<Cow<'_, str>> = text.lines().map(Cow::Borrowed).collect();
    for pipe in pipes {
        match pipe {
            Pipe::Match(re) => lines.retain(|l| re.is_match(l)),
            Pipe::Except(re) => lines.retain(|l| !re.is_match(l)),
            Pipe::Last(n) => {
                let skip = lines.len().saturating_sub(*n);
                lines.drain(..skip);
            }
            Pipe::Count => lines = vec![Cow::Owned(format!("Count: {} lines", lines.len()))],
            Pipe::Find(re) => {
                let first = lines
                    .iter()
                    .position(|l| re.is_match(l))
                    .unwrap_or(lines.len());
                lines.drain(..first);
            }
            Pipe::Trim(n) => {
                for line in &mut lines {
                    let cut = line.char_indices().nth(*n).map_or(line.len(), |(i, _)| i);
                    *line = match std::mem::take(line) {
                        Cow::Borrowed(b) => Cow::Borrowed(b.get(cut..).unwrap_or_default()),
                        Cow::Owned(o) => Cow::Owned(o.get(cut..).unwrap_or_default().to_string()),
                    };
                }
            }
            Pipe::DisplaySet
            | Pipe::DisplaySetRelative
            | Pipe::DisplayDetail
            | Pipe::DisplayInheritance(_)
            | Pipe::DisplayOmit
            | Pipe::DisplayJson
            | Pipe::DisplayXml
            | Pipe::NoMore
            | Pipe::Hold
            | Pipe::Save(_)
            | Pipe::Refresh(_)
            | Pipe::Compare(_) => {}
        }
    }
    let mut out = lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;
    use proptest::prelude::*;

    fn pipes(line: &str) -> Vec<Pipe> {
        let w = plain_words(line);
        split_pipes(&w).expect("pipes").1
    }

    const TEXT: &str = "alpha 1\nbeta 2\ngamma 3\nalpha 4\n";

    #[test]
    fn match_except_count_last() {
        assert_eq!(
            filter(TEXT, &pipes("show | match alpha")),
            "alpha 1\nalpha 4\n"
        );
        assert_eq!(
            filter(TEXT, &pipes("show | except alpha")),
            "beta 2\ngamma 3\n"
        );
        assert_eq!(filter(TEXT, &pipes("show | count")), "Count: 4 lines\n");
        assert_eq!(filter(TEXT, &pipes("show | last 2")), "gamma 3\nalpha 4\n");
        assert_eq!(
            filter(TEXT, &pipes("show | match a | count")),
            "Count: 4 lines\n"
        );
        assert_eq!(
            filter(TEXT, &pipes("show | m ^alpha | e 4 | cou")),
            "Count: 1 lines\n"
        );
        assert_eq!(filter(TEXT, &pipes("show | match zzz")), "");
        assert_eq!(filter(TEXT, &pipes("show | last 9")), TEXT);
    }

    #[test]
    fn find_and_trim() {
        assert_eq!(
            filter(TEXT, &pipes("show | find ^gamma")),
            "gamma 3\nalpha 4\n"
        );
        assert_eq!(filter(TEXT, &pipes("show | find zzz")), "");
        assert_eq!(
            filter(TEXT, &pipes("show | trim 3")),
            "ha 1\na 2\nma 3\nha 4\n"
        );
        // A line shorter than the columns trimmed becomes empty; characters, not bytes.
        assert_eq!(filter("ab\néèx\n", &pipes("show | trim 2")), "\nx\n");
        assert_eq!(
            filter(TEXT, &pipes("show | find beta | trim 5 | match 3")),
            " 3\n"
        );
    }

    #[test]
    fn hold_and_save_leave_the_text_alone() {
        assert_eq!(filter(TEXT, &pipes("show | hold")), TEXT);
        let p = pipes("show | save out.txt");
        assert!(matches!(p.as_slice(), [Pipe::Save(f)] if f == "out.txt"));
        assert_eq!(filter(TEXT, &p), TEXT);
        let w = plain_words("show | save");
        assert_eq!(
            split_pipes(&w).unwrap_err(),
            PipeError {
                word: 3,
                message: "syntax error, expecting <filename>.".into()
            }
        );
        let w = plain_words("show | trim 0");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "Value 0 is not within range (1..1024)"
        );
        let w = plain_words("show | trim x");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "invalid numeric value: 'x'"
        );
        let w = plain_words("show | hold x");
        assert_eq!(split_pipes(&w).unwrap_err().word, 3);
        let w = plain_words("show | find");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "syntax error, expecting <pattern>."
        );
    }

    #[test]
    fn command_words_and_display() {
        let w = plain_words("show configuration system | display set | no-more");
        let (cmd, p) = split_pipes(&w).expect("pipes");
        assert_eq!(cmd.len(), 3);
        assert!(matches!(p.as_slice(), [Pipe::DisplaySet, Pipe::NoMore]));
        assert!(matches!(
            pipes("show | d j").as_slice(),
            [Pipe::DisplayJson]
        ));
        assert!(matches!(
            pipes("show | d x | ref 5").as_slice(),
            [Pipe::DisplayXml, Pipe::Refresh(5)]
        ));
        assert!(matches!(
            pipes("show | refresh 604800").as_slice(),
            [Pipe::Refresh(604_800)]
        ));
        assert!(matches!(
            pipes("show | display set relative | display detail").as_slice(),
            [Pipe::DisplaySetRelative, Pipe::DisplayDetail]
        ));
        assert!(matches!(
            pipes("show | d s r").as_slice(),
            [Pipe::DisplaySetRelative]
        ));
        assert!(matches!(
            pipes("show | display inheritance").as_slice(),
            [Pipe::DisplayInheritance(true)]
        ));
        assert!(matches!(
            pipes("show | display inheritance no-comments").as_slice(),
            [Pipe::DisplayInheritance(false)]
        ));
        assert!(matches!(
            pipes("show | display omit").as_slice(),
            [Pipe::DisplayOmit]
        ));
        assert!(matches!(
            pipes("show | compare").as_slice(),
            [Pipe::Compare(None)]
        ));
        assert!(matches!(
            pipes("show | compare rollback 3").as_slice(),
            [Pipe::Compare(Some(3))]
        ));
    }

    #[test]
    fn errors_name_the_word() {
        let w = plain_words("show | bogus");
        assert_eq!(split_pipes(&w).unwrap_err().word, 2);
        let w = plain_words("show | match");
        assert_eq!(split_pipes(&w).unwrap_err().word, 3);
        let w = plain_words("show | last x");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "invalid numeric value: 'x'"
        );
        let w = plain_words("show | compare rollback 50");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "Value 50 is not within range (0..49)"
        );
        let w = plain_words("show | refresh 0");
        assert_eq!(
            split_pipes(&w).unwrap_err(),
            PipeError {
                word: 3,
                message: "Value 0 is not within range (1..604800)".into()
            }
        );
        let w = plain_words("show | refresh 604801");
        assert_eq!(
            split_pipes(&w).unwrap_err().message,
            "Value 604801 is not within range (1..604800)"
        );
        let w = plain_words("show | refresh");
        assert_eq!(split_pipes(&w).unwrap_err().word, 3);
        let w = plain_words("show |");
        assert_eq!(split_pipes(&w).unwrap_err().word, 2);
        let w = plain_words("show | count x");
        assert_eq!(split_pipes(&w).unwrap_err().word, 3);
        let w = plain_words("show | match (");
        assert!(split_pipes(&w)
            .unwrap_err()
            .message
            .starts_with("invalid regular expression"));
    }

    #[test]
    fn quoted_bar_is_a_value() {
        let mut w = plain_words("show x | count");
        w[1].text = "|".into();
        w[1].quoted = true;
        let (cmd, p) = split_pipes(&w).expect("pipes");
        assert_eq!((cmd.len(), p.len()), (2, 1));
    }

    proptest! {
        /// `match` and `except` partition the lines, and `count` counts them.
        #[test]
        fn match_and_except_partition(lines in proptest::collection::vec("[a-c]{0,4}", 0..20), pat in "[a-c]") {
            let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            let m = filter(&text, &pipes(&format!("show | match {pat} | count")));
            let e = filter(&text, &pipes(&format!("show | except {pat} | count")));
            let n = |s: &str| -> usize { s.trim_start_matches("Count: ").trim_end_matches(" lines\n").parse().unwrap_or(usize::MAX) };
            prop_assert_eq!(n(&m) + n(&e), lines.len());
        }
    }
}
