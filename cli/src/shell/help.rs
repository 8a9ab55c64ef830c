//! `?` help and Tab completion: what may come next on a partly typed line, read from the
//! operational command tree and the configuration schema (never from the daemon, so that
//! help is instant and works while the daemon is busy).

use super::words::{match_command, resolve, Resolved};
use schema::def::{Kind, Stmt, Type};
use schema::opcmd::{Action, OpCmd, Rest, CONFIGURATION, OPERATIONAL, PIPES};
use schema::table::ROOT;
use schema::tokenize::Word;

/// Where the values that may fill a placeholder come from: the configuration or live state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// The names in a configuration list, by its path from the top (`access tunnel-profile`),
    /// in the configuration being edited (the candidate in configuration mode).
    Keys(Vec<String>),
    /// The names in a list of the active configuration: what operational commands
    /// (`show configuration`, `test services l2tp tunnel tunnel-name`) read, even by `run`.
    ActiveKeys(Vec<String>),
    /// Local tunnel IDs of the tunnels up now.
    TunnelIds,
    /// Local session IDs of the sessions up now.
    SessionIds,
    /// User names of the sessions up now.
    SessionUsers,
    /// Subscriber interfaces of the sessions up now (`pp0.N`, `si-0/0/0.N`).
    SessionInterfaces,
    /// Our gateway names in the tunnels up now.
    LocalGatewayNames,
    /// The peers' gateway names in the tunnels up now.
    PeerGatewayNames,
    /// Tunnel groups (LNS) and tunnel profiles (LAC) of the tunnels up now.
    TunnelGroups,
    /// User names of the subscribers logged in now.
    SubscriberUsers,
    /// Interfaces of the subscribers logged in now (`pp0.N`).
    SubscriberInterfaces,
    /// The auto-sensed VLANs' units now (`ge-1/0/0.1073741824`).
    AutoVlanInterfaces,
}

/// Fetches the values of a source (empty when they cannot be had in time).
pub type Lookup<'a> = &'a mut dyn FnMut(&Source) -> Vec<String>;

/// A lookup that finds nothing: help from the tables alone.
pub fn no_values(_: &Source) -> Vec<String> {
    Vec::new()
}

/// One line of `Possible completions:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `>` container or list, `+` several values, ` ` anything else.
    pub marker: char,
    pub name: String,
    pub help: String,
    /// A word the operator can type as is (Tab completes only these).
    pub literal: bool,
    /// A keyword of the command or schema (Space completes only these), not a value.
    pub keyword: bool,
    /// For a placeholder: where its existing values come from (a reference may name
    /// several lists: `firewall family inet filter` and `firewall filter`).
    pub sources: Vec<Source>,
}

impl Row {
    fn word(marker: char, name: &str, help: &str) -> Row {
        Row {
            marker,
            name: name.to_string(),
            help: help.to_string(),
            literal: true,
            keyword: true,
            sources: Vec::new(),
        }
    }
    /// A value that exists (a profile name, a tunnel ID): Tab completes it, Space does not.
    pub fn value(name: &str, help: &str) -> Row {
        Row {
            marker: ' ',
            name: name.to_string(),
            help: help.to_string(),
            literal: true,
            keyword: false,
            sources: Vec::new(),
        }
    }
    fn placeholder(name: &str, help: &str) -> Row {
        Row {
            marker: ' ',
            name: name.to_string(),
            help: help.to_string(),
            literal: false,
            keyword: false,
            sources: Vec::new(),
        }
    }
    fn with_source(mut self, source: Option<Source>) -> Row {
        self.sources.extend(source);
        self
    }
}

/// Where the operator is: operational mode, or configuration mode at an edit level (words).
#[derive(Clone, Copy, Debug)]
pub enum Where<'a> {
    Operational,
    Configuration { level: &'a [String] },
}

/// Column where help text starts, as in the Junos samples.
fn help_column(at: Where<'_>) -> usize {
    match at {
        Where::Operational => 23,
        Where::Configuration { .. } => 32,
    }
}

/// The `Possible completions:` block for rows, one per line.
pub fn render(at: Where<'_>, rows: &[Row]) -> String {
    let width = help_column(at) - 2;
    let mut out = String::from("Possible completions:\n");
    for r in rows {
        let line = if r.help.is_empty() {
            format!("{} {}", r.marker, r.name)
        } else if r.name.chars().count() < width {
            format!("{} {:<width$}{}", r.marker, r.name, r.help)
        } else {
            format!("{} {} {}", r.marker, r.name, r.help)
        };
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The `Possible completions:` text for `?` typed after `before`, with the existing values
/// `lookup` finds.
pub fn completions_text(
    at: Where<'_>,
    split: super::Splitter,
    before: &str,
    lookup: Lookup<'_>,
) -> String {
    let (complete, partial) = split_partial(before);
    let words = split(complete).unwrap_or_default();
    let mut rows = rows(at, &words, partial);
    add_values(&mut rows, partial, lookup);
    if rows.is_empty() {
        return "No valid completions\n".to_string();
    }
    render(at, &rows)
}

/// Splits text before the cursor into the finished words and the word being typed.
pub fn split_partial(before: &str) -> (&str, &str) {
    match before.char_indices().rev().find(|(_, c)| c.is_whitespace()) {
        Some((i, c)) => (&before[..i], &before[i + c.len_utf8()..]),
        None => ("", before),
    }
}

/// The words Tab can insert for the word being typed at the end of `before`, and where
/// that word starts.
pub fn completions(
    at: Where<'_>,
    split: super::Splitter,
    before: &str,
    lookup: Lookup<'_>,
) -> (usize, Vec<Row>) {
    let (complete, partial) = split_partial(before);
    let Ok(words) = split(complete) else {
        return (before.len(), Vec::new());
    };
    let mut rows = rows(at, &words, partial);
    add_values(&mut rows, partial, lookup);
    rows.retain(|r| r.literal);
    (before.len() - partial.len(), rows)
}

/// Adds the existing values of each placeholder that has a source (a profile's name, a
/// tunnel's ID) as rows of their own, as Junos lists them under the placeholder.
pub fn add_values(rows: &mut Vec<Row>, partial: &str, lookup: Lookup<'_>) {
    let sources: Vec<Source> = rows.iter().flat_map(|r| r.sources.clone()).collect();
    for source in sources {
        for value in lookup(&source) {
            if value.starts_with(partial) && !rows.iter().any(|r| r.name == value) {
                rows.push(Row::value(&value, ""));
            }
        }
    }
    sort(rows);
}

/// What may follow `words` (all complete) when the word being typed is `partial`.
pub fn rows(at: Where<'_>, words: &[Word], partial: &str) -> Vec<Row> {
    let mut all = if let Some(bar) = words.iter().rposition(|w| !w.quoted && w.text == "|") {
        let rows = pipe_rows(&words[bar + 1..], shows_configuration(at, &words[..bar]));
        if only_displays(at, &words[..bar]) {
            // `| display json|xml` alone (`OpCmd::display`).
            let display = ["display", "json", "xml", "<[Enter]>", "|"];
            rows.into_iter()
                .filter(|r| display.contains(&r.name.as_str()))
                .collect()
        } else {
            rows
        }
    } else {
        match at {
            Where::Operational => op_rows(&OPERATIONAL, words, at),
            Where::Configuration { .. } => op_rows(&CONFIGURATION, words, at),
        }
    };
    all.retain(|r| !r.literal || r.name.starts_with(partial));
    if !partial.is_empty() {
        all.retain(|r| r.literal || r.name.starts_with('<') && r.name != "<[Enter]>");
    }
    sort(&mut all);
    all
}

/// Junos' order: `<[Enter]>`, then the `<value>` placeholders, then the words alphabetically,
/// then `|`.
fn sort(rows: &mut [Row]) {
    let rank = |r: &Row| match r.name.as_str() {
        "<[Enter]>" => 0,
        "|" => 3,
        _ if !r.literal => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| match rank(a) {
            // Tunnel and session IDs by value, names alphabetically.
            2 => match (a.name.parse::<u64>(), b.name.parse::<u64>()) {
                (Ok(x), Ok(y)) => x.cmp(&y),
                _ => a.name.cmp(&b.name),
            },
            _ => std::cmp::Ordering::Equal,
        })
    });
}

