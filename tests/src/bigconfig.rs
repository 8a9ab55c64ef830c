//! A large configuration for benchmarks: N tunnel profiles (each a tunnel to its own LNS, with
//! an identification, a session limit and a secret) and N domain maps pointing at them, in
//! brace form. N = 10,000 gives the issue's "10,000 tunnel profiles and 10,000 domain maps
//! (over 100,000 lines)".

use std::fmt::Write;

/// Brace-form text of `n` tunnel profiles and `n` domain maps. Addresses are in 198.18.0.0/15.
pub fn brace_text(n: usize) -> String {
    let mut t = String::with_capacity(n * 700);
    t.push_str("system {\n    host-name bench-lac;\n}\n");
    t.push_str("services {\n    l2tp {\n        tunnel {\n            idle-timeout 120;\n        }\n    }\n}\n");
    t.push_str("access {\n");
    for i in 0..n {
        let (hi, lo) = ((i / 250) % 256, i % 250 + 1);
        let _ = write!(
            t,
            "    tunnel-profile tp{i} {{\n        tunnel 1 {{\n            preference 0;\n            \
             identification lns{i};\n            max-sessions 4000;\n            secret \"lns-secret-{i}\";\n            \
             remote-gateway {{\n                address 198.19.{hi}.{lo};\n                gateway-name lns{i};\n            \
             }}\n        }}\n    }}\n"
        );
    }
    t.push_str("    domain {\n");
    for i in 0..n {
        let _ = write!(
            t,
            "        map isp{i}.example {{\n            tunnel-profile tp{i};\n        }}\n"
        );
    }
    t.push_str("    }\n}\n");
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn size() {
        let text = super::brace_text(10_000);
        assert!(
            text.lines().count() > 100_000,
            "{} lines",
            text.lines().count()
        );
    }
}
