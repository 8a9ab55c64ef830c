use super::*;

const SCREEN: Screen = Screen { rows: 4, width: 0 };

fn run_on(text: &str, screen: Screen, hold: bool, keys: &[Key]) -> (String, usize) {
    let mut out = Vec::new();
    let mut keys = keys.iter().cloned();
    let mut asked = 0;
    page(text, screen, hold, &mut out, &mut || {
        asked += 1;
        Ok(keys.next().unwrap_or(Key::Quit))
    })
    .expect("page");
    (String::from_utf8(out).expect("utf8"), asked)
}

fn run(text: &str, keys: &[Key]) -> String {
    run_on(text, SCREEN, false, keys).0
}

fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("{i}\n")).collect()
}

/// The prompt and its erasure.
fn more(percent: usize) -> String {
    let prompt = format!("---(more {percent}%)---");
    format!("{prompt}\r{}\r", " ".repeat(prompt.len()))
}

fn more_with(percent: usize, note: &str) -> String {
    let prompt = format!("---(more {percent}%)---{note}");
    format!("{prompt}\r{}\r", " ".repeat(prompt.len()))
}

#[test]
fn short_output_is_not_paged() {
    assert_eq!(run_on(&numbered(3), SCREEN, false, &[]), (numbered(3), 0));
    assert!(!needs_paging(&numbered(3), SCREEN));
    assert!(needs_paging(&numbered(4), SCREEN));
}

#[test]
fn space_enter_other_and_quit() {
    let (out, asked) = run_on(
        &numbered(10),
        SCREEN,
        false,
        &[Key::NextLine, Key::Other, Key::NextPage, Key::Quit],
    );
    let expected = format!(
        "1\n2\n3\n{}4\n{}{}5\n6\n7\n{}",
        more(30),
        more(40),
        more(40),
        more(70)
    );
    assert_eq!(out, expected);
    assert_eq!(asked, 4);
}

#[test]
fn last_page_ends_without_prompt() {
    let out = run(&numbered(5), &[Key::NextPage]);
    assert_eq!(out, format!("1\n2\n3\n{}4\n5\n", more(60)));
}

#[test]
fn b_goes_back_a_page() {
    let out = run(&numbered(9), &[Key::NextPage, Key::PrevPage]);
    // 1-3, then 4-6, then back: 1-3 again.
    assert_eq!(
        out,
        format!(
            "1\n2\n3\n{}4\n5\n6\n{}1\n2\n3\n{}",
            more(33),
            more(66),
            more(33)
        )
    );
    // On the first page `b` shows the first page again.
    let out = run(&numbered(9), &[Key::PrevPage]);
    assert_eq!(out, format!("1\n2\n3\n{}1\n2\n3\n{}", more(33), more(33)));
}

#[test]
fn g_and_capital_g_go_to_top_and_end() {
    let out = run(&numbered(9), &[Key::Bottom]);
    assert_eq!(out, format!("1\n2\n3\n{}7\n8\n9\n", more(33)));
    let out = run(&numbered(9), &[Key::NextPage, Key::Top]);
    assert_eq!(
        out,
        format!(
            "1\n2\n3\n{}4\n5\n6\n{}1\n2\n3\n{}",
            more(33),
            more(66),
            more(33)
        )
    );
}

#[test]
fn search_then_n_and_capital_n() {
    let text = "a\nb\nx1\nc\nd\nx2\ne\nf\ng\nh\n";
    let out = run(
        text,
        &[
            Key::Search("x".into()),
            Key::NextMatch,
            Key::PrevMatch,
            Key::Search("zz".into()),
        ],
    );
    assert_eq!(
        out,
        format!(
            "a\nb\nx1\n{}x1\nc\nd\n{}x2\ne\nf\n{}x1\nc\nd\n{}",
            more(30),
            more(50),
            more(80),
            more(50)
        ) + &more_with(50, "Pattern not found")
    );
    // `n` before any search says so.
    let out = run(&numbered(9), &[Key::NextMatch]);
    assert_eq!(
        out,
        format!("1\n2\n3\n{}", more(33)) + &more_with(33, "No previous search pattern")
    );
}

#[test]
fn h_shows_the_key_summary() {
    let out = run(&numbered(9), &[Key::Help]);
    assert_eq!(out, format!("1\n2\n3\n{}{HELP}{}", more(33), more(33)));
    assert!(HELP.contains("SUMMARY OF MORE COMMANDS"));
}

#[test]
fn hold_keeps_the_prompt_at_the_end() {
    let (out, asked) = run_on(&numbered(2), SCREEN, true, &[Key::NextPage, Key::Quit]);
    assert_eq!(out, format!("1\n2\n{}{}", more(100), more(100)));
    assert_eq!(asked, 2);
}

#[test]
fn long_lines_take_several_rows() {
    let screen = Screen { rows: 4, width: 4 };
    let text = "12345678\nab\ncd\n";
    assert!(needs_paging(text, screen));
    let (out, _) = run_on(text, screen, false, &[Key::NextPage]);
    assert_eq!(out, format!("12345678\nab\n{}cd\n", more(66)));
}

#[test]
fn keys() {
    assert_eq!(key_of(Some(b' ')), Key::NextPage);
    assert_eq!(key_of(Some(b'\r')), Key::NextLine);
    assert_eq!(key_of(Some(b'b')), Key::PrevPage);
    assert_eq!(key_of(Some(b'g')), Key::Top);
    assert_eq!(key_of(Some(b'G')), Key::Bottom);
    assert_eq!(key_of(Some(b'n')), Key::NextMatch);
    assert_eq!(key_of(Some(b'N')), Key::PrevMatch);
    assert_eq!(key_of(Some(b'h')), Key::Help);
    assert_eq!(key_of(Some(b'q')), Key::Quit);
    assert_eq!(key_of(Some(3)), Key::Quit);
    assert_eq!(key_of(None), Key::Quit);
    assert_eq!(key_of(Some(b'x')), Key::Other);
}

#[test]
fn search_text_is_read_with_backspace_and_escape() {
    let read = |bytes: &[u8]| {
        let mut it = bytes.iter().copied();
        let mut echo = Vec::new();
        let key = search_key(&mut || it.next(), &mut echo);
        (key, String::from_utf8(echo).expect("utf8"))
    };
    assert_eq!(
        read(b"abx\x7fc\r"),
        (Key::Search("abc".into()), "/abx\x08 \x08c".into())
    );
    assert_eq!(read(b"ab\x1b").0, Key::Other);
    assert_eq!(read(b"ab").0, Key::Other);
}