/// What Space does at the end of `before` (complete-on-space).
#[derive(Debug, PartialEq, Eq)]
pub enum Space {
    /// The word is the unique abbreviation of a keyword: insert this, then the space.
    Complete(String),
    /// Several keywords start with the word and no value could: show this and insert nothing.
    Ambiguous(String),
    /// An ordinary space (a whole word, a value, nothing typed).
    Plain,
}

/// Space after a partly typed word completes it as Tab does when one keyword starts with
/// it, and says it is ambiguous (as Junos does) when several do and no value is possible.
/// `column` is where the line starts on screen, for the `^` under the word.
pub fn on_space(at: Where<'_>, split: super::Splitter, before: &str, column: usize) -> Space {
    // Inside quotes a space is part of the value.
    if before.matches('"').count() % 2 == 1 {
        return Space::Plain;
    }
    let (complete, partial) = split_partial(before);
    if partial.is_empty() {
        return Space::Plain;
    }
    let Ok(words) = split(complete) else {
        return Space::Plain;
    };
    let all = rows(at, &words, partial);
    let keywords: Vec<&Row> = all.iter().filter(|r| r.literal && r.keyword).collect();
    if keywords.iter().any(|r| r.name == partial) {
        return Space::Plain;
    }
    match keywords.as_slice() {
        [only] => Space::Complete(only.name.get(partial.len()..).unwrap_or("").to_string()),
        [] => Space::Plain,
        _ if all.iter().any(|r| !r.literal || !r.keyword) => Space::Plain,
        _ => {
            let typed = before.get(..before.len() - partial.len()).unwrap_or("");
            let start = column + typed.chars().count();
            let rows: Vec<Row> = keywords.into_iter().cloned().collect();
            Space::Ambiguous(format!(
                "{}'{partial}' is ambiguous.\n{}",
                super::render::caret(start),
                render(at, &rows)
            ))
        }
    }
}

/// Tab when the word cannot be extended (several completions and nothing in common beyond
/// what is typed): the `Possible completions:` list, as `?` shows it. `None` lets the line
/// editor complete.
pub fn on_tab(
    at: Where<'_>,
    split: super::Splitter,
    before: &str,
    lookup: Lookup<'_>,
) -> Option<String> {
    let (_, partial) = split_partial(before);
    let (_, rows) = completions(at, split, before, &mut *lookup);
    if rows.len() < 2 {
        return None;
    }
    let first = rows.first()?.name.as_str();
    let common = rows.iter().fold(first.len(), |n, r| {
        first
            .bytes()
            .zip(r.name.bytes())
            .take(n)
            .take_while(|(a, b)| a == b)
            .count()
    });
    (common <= partial.len()).then(|| completions_text(at, split, before, lookup))
}

/// `| compare` applies to configuration shows only.
fn shows_configuration(at: Where<'_>, command: &[Word]) -> bool {
    let (root, show) = match at {
        Where::Operational => (&OPERATIONAL, Action::ShowConfiguration),
        Where::Configuration { .. } => (&CONFIGURATION, Action::Show),
    };
    match match_command(root, command) {
        Ok(c) if c.action == Action::Run => shows_configuration(Where::Operational, c.args),
        Ok(c) => c.action == show,
        Err(_) => false,
    }
}

/// True for a command that takes `| display json|xml` and no other pipe (a clear).
fn only_displays(at: Where<'_>, command: &[Word]) -> bool {
    matches!(at, Where::Operational)
        && match_command(&OPERATIONAL, command).is_ok_and(|c| c.node.display && !c.node.pipe)
}

fn enter() -> Row {
    Row::placeholder("<[Enter]>", "Execute this command")
}
fn pipe() -> Row {
    Row::placeholder("|", "Pipe through a command")
}

fn op_rows(root: &'static OpCmd, words: &[Word], at: Where<'_>) -> Vec<Row> {
    let mut node = root;
    let mut runnable = false;
    let mut i = 0;
    while i < words.len() {
        if node.options {
            return option_rows(node, &words[i..], runnable);
        }
        let w = &words[i];
        match resolve(w.text.as_str(), node.children.iter(), |c| c.name) {
            Resolved::One(child) if !w.quoted => {
                node = child;
                runnable |= child.action.is_some();
                i += 1;
                if let Some((placeholder, help)) = child.value {
                    if i == words.len() {
                        return vec![Row::placeholder(placeholder, help)];
                    }
                    i += 1;
                }
            }
            _ if node.rest != Rest::Nothing => break,
            _ => return Vec::new(),
        }
    }
    let args = &words[i..];
    if node.options {
        return option_rows(node, args, runnable);
    }
    // `top CMD`: CMD is any configuration command, written from the top (issue 16).
    if node.action == Some(schema::opcmd::Action::Top) && matches!(at, Where::Configuration { .. })
    {
        let mut rows = op_rows(root, args, Where::Configuration { level: &[] });
        if args.is_empty() {
            rows.insert(0, enter());
        }
        return rows;
    }
    let mut path_end = PathEnd::Nothing;
    let mut out = match node.rest {
        Rest::ConfigPath => {
            let (start, prefix) = match at {
                Where::Configuration { level } => (level_stmt(level), level),
                Where::Operational => (&ROOT, &[][..]),
            };
            let active = matches!(at, Where::Operational);
            let goes_on = node.action == Some(schema::opcmd::Action::Set);
            let (rows, end) = schema_rows(start, prefix, args, active, goes_on);
            path_end = end;
            rows
        }
        Rest::OpCommand => return op_rows(&OPERATIONAL, args, Where::Operational),
        Rest::Words { placeholder, help } if args.is_empty() => {
            vec![Row::placeholder(placeholder, help).with_source(words_source(node))]
        }
        Rest::Words { .. } | Rest::Nothing if !args.is_empty() => Vec::new(),
        Rest::Words { .. } | Rest::Nothing => node
            .children
            .iter()
            .map(|c| Row::word(' ', c.name, c.help))
            .collect(),
    };
    // Configuration-mode commands other than `show` take a path, so `<[Enter]>` is only
    // offered where the command is complete as typed, and never before what it needs.
    let path_runs = node.pipe || runs_on(node.action, path_end);
    let complete = runnable
        && (node.rest != Rest::ConfigPath || path_runs)
        && node.needs.met(&[], !args.is_empty());
    if complete {
        out.insert(0, enter());
    }
    // Output is piped only where the command runs.
    if complete && (node.pipe || node.display) {
        out.push(pipe());
    }
    out
}

