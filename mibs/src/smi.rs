//! A reader for the subset of SMIv2 (RFC 2578) our MIB modules are written in: OBJECT
//! IDENTIFIER, MODULE-IDENTITY and OBJECT-TYPE assignments with their SYNTAX, MAX-ACCESS,
//! STATUS, UNITS and INDEX clauses. Type assignments (SEQUENCE, TEXTUAL-CONVENTION, tagged
//! types) are recognised and skipped: the generated Rust needs only what the object
//! assignments say.
//!
//! This file is compiled twice: into the library (so its errors are unit-tested) and into
//! `build.rs` through `#[path]`, which turns the MIB text into Rust constants. It therefore
//! uses nothing but `std`.

use std::collections::HashMap;
use std::fmt;

/// A MIB text that this reader cannot accept, with the line to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn error<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// An identifier, keyword or type name (`jnxL2tp`, `OBJECT-TYPE`, `Gauge32`).
    Word(String),
    Number(String),
    Text(String),
    /// `::=`, `..`, or one of `{ } ( ) , ; | [ ]`.
    Punct(&'static str),
}

#[derive(Debug, Clone)]
struct Lexeme {
    token: Token,
    line: usize,
}

fn tokenize(text: &str) -> Result<Vec<Lexeme>, ParseError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(&c) = chars.peek() {
        if c == '\n' {
            line += 1;
            chars.next();
        } else if c.is_whitespace() {
            chars.next();
        } else if c == '-' && text_starts(&chars, "--") {
            // An ASN.1 comment runs to the end of the line or to the next "--".
            chars.next();
            chars.next();
            while let Some(&c) = chars.peek() {
                if c == '\n' {
                    break;
                }
                chars.next();
                if c == '-' && chars.peek() == Some(&'-') {
                    chars.next();
                    break;
                }
            }
        } else if c == '"' {
            let start = line;
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => {
                        if c == '\n' {
                            line += 1;
                        }
                        s.push(c);
                    }
                    None => return error(start, "unterminated quoted string"),
                }
            }
            out.push(Lexeme {
                token: Token::Text(s),
                line: start,
            });
        } else if c == ':' {
            if !text_starts(&chars, "::=") {
                return error(line, "':' that does not start '::='");
            }
            for _ in 0..3 {
                chars.next();
            }
            out.push(Lexeme {
                token: Token::Punct("::="),
                line,
            });
        } else if c == '.' {
            if !text_starts(&chars, "..") {
                return error(line, "lone '.'");
            }
            chars.next();
            chars.next();
            out.push(Lexeme {
                token: Token::Punct(".."),
                line,
            });
        } else if let Some(p) = ["{", "}", "(", ")", ",", ";", "|", "[", "]"]
            .into_iter()
            .find(|p| p.starts_with(c))
        {
            chars.next();
            out.push(Lexeme {
                token: Token::Punct(p),
                line,
            });
        } else if c.is_ascii_digit() || c == '-' {
            let mut s = String::new();
            s.push(c);
            chars.next();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                s.push(d);
                chars.next();
            }
            out.push(Lexeme {
                token: Token::Number(s),
                line,
            });
        } else if c.is_ascii_alphabetic() {
            let mut s = String::new();
            while let Some(&d) = chars.peek() {
                // A hyphen belongs to the word unless it starts a comment.
                if d.is_ascii_alphanumeric() || (d == '-' && !text_starts(&chars, "--")) {
                    s.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Lexeme {
                token: Token::Word(s),
                line,
            });
        } else {
            return error(line, format!("unexpected character {c:?}"));
        }
    }
    Ok(out)
}

fn text_starts(chars: &std::iter::Peekable<std::str::Chars<'_>>, prefix: &str) -> bool {
    chars.clone().take(prefix.len()).eq(prefix.chars())
}

/// What an OBJECT-TYPE's SYNTAX clause names, size and range constraints left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Syntax {
    /// A type or textual convention by name: `Gauge32`, `SnmpAdminString`, `OCTET STRING`.
    Named(String),
    /// `INTEGER { label(value), ... }`.
    Enumeration(Vec<(String, i64)>),
    /// `SEQUENCE OF Entry`: a conceptual table.
    SequenceOf(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectType {
    pub syntax: Syntax,
    pub units: Option<String>,
    pub max_access: String,
    pub status: String,
    /// The INDEX clause of a conceptual row, in order.
    pub index: Vec<String>,
    /// The last index object is IMPLIED: its octets carry no length prefix.
    pub implied: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `name OBJECT IDENTIFIER ::= { parent arc }`.
    Node,
    ModuleIdentity,
    ObjectType(ObjectType),
}

/// One value assignment: a named OID and what the module says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub name: String,
    pub line: usize,
    pub kind: Kind,
    pub parent: String,
    pub arc: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub name: String,
    pub definitions: Vec<Definition>,
}

