use schema::typed::RouterConfig;

use super::*;
use crate::ppp::wire::auth::chap_md5_response;

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn pap(user: &str, password: &str) -> Credentials {
    Credentials::Pap {
        identifier: 1,
        name: user.as_bytes().to_vec(),
        password: password.as_bytes().to_vec(),
    }
}

fn chap(user: &str, secret: &str) -> Credentials {
    let challenge = vec![7u8; 16];
    let response = chap_md5_response(9, secret.as_bytes(), &challenge).to_vec();
    Credentials::Chap {
        identifier: 9,
        name: user.as_bytes().to_vec(),
        challenge,
        response,
    }
}

const PROFILE: &str = "set access profile lns client alice@isp.example pap-password one\n\
                       set access profile lns client bob@isp.example chap-secret two\n";

fn check(order: &str, credentials: &Credentials) -> Result<Admission, AuthRejection> {
    let c = config(&format!("{PROFILE}{order}"));
    authenticate(c.access_profiles.get("lns"), credentials)
}

#[test]
fn no_profile_admits_without_checking() {
    assert_eq!(authenticate(None, &pap("x", "y")), Ok(Admission::None));
}

#[test]
fn local_users_are_checked_by_default() {
    assert_eq!(
        check("", &pap("alice@isp.example", "one")),
        Ok(Admission::Password)
    );
    assert_eq!(
        check("", &pap("alice@isp.example", "two")),
        Err(AuthRejection::WrongPassword)
    );
    assert_eq!(
        check("", &pap("carol@isp.example", "one")),
        Err(AuthRejection::UnknownUser)
    );
    assert_eq!(
        check("", &chap("bob@isp.example", "two")),
        Ok(Admission::Password)
    );
    assert_eq!(
        check("", &chap("bob@isp.example", "one")),
        Err(AuthRejection::WrongPassword)
    );
}

#[test]
fn a_user_without_the_protocols_password_is_refused() {
    assert_eq!(
        check("", &chap("alice@isp.example", "one")),
        Err(AuthRejection::NoPasswordForProtocol)
    );
}

#[test]
fn none_admits_and_an_unknown_user_falls_through_to_it() {
    let order = "set access profile lns authentication-order [ password none ]\n";
    assert_eq!(
        check(order, &pap("carol@isp.example", "x")),
        Ok(Admission::None)
    );
    // A known user with a wrong password is refused, not passed on.
    assert_eq!(
        check(order, &pap("alice@isp.example", "x")),
        Err(AuthRejection::WrongPassword)
    );
}

#[test]
fn radius_alone_refuses_until_aaa_exists() {
    let order = "set access profile lns authentication-order radius\n";
    assert_eq!(
        check(order, &pap("alice@isp.example", "one")),
        Err(AuthRejection::NoMethodAvailable)
    );
    let order = "set access profile lns authentication-order [ radius password ]\n";
    assert_eq!(
        check(order, &pap("alice@isp.example", "one")),
        Ok(Admission::Password)
    );
}