/// The options of a command such as `commit`, in any order, each once.
/// A command whose own `rest` is free words (`show interfaces [NAME] [LEVEL]`) takes one
/// such word among its options.
fn option_rows(node: &'static OpCmd, args: &[Word], runnable: bool) -> Vec<Row> {
    let mut used: Vec<&str> = Vec::new();
    let mut free_word = match node.rest {
        Rest::Words { placeholder, help } => Some((placeholder, help)),
        _ => None,
    };
    let mut i = 0;
    while i < args.len() {
        match resolve(args[i].text.as_str(), node.children.iter(), |c| c.name) {
            Resolved::One(opt) => {
                used.push(opt.name);
                i += 1;
                match (opt.value, opt.rest) {
                    (Some((placeholder, help)), _) => {
                        if i == args.len() {
                            let source = option_source(node, opt.name);
                            return vec![Row::placeholder(placeholder, help).with_source(source)];
                        }
                        i += 1;
                    }
                    (None, Rest::Words { placeholder, help }) => {
                        let next_is_option = args.get(i).is_some_and(|w| {
                            !matches!(
                                resolve(w.text.as_str(), node.children.iter(), |c| c.name),
                                Resolved::None
                            )
                        });
                        if i == args.len() {
                            let mut rows = option_tail(node, &used, free_word, runnable);
                            rows.push(Row::placeholder(placeholder, help));
                            return rows;
                        }
                        if !next_is_option {
                            i += 1;
                        }
                    }
                    _ => {}
                }
            }
            Resolved::None if free_word.is_some() => {
                free_word = None;
                i += 1;
            }
            _ => return Vec::new(),
        }
    }
    option_tail(node, &used, free_word, runnable)
}

/// What may follow options `used` of `node`: `<[Enter]>` once the command has what it
/// needs, its free word if not yet given, the options not yet given, `|`.
fn option_tail(
    node: &'static OpCmd,
    used: &[&str],
    free_word: Option<(&'static str, &'static str)>,
    runnable: bool,
) -> Vec<Row> {
    let words_given = free_word.is_none() && matches!(node.rest, Rest::Words { .. });
    let complete = runnable && node.needs.met(used, words_given);
    let mut out = Vec::new();
    if complete {
        out.push(enter());
    }
    if let Some((placeholder, help)) = free_word {
        out.push(Row::placeholder(placeholder, help).with_source(words_source(node)));
    }
    out.extend(
        node.children
            .iter()
            .filter(|c| !used.contains(&c.name) && !node.needs.excludes(used, c.name))
            .map(|c| Row::word(' ', c.name, c.help)),
    );
    if complete && (node.pipe || node.display) {
        out.push(pipe());
    }
    out
}

fn pipe_rows(after_bar: &[Word], configuration_show: bool) -> Vec<Row> {
    let Some(first) = after_bar.first() else {
        return PIPES
            .iter()
            .filter(|p| configuration_show || p.name != "compare")
            .map(|p| Row::word(' ', p.name, p.help))
            .collect();
    };
    match resolve(first.text.as_str(), PIPES.iter(), |c| c.name) {
        Resolved::One(p) => match (p.value, after_bar.len()) {
            (Some((placeholder, help)), 1) => vec![Row::placeholder(placeholder, help)],
            (None, 1) if !p.children.is_empty() => p
                .children
                .iter()
                .map(|c| Row::word(' ', c.name, c.help))
                .collect(),
            (None, 1) if p.name == "compare" => {
                vec![
                    enter(),
                    Row::word(' ', "rollback", "Index of rollback (0..49)"),
                    pipe(),
                ]
            }
            _ => vec![enter(), pipe()],
        },
        _ => Vec::new(),
    }
}

/// The statement at an edit level given as words (keywords and list keys).
pub fn level_stmt(level: &[String]) -> &'static Stmt {
    let mut stmt: &'static Stmt = &ROOT;
    let mut i = 0;
    while let Some(word) = level.get(i) {
        let Some(child) = stmt.child(word) else {
            return stmt;
        };
        match child.kind {
            Kind::Container => i += 1,
            Kind::List(_) => i += 2,
            _ => return stmt,
        }
        stmt = child;
    }
    stmt
}

/// Where a typed configuration path stops, which says whether a command may run on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PathEnd {
    /// No path (`set`), or words the schema does not know.
    Nothing,
    /// A container (`access`).
    Container,
    /// A list without its key yet (`access tunnel-profile`).
    ListName,
    /// A list entry (`access tunnel-profile tp1`).
    Entry,
    /// A leaf without its value (`system host-name`).
    Leaf,
    /// A leaf and its value (`system host-name r1`).
    Value,
    /// A flag (`... drain`).
    Flag,
}

/// True when `action` runs on a path that stops at `end`, as Junos takes it: `edit` a
/// container or entry, `delete`/`activate`/`deactivate` any statement, `set` a value, a
/// flag or an entry.
fn runs_on(action: Option<schema::opcmd::Action>, end: PathEnd) -> bool {
    use schema::opcmd::Action as A;
    use PathEnd as E;
    match action {
        Some(A::Edit) => matches!(end, E::Container | E::Entry),
        Some(A::Delete | A::Activate | A::Deactivate) => {
            matches!(end, E::Container | E::Entry | E::Leaf | E::Value | E::Flag)
        }
        Some(A::Set) => matches!(end, E::Entry | E::Value | E::Flag),
        _ => false,
    }
}