struct Parser {
    lexemes: Vec<Lexeme>,
    at: usize,
}

impl Parser {
    fn line(&self) -> usize {
        self.lexemes
            .get(self.at)
            .or_else(|| self.lexemes.last())
            .map_or(1, |l| l.line)
    }

    fn peek(&self) -> Option<&Token> {
        self.lexemes.get(self.at).map(|l| &l.token)
    }

    fn peek_at(&self, ahead: usize) -> Option<&Token> {
        self.lexemes.get(self.at + ahead).map(|l| &l.token)
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        match self.lexemes.get(self.at) {
            Some(l) => {
                self.at += 1;
                Ok(l.token.clone())
            }
            None => error(self.line(), "unexpected end of module"),
        }
    }

    fn word(&mut self) -> Result<String, ParseError> {
        let line = self.line();
        match self.next()? {
            Token::Word(w) => Ok(w),
            other => error(line, format!("expected a name, found {other:?}")),
        }
    }

    fn text(&mut self) -> Result<String, ParseError> {
        let line = self.line();
        match self.next()? {
            Token::Text(t) => Ok(t),
            other => error(line, format!("expected a quoted string, found {other:?}")),
        }
    }

    fn expect_word(&mut self, want: &str) -> Result<(), ParseError> {
        let line = self.line();
        match self.next()? {
            Token::Word(w) if w == want => Ok(()),
            other => error(line, format!("expected {want}, found {other:?}")),
        }
    }

    fn expect_punct(&mut self, want: &str) -> Result<(), ParseError> {
        let line = self.line();
        match self.next()? {
            Token::Punct(p) if p == want => Ok(()),
            other => error(line, format!("expected '{want}', found {other:?}")),
        }
    }