/// What may follow a configuration path, and where the path stops; `prefix` is the path of
/// `start` (the edit level), so a list's existing names can be asked for by their path
/// from the top. `goes_on` (`set`): after a leaf's value or a flag the next word is another
/// statement of the same container, as `set` reads it.
fn schema_rows(
    start: &'static Stmt,
    prefix: &[String],
    words: &[Word],
    active: bool,
    goes_on: bool,
) -> (Vec<Row>, PathEnd) {
    let list = |path: Vec<String>| match active {
        true => Source::ActiveKeys(path),
        false => Source::Keys(path),
    };
    let mut stmt = start;
    let mut path: Vec<String> = prefix.to_vec();
    let mut end = PathEnd::Nothing;
    let mut i = 0;
    // A statement with a positional value (`unnumbered-address lo0.0 …`, `file l2tpd …`)
    // takes a word that is none of its keywords as that value, once.
    let mut positional_given = false;
    // At a grouped list's own block (`[edit interfaces]`, `set interfaces interface-range`)
    // only its list-level statements; in an entry, only the others.
    let mut list_block =
        start.has_list_block() && prefix.last().is_some_and(|w| w.as_str() == start.name);
    // `apply-groups` stands in every block, but not at a list's level without its block
    // (`[edit groups]`, where a name is asked for): it is an entry's statement there.
    let mut at_list_level = matches!(start.kind, Kind::List(_))
        && !list_block
        && prefix.last().is_some_and(|w| w.as_str() == start.name);
    while let Some(word) = words.get(i) {
        let here = stmt
            .children
            .iter()
            .filter(|c| c.list_level == list_block)
            .chain(stmt.group_statements().filter(|_| !at_list_level));
        let child = match resolve(word.text.as_str(), here, |c| c.name) {
            Resolved::One(c) if !word.quoted => c,
            // `client-list L 127.0.0.0/8`: a word that names nothing is a keyless list's key.
            Resolved::None if stmt.keyless_child().is_some() => {
                let Some(list) = stmt.keyless_child() else {
                    return (Vec::new(), PathEnd::Nothing);
                };
                path.push(word.text.clone());
                i += 1;
                stmt = list;
                end = PathEnd::Entry;
                continue;
            }
            _ if stmt.positional_child().is_some() && !positional_given => {
                positional_given = true;
                i += 1;
                continue;
            }
            _ => return (Vec::new(), PathEnd::Nothing),
        };
        i += 1;
        path.push(child.name.to_string());
        list_block = false;
        at_list_level = false;
        match child.kind {
            Kind::Container => {
                stmt = child;
                end = PathEnd::Container;
            }
            Kind::List(key) => {
                // The statements of the list's own block (`interface-range`, and the group
                // statements beside it, in a list that has such a block).
                let own_block = || {
                    child
                        .children
                        .iter()
                        .filter(|c| c.list_level)
                        .chain(child.group_statements().filter(|_| child.has_list_block()))
                };
                if i == words.len() {
                    // A key that names another object (a dynamic profile's `filter input F
                    // { ... }`) is offered the names it may take, beside the entries there.
                    let referred: Vec<Source> = child
                        .references()
                        .map(|to| list(to.iter().map(|w| w.to_string()).collect()))
                        .collect();
                    let source = Some(list(path));
                    let mut placeholder =
                        Row::placeholder(&key.placeholder(), child.help).with_source(source);
                    placeholder.sources.extend(referred);
                    let block = own_block();
                    let rows = std::iter::once(placeholder)
                        .chain(block.map(|c| Row::word(marker(c), c.name, c.help)))
                        .collect();
                    return (rows, PathEnd::ListName);
                }
                // `interfaces interface-range`: a statement of the list's own block.
                let next = words.get(i).map(|w| w.text.as_str());
                if own_block().any(|c| Some(c.name) == next) {
                    stmt = child;
                    list_block = true;
                    end = PathEnd::Container;
                    continue;
                }
                path.extend(words.get(i).map(|w| w.text.clone()));
                i += 1;
                stmt = child;
                end = PathEnd::Entry;
            }
            Kind::Leaf(ty) | Kind::LeafList(ty) => {
                if i == words.len() {
                    // Every list the value may name: `refers_to` and `refers_also_to`.
                    let sources = child
                        .references()
                        .map(|to| list(to.iter().map(|w| w.to_string()).collect()))
                        .collect();
                    let mut rows = value_rows(ty, child.help);
                    if let Some(first) = rows.iter_mut().find(|r| !r.literal) {
                        first.sources = sources;
                    }
                    return (rows, PathEnd::Leaf);
                }
                let one_value = words[i].text != "[" || words[i].quoted;
                if goes_on && one_value {
                    i += 1;
                    end = PathEnd::Value;
                    continue;
                }
                let end = match words.len() - i {
                    1 => PathEnd::Value,
                    _ => PathEnd::Nothing,
                };
                return (Vec::new(), end);
            }
            Kind::Flag if goes_on => end = PathEnd::Flag,
            Kind::Flag if i == words.len() => return (Vec::new(), PathEnd::Flag),
            Kind::Flag => return (Vec::new(), PathEnd::Nothing),
        }
    }
    // `unnumbered-address lo0.0` is whole: Enter sets it.
    if positional_given {
        end = PathEnd::Value;
    }
    let positional = stmt.positional_child();
    let value = positional
        .filter(|_| !positional_given)
        .and_then(|p| match p.kind {
            Kind::Leaf(ty) => Some(Row::placeholder(&ty.placeholder(), p.help)),
            _ => None,
        });
    // `set ?` at `[edit interfaces]`: an interface's name, beside the block's statements.
    let key = match stmt.kind {
        Kind::List(key) if list_block => Some(Row::placeholder(&key.placeholder(), stmt.help)),
        _ => None,
    };
    let rows = value
        .into_iter()
        .chain(key)
        .chain(
            stmt.children
                .iter()
                .filter(|c| !c.positional && c.list_level == list_block)
                .chain(stmt.group_statements().filter(|_| !at_list_level))
                .map(|c| match c.kind {
                    Kind::List(key) if c.is_keyless() => {
                        Row::placeholder(&key.placeholder(), c.help)
                    }
                    _ => Row::word(marker(c), c.name, c.help),
                }),
        )
        .collect();
    (rows, end)
}

/// Where the values of option `option` of command `node` come from, if they exist already.
fn option_source(node: &OpCmd, option: &str) -> Option<Source> {
    use schema::opcmd::Action as A;
    let l2tp = matches!(
        node.action,
        Some(
            A::ShowL2tpDestination
                | A::ShowL2tpTunnel
                | A::ShowL2tpSession
                | A::ClearL2tpDestination
                | A::ClearL2tpTunnel
                | A::ClearL2tpSession
        )
    );
    let keys = |path: &[&str]| {
        Some(Source::ActiveKeys(
            path.iter().map(|w| w.to_string()).collect(),
        ))
    };
    match (node.action, option) {
        (_, "local-tunnel-id") if l2tp => Some(Source::TunnelIds),
        (_, "local-session-id") if l2tp => Some(Source::SessionIds),
        (_, "user") if l2tp => Some(Source::SessionUsers),
        (_, "interface") if l2tp => Some(Source::SessionInterfaces),
        (_, "local-gateway-name") if l2tp => Some(Source::LocalGatewayNames),
        (_, "peer-gateway-name") if l2tp => Some(Source::PeerGatewayNames),
        (_, "tunnel-group") if l2tp => Some(Source::TunnelGroups),
        (Some(A::TestL2tpTunnel), "tunnel-name") => keys(&["access", "tunnel-profile"]),
        (Some(A::TestAaaPpp), "profile") => keys(&["access", "profile"]),
        (Some(A::ShowFirewall | A::ClearFirewall), "filter") => {
            keys(&["firewall", "family", "inet", "filter"])
        }
        (Some(A::ShowSubscribers), "user-name")
        | (Some(A::ShowAaaSubscribers | A::ClearNetworkAccessAaaSubscriber), "username") => {
            Some(Source::SubscriberUsers)
        }
        _ => None,
    }
}