    fn at_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Token::Punct(q)) if *q == p)
    }

    fn at_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(v)) if v == w)
    }

    /// Skips a balanced `( ... )` constraint if one follows.
    fn skip_parenthesised(&mut self) -> Result<(), ParseError> {
        if !self.at_punct("(") {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Token::Punct("(") => depth += 1,
                Token::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
    }

    /// `{ parent arc }`: the only OID value form our modules use.
    fn oid_value(&mut self) -> Result<(String, u32), ParseError> {
        self.expect_punct("{")?;
        let parent = self.word()?;
        let line = self.line();
        let arc = match self.next()? {
            Token::Number(n) => n
                .parse::<u32>()
                .or_else(|_| error(line, format!("arc {n} is not a 32-bit unsigned number")))?,
            other => return error(line, format!("expected an arc number, found {other:?}")),
        };
        self.expect_punct("}")?;
        Ok((parent, arc))
    }

    fn syntax(&mut self) -> Result<Syntax, ParseError> {
        let line = self.line();
        let first = self.word()?;
        let syntax = match first.as_str() {
            "SEQUENCE" => {
                self.expect_word("OF")?;
                Syntax::SequenceOf(self.word()?)
            }
            "OCTET" => {
                self.expect_word("STRING")?;
                Syntax::Named("OCTET STRING".into())
            }
            "OBJECT" => {
                self.expect_word("IDENTIFIER")?;
                Syntax::Named("OBJECT IDENTIFIER".into())
            }
            "INTEGER" if self.at_punct("{") => Syntax::Enumeration(self.enumeration()?),
            "BITS" => return error(line, "BITS syntax is not supported"),
            _ => Syntax::Named(first),
        };
        self.skip_parenthesised()?;
        Ok(syntax)
    }

    fn enumeration(&mut self) -> Result<Vec<(String, i64)>, ParseError> {
        self.expect_punct("{")?;
        let mut labels = Vec::new();
        loop {
            let label = self.word()?;
            self.expect_punct("(")?;
            let line = self.line();
            let value = match self.next()? {
                Token::Number(n) => n
                    .parse::<i64>()
                    .or_else(|_| error(line, format!("enumeration value {n} out of range")))?,
                other => return error(line, format!("expected a number, found {other:?}")),
            };
            self.expect_punct(")")?;
            labels.push((label, value));
            if self.at_punct(",") {
                self.next()?;
            } else {
                self.expect_punct("}")?;
                return Ok(labels);
            }
        }
    }

    fn index(&mut self) -> Result<(Vec<String>, bool), ParseError> {
        self.expect_punct("{")?;
        let mut names = Vec::new();
        let mut implied = false;
        loop {
            if self.at_word("IMPLIED") {
                self.next()?;
                implied = true;
            } else if implied {
                return error(self.line(), "IMPLIED may only mark the last index object");
            }
            names.push(self.word()?);
            if self.at_punct(",") {
                self.next()?;
            } else {
                self.expect_punct("}")?;
                return Ok((names, implied));
            }
        }
    }

    /// Reads the clauses of the OBJECT-TYPE defined on line `start`.
    fn object_type(&mut self, start: usize) -> Result<ObjectType, ParseError> {
        let mut syntax = None;
        let mut units = None;
        let mut max_access = None;
        let mut status = None;
        let mut index = (Vec::new(), false);
        while !self.at_punct("::=") {
            let line = self.line();
            let clause = self.word()?;
            match clause.as_str() {
                "SYNTAX" => syntax = Some(self.syntax()?),
                "UNITS" => units = Some(self.text()?),
                "MAX-ACCESS" => max_access = Some(self.word()?),
                "STATUS" => status = Some(self.word()?),
                "DESCRIPTION" | "REFERENCE" => {
                    self.text()?;
                }
                "INDEX" => index = self.index()?,
                _ => return error(line, format!("unknown OBJECT-TYPE clause {clause}")),
            }
        }
        let missing = |what: &str| ParseError {
            line: start,
            message: format!("OBJECT-TYPE without {what}"),
        };
        Ok(ObjectType {
            syntax: syntax.ok_or_else(|| missing("SYNTAX"))?,
            units,
            max_access: max_access.ok_or_else(|| missing("MAX-ACCESS"))?,
            status: status.ok_or_else(|| missing("STATUS"))?,
            index: index.0,
            implied: index.1,
        })
    }

    /// Skips MODULE-IDENTITY's clauses: their strings say nothing the code needs.
    fn module_identity(&mut self) -> Result<(), ParseError> {
        while !self.at_punct("::=") {
            self.next()?;
        }
        Ok(())
    }

    /// True when the tokens ahead start a new assignment (or end the module). A type
    /// assignment has no terminator in ASN.1, so it ends where the next one begins.
    fn at_assignment_start(&self) -> bool {
        match (self.peek(), self.peek_at(1)) {
            (Some(Token::Word(w)), _) if w == "END" => true,
            (Some(Token::Word(_)), Some(Token::Word(k))) => {
                matches!(k.as_str(), "OBJECT" | "OBJECT-TYPE" | "MODULE-IDENTITY")
            }
            (Some(Token::Word(_)), Some(Token::Punct("::="))) => true,
            _ => false,
        }
    }

    fn module(&mut self) -> Result<Module, ParseError> {
        let name = self.word()?;
        self.expect_word("DEFINITIONS")?;
        self.expect_punct("::=")?;
        self.expect_word("BEGIN")?;
        if self.at_word("IMPORTS") {
            while !self.at_punct(";") {
                self.next()?;
            }
            self.next()?;
        }
        let mut definitions = Vec::new();
        loop {
            let line = self.line();
            let defined = self.word()?;
            if defined == "END" {
                if let Some(extra) = self.peek() {
                    return error(self.line(), format!("text after END: {extra:?}"));
                }
                return Ok(Module { name, definitions });
            }
            let kind = match self.next()? {
                Token::Punct("::=") => {
                    // A type assignment; its body runs up to the next assignment.
                    self.next()?;
                    while !self.at_assignment_start() {
                        self.next()?;
                    }
                    continue;
                }
                Token::Word(k) if k == "OBJECT" => {
                    self.expect_word("IDENTIFIER")?;
                    Kind::Node
                }
                Token::Word(k) if k == "OBJECT-TYPE" => Kind::ObjectType(self.object_type(line)?),
                Token::Word(k) if k == "MODULE-IDENTITY" => {
                    self.module_identity()?;
                    Kind::ModuleIdentity
                }
                other => {
                    return error(
                        line,
                        format!("unsupported assignment of {defined}: {other:?}"),
                    )
                }
            };
            if defined.starts_with(|c: char| c.is_ascii_uppercase()) {
                return error(line, format!("value name {defined} must start lower-case"));
            }
            self.expect_punct("::=")?;
            let (parent, arc) = self.oid_value()?;
            definitions.push(Definition {
                name: defined,
                line,
                kind,
                parent,
                arc,
            });
        }
    }
}

/// Reads one MIB module.
pub fn parse_module(text: &str) -> Result<Module, ParseError> {
    let lexemes = tokenize(text)?;
    Parser { lexemes, at: 0 }.module()
}

/// Gives every definition of `modules` its full OID, starting from `iso` (1), the one
/// root ASN.1 itself defines. A module may use names defined by the modules before it.
pub fn resolve_oids(modules: &[Module]) -> Result<HashMap<String, Vec<u32>>, ParseError> {
    let mut oids: HashMap<String, Vec<u32>> = HashMap::from([("iso".to_string(), vec![1])]);
    for module in modules {
        // SMI allows forward references within a module, so resolve until nothing changes.
        let mut pending: Vec<&Definition> = module.definitions.iter().collect();
        while !pending.is_empty() {
            let before = pending.len();
            let mut still = Vec::new();
            for def in pending {
                match oids.get(&def.parent) {
                    Some(parent) => {
                        let mut oid = parent.clone();
                        oid.push(def.arc);
                        if oids.insert(def.name.clone(), oid).is_some() {
                            return error(def.line, format!("{} is defined twice", def.name));
                        }
                    }
                    None => still.push(def),
                }
            }
            if still.len() == before {
                let def = still[0];
                return error(
                    def.line,
                    format!(
                        "{} hangs from {}, which no module defines",
                        def.name, def.parent
                    ),
                );
            }
            pending = still;
        }
    }
    Ok(oids)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
TEST-MIB DEFINITIONS ::= BEGIN
IMPORTS Gauge32 FROM SNMPv2-SMI; -- a comment -- -- and a second one
top OBJECT IDENTIFIER ::= { iso 3 }
Row ::= SEQUENCE { rowName OCTET STRING, rowCount Gauge32 }
table OBJECT-TYPE
    SYNTAX SEQUENCE OF Row
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "rows
spanning lines"
    ::= { top 2 }
row OBJECT-TYPE
    SYNTAX Row
    MAX-ACCESS not-accessible
    STATUS current
    DESCRIPTION "one row"
    INDEX { IMPLIED rowName }
    ::= { table 1 }
rowState OBJECT-TYPE
    SYNTAX INTEGER { up(1), down-now(2) }
    UNITS "states"
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "x"
    ::= { row 3 }
END
"#;

    #[test]
    fn reads_objects_and_skips_type_assignments() {
        let module = parse_module(SMALL).expect("parses");
        assert_eq!(module.name, "TEST-MIB");
        let names: Vec<&str> = module.definitions.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["top", "table", "row", "rowState"]);
        let Kind::ObjectType(row) = &module.definitions[2].kind else {
            panic!("row is an OBJECT-TYPE");
        };
        assert_eq!(row.index, ["rowName"]);
        assert!(row.implied);
        let Kind::ObjectType(state) = &module.definitions[3].kind else {
            panic!("rowState is an OBJECT-TYPE");
        };
        assert_eq!(
            state.syntax,
            Syntax::Enumeration(vec![("up".into(), 1), ("down-now".into(), 2)])
        );
        assert_eq!(state.units.as_deref(), Some("states"));
        assert_eq!(module.definitions[3].line, 20);
        let oids = resolve_oids(&[module]).expect("resolves");
        assert_eq!(oids["rowState"], [1, 3, 2, 1, 3]);
    }

    #[test]
    fn a_malformed_module_names_its_line() {
        let broken = SMALL.replace("MAX-ACCESS read-only", "MAX-ACCES read-only");
        let err = parse_module(&broken).expect_err("unknown clause");
        assert_eq!(err.line, 23, "{err}");
        assert!(err.message.contains("MAX-ACCES"), "{err}");

        let unterminated = SMALL.replace("\"one row\"", "\"one row");
        assert!(parse_module(&unterminated).is_err());

        let missing_syntax = SMALL.replace("SYNTAX Row\n", "");
        let err = parse_module(&missing_syntax).expect_err("no SYNTAX");
        assert_eq!(err.line, 13, "{err}");
    }

    #[test]
    fn an_unknown_parent_names_its_line() {
        let orphan = SMALL.replace("{ iso 3 }", "{ nowhere 3 }");
        let module = parse_module(&orphan).expect("parses");
        let err = resolve_oids(&[module]).expect_err("unresolvable");
        assert_eq!(err.line, 4, "{err}");
        assert!(err.message.contains("nowhere"), "{err}");
    }

    #[test]
    fn truncated_text_is_an_error_not_a_panic() {
        for cut in 0..SMALL.len() {
            if let Some(prefix) = SMALL.get(..cut) {
                let _ = parse_module(prefix);
            }
        }
    }
}