/// Where the free word of `node` comes from (`show network-access address-assignment pool`).
fn words_source(node: &OpCmd) -> Option<Source> {
    match node.action {
        Some(schema::opcmd::Action::ShowInterfaces) => Some(Source::SubscriberInterfaces),
        Some(schema::opcmd::Action::ClearAutoConfigurationInterfaces) => {
            Some(Source::AutoVlanInterfaces)
        }
        Some(schema::opcmd::Action::ShowAddressAssignmentPool) => Some(Source::ActiveKeys(
            ["access", "address-assignment", "pool"]
                .iter()
                .map(|w| w.to_string())
                .collect(),
        )),
        _ => None,
    }
}

fn marker(stmt: &Stmt) -> char {
    match stmt.kind {
        Kind::Container | Kind::List(_) => '>',
        Kind::LeafList(_) => '+',
        Kind::Leaf(_) | Kind::Flag => ' ',
    }
}

fn value_rows(ty: Type, help: &str) -> Vec<Row> {
    match ty {
        Type::Enum(choices) => choices.iter().map(|c| Row::word(' ', c, "")).collect(),
        Type::UintOr { words, .. } => std::iter::once(Row::placeholder(&ty.placeholder(), help))
            .chain(words.iter().map(|w| Row::word(' ', w, "")))
            .collect(),
        _ => vec![Row::placeholder(&ty.placeholder(), help)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;

    /// What the `interfaces` block itself takes: an interface's name, and its own statements.
    const INTERFACES_BLOCK: [&str; 4] = [
        "<interface-name>",
        "apply-groups",
        "apply-groups-except",
        "interface-range",
    ];

    /// The names `?` offers after `line` typed at the top.
    fn offered_at_top(line: &str) -> Vec<String> {
        let r = rows(Where::Configuration { level: &[] }, &plain_words(line), "");
        names(&r).iter().map(|n| n.to_string()).collect()
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn operational_root_and_prefix() {
        let r = rows(Where::Operational, &[], "");
        assert_eq!(
            names(&r),
            [
                "clear",
                "configure",
                "exit",
                "help",
                "monitor",
                "quit",
                "request",
                "set",
                "show",
                "test"
            ]
        );
        assert_eq!(names(&rows(Where::Operational, &[], "s")), ["set", "show"]);
        assert_eq!(names(&rows(Where::Operational, &[], "sh")), ["show"]);
    }

    #[test]
    fn l2tp_options_values_and_pipe() {
        let at = |line: &str, partial: &str| {
            let r = rows(Where::Operational, &plain_words(line), partial);
            names(&r).iter().map(|n| n.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(
            at("show services l2tp", ""),
            [
                "destination",
                "disconnect-cause-summary",
                "session",
                "summary",
                "tunnel"
            ]
        );
        // Options already given are not offered again; the output may be piped.
        let after = at(
            "show services l2tp tunnel extensive local-tunnel-id 17967",
            "",
        );
        assert_eq!(after.first().map(String::as_str), Some("<[Enter]>"));
        assert!(!after.contains(&"local-tunnel-id".to_string()), "{after:?}");
        assert!(after.contains(&"peer-gateway".to_string()), "{after:?}");
        assert_eq!(after.last().map(String::as_str), Some("|"));
        assert_eq!(
            at("show services l2tp session local-gateway", ""),
            ["<local-gateway>"]
        );
        assert_eq!(
            at("show services l2tp session local-", ""),
            Vec::<String>::new()
        );
        assert_eq!(
            at("show services l2tp session", "local-"),
            ["local-gateway", "local-session-id", "local-tunnel-id"]
        );
        // A clear pipes only into `| display json|xml`.
        let clear = at("clear services l2tp tunnel all", "");
        assert!(clear.contains(&"force".to_string()), "{clear:?}");
        assert!(clear.contains(&"|".to_string()), "{clear:?}");
        assert_eq!(at("clear services l2tp tunnel all |", ""), ["display"]);
    }

    #[test]
    fn operational_complete_command_offers_enter_and_pipe() {
        let r = rows(Where::Operational, &plain_words("show system"), "");
        assert_eq!(
            names(&r),
            [
                "commit",
                "configuration",
                "processes",
                "rollback",
                "statistics",
                "storage",
                "uptime",
                "users"
            ]
        );
        let r = rows(Where::Operational, &plain_words("sh sys users"), "");
        assert_eq!(names(&r), ["<[Enter]>", "|"]);
        let r = rows(Where::Operational, &plain_words("configure"), "");
        assert_eq!(names(&r), ["<[Enter]>", "exclusive", "private"]);
        assert_eq!(
            render(Where::Operational, &r),
            "Possible completions:\n\
             \x20 <[Enter]>            Execute this command\n\
             \x20 exclusive            Obtain exclusive lock (other users cannot commit)\n\
             \x20 private              Work in private database (other users cannot change it)\n"
        );
    }

    #[test]
    fn configuration_paths_from_the_schema() {
        let at = Where::Configuration { level: &[] };
        let r = rows(at, &plain_words("set"), "");
        let mut expected: Vec<&str> = ROOT.children.iter().map(|c| c.name).collect();
        expected.sort_unstable();
        assert_eq!(names(&r), expected);
        // Blocks are marked '>', leaves (`access-profile`) are not.
        assert!(r.iter().all(|r| ROOT
            .children
            .iter()
            .any(|c| c.name == r.name && (r.marker == '>') == c.has_block())));
        // The first block (`version`, a leaf, comes before `system`).
        let first = ROOT
            .children
            .iter()
            .find(|c| c.has_block())
            .expect("a block");
        assert!(render(at, &r).contains(&format!("> {:<30}{}\n", first.name, first.help)));
        // An edit level starts the walk below the root.
        let level = [first.name.to_string()];
        let r = rows(
            Where::Configuration { level: &level },
            &plain_words("set"),
            "",
        );
        let mut expected: Vec<&str> = first.children.iter().map(|c| c.name).collect();
        expected.sort_unstable();
        assert_eq!(names(&r), expected);
    }

    /// `interface-range` belongs to the `interfaces` block, beside the interfaces' names,
    /// and an interface's block does not offer it (nor the range block an interface's
    /// statements).
    #[test]
    fn interface_range_is_offered_at_the_interfaces_block_only() {
        let top = Where::Configuration { level: &[] };
        let at = |line: &str| {
            let r = rows(top, &plain_words(line), "");
            names(&r).iter().map(|n| n.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(at("set interfaces"), INTERFACES_BLOCK);
        assert_eq!(at("set interfaces interface-range"), ["<name>"]);
        let entry = at("set interfaces ge-0/0/0");
        assert!(entry.contains(&"description".to_string()), "{entry:?}");
        assert!(!entry.contains(&"interface-range".to_string()), "{entry:?}");
        let range = at("set interfaces interface-range r");
        for word in ["member", "member-range", "description", "unit"] {
            assert!(range.contains(&word.to_string()), "{word}: {range:?}");
        }
        let level = ["interfaces".to_string()];
        let r = rows(
            Where::Configuration { level: &level },
            &plain_words("set"),
            "",
        );
        assert_eq!(names(&r), INTERFACES_BLOCK);
    }

    /// `apply-groups` and `apply-groups-except` are offered wherever they are taken: in
    /// every block below the top, an interface's, and the `interfaces` block itself.
    #[test]
    fn apply_groups_is_offered_at_every_level_that_takes_it() {
        let top = Where::Configuration { level: &[] };
        let at = offered_at_top;
        let both = [
            "apply-groups".to_string(),
            "apply-groups-except".to_string(),
        ];
        for line in [
            "set system",
            "set interfaces ge-0/0/0",
            "set interfaces ge-0/0/0 unit 0",
        ] {
            let offered = at(line);
            assert!(
                both.iter().all(|w| offered.contains(w)),
                "{line}: {offered:?}"
            );
        }
        assert_eq!(at("set interfaces"), INTERFACES_BLOCK);
        // Completion of a prefix (what Tab completes from).
        let r = rows(top, &plain_words("set interfaces ge-0/0/0"), "apply");
        assert_eq!(names(&r), ["apply-groups", "apply-groups-except"]);
        // The group's name is asked for, from the groups configured.
        for line in [
            "set system apply-groups",
            "set interfaces apply-groups-except",
        ] {
            let r = rows(top, &plain_words(line), "");
            assert!(
                r.first().is_some_and(|r| !r.literal),
                "{line}: {:?}",
                names(&r)
            );
            assert!(
                r.first().is_some_and(|r| !r.sources.is_empty()),
                "{line}: no source of names"
            );
        }
        // The top takes `apply-groups` only (its table names it); every grouped list's
        // block takes both, beside its entries (`radius-server { apply-groups G; ... }`).
        let root = at("set");
        assert!(
            root.contains(&both[0]) && !root.contains(&both[1]),
            "{root:?}"
        );
        let radius = at("set access radius-server");
        assert!(radius.contains(&"<address>".to_string()), "{radius:?}");
        assert!(both.iter().all(|b| radius.contains(b)), "{radius:?}");
    }

    /// `client-list L { P; }`: the prefix is offered as a value, and after it what the
    /// entry takes.
    #[test]
    fn a_keyless_list_offers_its_key_then_its_statements() {
        let at = Where::Configuration { level: &[] };
        let r = rows(at, &plain_words("set snmp client-list pollers"), "");
        // An empty list may be set as it is; its block takes the group statements too.
        assert_eq!(
            names(&r),
            [
                "<[Enter]>",
                "<prefix>",
                "apply-groups",
                "apply-groups-except"
            ]
        );
        assert!(!r[1].keyword, "{:?}", names(&r));
        let r = rows(
            at,
            &plain_words("set snmp client-list pollers 127.0.0.0/8"),
            "",
        );
        assert!(names(&r).contains(&"restrict"), "{:?}", names(&r));
    }

    /// `mtu (size | use-lower-layer)`: the range and the keyword are both offered.
    #[test]
    fn a_number_or_keyword_offers_both() {
        let at = Where::Configuration { level: &[] };
        let r = rows(
            at,
            &plain_words("set interfaces ge-1/0/0 unit 0 family pppoe mtu"),
            "",
        );
        assert_eq!(names(&r), ["<576..9192>", "use-lower-layer"]);
    }

    /// Finds a statement of each interesting kind anywhere in the table, so the test follows
    /// the table as it grows.
    fn find(
        stmt: &'static Stmt,
        path: &mut Vec<&'static str>,
        pred: &dyn Fn(&Stmt) -> bool,
    ) -> Option<&'static Stmt> {
        for c in stmt.children {
            path.push(c.name);
            if pred(c) {
                return Some(c);
            }
            if let Kind::List(_) = c.kind {
                path.push("k1");
            }
            if let Some(found) = find(c, path, pred) {
                return Some(found);
            }
            if let Kind::List(_) = c.kind {
                path.pop();
            }
            path.pop();
        }
        None
    }

    #[test]
    fn keys_and_values() {
        let at = Where::Configuration { level: &[] };
        let mut path = Vec::new();
        let list = find(&ROOT, &mut path, &|s| matches!(s.kind, Kind::List(_))).expect("a list");
        let Kind::List(key) = list.kind else {
            unreachable!()
        };
        let r = rows(at, &plain_words(&format!("set {}", path.join(" "))), "");
        let source = Source::Keys(path.iter().map(|w| w.to_string()).collect());
        assert_eq!(
            r,
            vec![Row::placeholder(&key.placeholder(), list.help).with_source(Some(source))]
        );

        let mut path = Vec::new();
        let leaf = find(&ROOT, &mut path, &|s| {
            matches!(s.kind, Kind::Leaf(Type::Enum(_)))
        })
        .expect("an enum leaf");
        let Kind::Leaf(Type::Enum(choices)) = leaf.kind else {
            unreachable!()
        };
        let r = rows(at, &plain_words(&format!("set {}", path.join(" "))), "");
        let mut choices = choices.to_vec();
        choices.sort_unstable();
        assert_eq!(names(&r), choices);

        let mut path = Vec::new();
        let leaf = find(&ROOT, &mut path, &|s| {
            matches!(s.kind, Kind::Leaf(Type::Uint { .. }))
        })
        .expect("a number");
        let Kind::Leaf(ty) = leaf.kind else {
            unreachable!()
        };
        let r = rows(at, &plain_words(&format!("set {}", path.join(" "))), "");
        assert_eq!(names(&r), [ty.placeholder()]);
    }

    #[test]
    fn configuration_commands_and_options() {
        let at = Where::Configuration { level: &[] };
        let r = rows(at, &[], "");
        assert_eq!(
            names(&r),
            CONFIGURATION
                .children
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
        );
        assert_eq!(names(&rows(at, &[], "de")), ["deactivate", "delete"]);
        let r = rows(at, &plain_words("commit"), "");
        assert_eq!(
            names(&r),
            [
                "<[Enter]>",
                "and-quit",
                "at",
                "check",
                "comment",
                "confirmed"
            ]
        );
        let r = rows(at, &plain_words("commit confirmed"), "");
        assert_eq!(
            names(&r),
            [
                "<[Enter]>",
                "<confirm-timeout>",
                "and-quit",
                "at",
                "check",
                "comment"
            ]
        );
        let r = rows(at, &plain_words("commit confirmed 5 and-quit"), "");
        assert_eq!(names(&r), ["<[Enter]>", "at", "check", "comment"]);
        let r = rows(at, &plain_words("commit comment"), "");
        assert_eq!(names(&r), ["<comment>"]);
        let r = rows(at, &plain_words("show"), "");
        assert_eq!(r.first().map(|r| r.name.as_str()), Some("<[Enter]>"));
        assert_eq!(r.last().map(|r| r.name.as_str()), Some("|"));
        let r = rows(at, &plain_words("run show system"), "");
        assert_eq!(
            names(&r),
            [
                "commit",
                "configuration",
                "processes",
                "rollback",
                "statistics",
                "storage",
                "uptime",
                "users"
            ]
        );
    }

    #[test]
    fn pipe_help() {
        let r = rows(Where::Operational, &plain_words("show system users |"), "");
        assert!(!names(&r).contains(&"compare"));
        assert!(names(&r).contains(&"count"));
        let r = rows(Where::Operational, &plain_words("show configuration |"), "");
        assert!(names(&r).contains(&"compare"));
        assert_eq!(
            names(&rows(
                Where::Operational,
                &plain_words("show configuration | match"),
                ""
            )),
            ["<pattern>"]
        );
        assert_eq!(
            names(&rows(
                Where::Operational,
                &plain_words("show configuration | display"),
                ""
            )),
            ["detail", "inheritance", "json", "omit", "set", "xml"]
        );
    }

    fn split(line: &str) -> Result<Vec<Word>, (usize, String)> {
        Ok(plain_words(line))
    }

    #[test]
    fn space_completes_a_unique_keyword() {
        let op = Where::Operational;
        assert_eq!(on_space(op, split, "sh", 0), Space::Complete("ow".into()));
        assert_eq!(
            on_space(op, split, "show serv", 0),
            Space::Complete("ices".into())
        );
        // A whole word, no word, or a word nothing starts with: just a space.
        assert_eq!(on_space(op, split, "show", 0), Space::Plain);
        assert_eq!(on_space(op, split, "show ", 0), Space::Plain);
        assert_eq!(on_space(op, split, "bogus", 0), Space::Plain);
        // Pipes complete too.
        assert_eq!(
            on_space(op, split, "show system users | m", 0),
            Space::Complete("atch".into())
        );
        // Inside quotes a space is part of the value.
        let cfg = Where::Configuration { level: &[] };
        assert_eq!(
            on_space(cfg, split, "annotate system \"a sy", 0),
            Space::Plain
        );
        // A value (a new profile name) is never completed or refused.
        assert_eq!(
            on_space(cfg, split, "set access tunnel-profile t", 0),
            Space::Plain
        );
    }

    #[test]
    fn space_on_an_ambiguous_keyword_lists_the_candidates() {
        let at = Where::Operational;
        let Space::Ambiguous(text) = on_space(at, split, "s", 13) else {
            panic!("not ambiguous");
        };
        assert_eq!(
            text,
            "             ^\n's' is ambiguous.\nPossible completions:\n\
             \x20 set                  Set CLI properties\n\
             \x20 show                 Show system information\n"
        );
        let Space::Ambiguous(text) = on_space(at, split, "show services l2tp s", 0) else {
            panic!("not ambiguous");
        };
        assert!(
            text.starts_with("                   ^\n's' is ambiguous."),
            "{text}"
        );
        assert!(
            text.contains("  session  ") && text.contains("  summary  "),
            "{text}"
        );
    }

    #[test]
    fn tab_lists_once_nothing_more_can_be_completed() {
        let at = Where::Operational;
        // `s` can become `set` or `show`: nothing in common beyond `s`, so Tab lists.
        let text = on_tab(at, split, "s", &mut no_values).expect("a list");
        assert!(text.starts_with("Possible completions:\n  set"), "{text}");
        // `show services l2tp d` extends to `d` + `destination`/`disconnect...`: nothing more.
        assert!(on_tab(at, split, "show services l2tp d", &mut no_values).is_some());
        // A unique or extensible word is the line editor's to complete.
        assert_eq!(on_tab(at, split, "sh", &mut no_values), None);
        assert!(on_tab(
            at,
            split,
            "show services l2tp session local-",
            &mut no_values
        )
        .is_some());
        assert_eq!(
            on_tab(
                at,
                split,
                "show services l2tp tunnel local-g",
                &mut no_values
            ),
            None
        );
    }

    /// `<[Enter]>` first, then placeholders, words alphabetically, `|` last, as Junos.
    #[test]
    fn rows_are_sorted_as_junos_lists_them() {
        let r = rows(
            Where::Operational,
            &plain_words("show services l2tp tunnel"),
            "",
        );
        let n = names(&r);
        assert_eq!(n.first(), Some(&"<[Enter]>"));
        assert_eq!(n.last(), Some(&"|"));
        let words: Vec<&str> = n[1..n.len() - 1].to_vec();
        let mut sorted = words.clone();
        sorted.sort_unstable();
        assert_eq!(words, sorted);
        let at = Where::Configuration { level: &[] };
        let r = rows(at, &plain_words("set"), "");
        let mut sorted = names(&r);
        sorted.sort_unstable();
        assert_eq!(names(&r), sorted);
    }

    #[test]
    fn a_long_name_keeps_a_space_before_its_help() {
        let long = "x".repeat(30);
        let r = [Row::word(' ', &long, "Help")];
        assert_eq!(
            render(Where::Operational, &r),
            format!("Possible completions:\n  {long} Help\n")
        );
    }

    /// Placeholders say where their existing values come from; `add_values` lists them
    /// under the placeholder, filtered by what is typed.
    #[test]
    fn values_come_from_the_configuration_and_live_state() {
        let source_of = |at: Where<'_>, line: &str| {
            rows(at, &plain_words(line), "")
                .into_iter()
                .find_map(|r| r.sources.into_iter().next())
        };
        let keys = |p: &[&str]| Some(Source::Keys(p.iter().map(|w| w.to_string()).collect()));
        let cfg = Where::Configuration { level: &[] };
        assert_eq!(
            source_of(cfg, "set access tunnel-profile"),
            keys(&["access", "tunnel-profile"])
        );
        assert_eq!(
            source_of(cfg, "edit access address-assignment pool"),
            keys(&["access", "address-assignment", "pool"])
        );
        // At an edit level the path starts from the top.
        let level = ["access".to_string()];
        assert_eq!(
            source_of(Where::Configuration { level: &level }, "delete profile"),
            keys(&["access", "profile"])
        );
        // A leaf that names another object: that object's list.
        assert_eq!(
            source_of(cfg, "set access domain map example.net tunnel-profile"),
            keys(&["access", "tunnel-profile"])
        );
        // Operational commands read the active configuration, also when run from
        // configuration mode.
        let active = |p: &[&str]| {
            Some(Source::ActiveKeys(
                p.iter().map(|w| w.to_string()).collect(),
            ))
        };
        let op = Where::Operational;
        assert_eq!(
            source_of(op, "show configuration access tunnel-profile"),
            active(&["access", "tunnel-profile"])
        );
        assert_eq!(
            source_of(cfg, "run show configuration access tunnel-profile"),
            active(&["access", "tunnel-profile"])
        );
        for (line, source) in [
            (
                "show services l2tp tunnel local-tunnel-id",
                Source::TunnelIds,
            ),
            (
                "clear services l2tp session local-session-id",
                Source::SessionIds,
            ),
            ("show services l2tp session user", Source::SessionUsers),
            (
                "clear services l2tp tunnel peer-gateway-name",
                Source::PeerGatewayNames,
            ),
            (
                "show services l2tp tunnel local-gateway-name",
                Source::LocalGatewayNames,
            ),
            (
                "show services l2tp session tunnel-group",
                Source::TunnelGroups,
            ),
        ] {
            assert_eq!(source_of(op, line), Some(source), "{line}");
        }
        assert_eq!(
            source_of(op, "test services l2tp tunnel tunnel-name"),
            active(&["access", "tunnel-profile"])
        );
        assert_eq!(
            source_of(op, "show network-access address-assignment pool"),
            active(&["access", "address-assignment", "pool"])
        );
        assert_eq!(
            source_of(op, "show subscribers user-name"),
            Some(Source::SubscriberUsers)
        );
        assert_eq!(
            source_of(op, "clear network-access aaa subscriber username"),
            Some(Source::SubscriberUsers)
        );
        assert_eq!(
            source_of(op, "show interfaces terse"),
            Some(Source::SubscriberInterfaces)
        );
        assert_eq!(
            source_of(op, "clear auto-configuration interfaces"),
            Some(Source::AutoVlanInterfaces)
        );
        // A new user name in a test has no existing values.
        assert_eq!(source_of(op, "test aaa ppp user"), None);

        let mut lookup = |s: &Source| match s {
            Source::TunnelIds => vec!["17967".to_string(), "2".to_string()],
            _ => Vec::new(),
        };
        let text = completions_text(
            op,
            split,
            "show services l2tp tunnel local-tunnel-id ",
            &mut lookup,
        );
        assert_eq!(
            text,
            "Possible completions:\n\
             \x20 <local-tunnel-id>    Local tunnel identifier (1..65535)\n\
             \x20 2\n\
             \x20 17967\n"
        );
        // Tab completes values (not Space: a value may be new).
        let (_, rows) = completions(
            op,
            split,
            "show services l2tp tunnel local-tunnel-id 17",
            &mut lookup,
        );
        assert_eq!(names(&rows), ["17967"]);
        assert_eq!(
            on_space(op, split, "show services l2tp tunnel local-tunnel-id 17", 0),
            Space::Plain
        );
    }

    /// A filter is named from `firewall family inet filter` and from Junos' older
    /// `firewall filter` alike: `?` and Tab list both lists' names under the placeholder.
    #[test]
    fn a_filter_reference_lists_both_forms_of_filter() {
        let cfg = Where::Configuration { level: &[] };
        let path = |p: &[&str]| p.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let mut lookup = |s: &Source| match s {
            Source::Keys(p) if *p == path(&["firewall", "family", "inet", "filter"]) => {
                vec!["INET-ONLY".to_string()]
            }
            Source::Keys(p) if *p == path(&["firewall", "filter"]) => {
                vec!["OLD-FORM".to_string()]
            }
            _ => Vec::new(),
        };
        for line in [
            "set interfaces si-0/0/0 unit 0 family inet filter input ",
            "set dynamic-profiles dp interfaces pp0 unit 0 family inet filter output ",
        ] {
            let text = completions_text(cfg, split, line, &mut lookup);
            assert!(
                text.contains("\n  INET-ONLY\n") && text.contains("\n  OLD-FORM\n"),
                "{line}: {text}"
            );
        }
        let (_, rows) = completions(
            cfg,
            split,
            "set interfaces si-0/0/0 unit 0 family inet filter input OL",
            &mut lookup,
        );
        assert_eq!(names(&rows), ["OLD-FORM"]);
    }

    /// `top ?` lists the configuration commands; after `top CMD` the words are CMD's, from
    /// the top whatever the edit level.
    #[test]
    fn top_takes_a_command_written_from_the_top() {
        let level = ["access".to_string()];
        let at = Where::Configuration { level: &level };
        let rows = rows(at, &plain_words("top"), "");
        assert_eq!(rows.first().map(|r| r.name.as_str()), Some("<[Enter]>"));
        assert!(rows.iter().any(|r| r.name == "edit"));
        let rows = super::rows(at, &plain_words("top edit"), "sys");
        assert_eq!(names(&rows), ["system"]);
    }

    /// In configuration mode `<[Enter]>` comes where the path is one the command runs on.
    #[test]
    fn enter_after_a_complete_configuration_path() {
        let at = Where::Configuration { level: &[] };
        let enter = |line: &str| {
            rows(at, &plain_words(line), "")
                .first()
                .is_some_and(|r| r.name == "<[Enter]>")
        };
        assert!(enter("set system host-name r1"));
        assert!(!enter("set system host-name"));
        assert!(!enter("set system"));
        assert!(!enter("set"));
        assert!(enter("set access tunnel-profile tp1"));
        assert!(!enter("set access tunnel-profile"));
        assert!(enter("edit access"));
        assert!(enter("edit access tunnel-profile tp1"));
        assert!(!enter("edit system host-name"));
        assert!(!enter("edit"));
        assert!(enter("delete system host-name"));
        assert!(enter("delete access"));
        assert!(!enter("delete"));
        assert!(enter("deactivate access tunnel-profile tp1"));
        assert!(!enter("annotate access"));
        assert!(!enter("rename access tunnel-profile tp1"));
        assert!(enter("show access"));
        assert!(enter("show"));
        // A word the schema does not know, or one word too many: no.
        assert!(!enter("set system bogus"));
        assert!(!enter("set system host-name r1 r2"));
    }

    #[test]
    fn unknown_words_offer_nothing() {
        assert!(rows(Where::Operational, &plain_words("bogus"), "").is_empty());
        assert!(rows(
            Where::Configuration { level: &[] },
            &plain_words("set bogus"),
            ""
        )
        .is_empty());
    }
}
