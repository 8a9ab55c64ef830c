//! Authentication from an access profile (`[edit access profile P]`), as the LNS (and a LAC
//! that terminates) checks a subscriber's PAP password or CHAP response: methods in
//! `authentication-order`, local users as `client NAME { pap-password S; chap-secret S; }`.
//!
//! Junos' rules, as far as they apply without RADIUS:
//! - no `authentication-order` means `password` (local users only);
//! - `password`: a user the profile does not list is passed to the next method; a listed user
//!   with the wrong password is refused at once (a password is not retried elsewhere);
//! - `none` admits every subscriber (labs and trusted LACs use it);
//! - `radius` is asked by the caller (`next_step` stops there: it takes a round trip); when
//!   no server answers, the next method decides.
//!
//! Sans-IO and pure: credentials and the profile in, a verdict out.

use schema::typed::{AccessProfile, AuthenticationMethod};

use crate::ppp::chap::{verify_md5, ChapResponse};
use crate::ppp::server_link::Credentials;

/// Why a subscriber was refused, in the words `show subscribers` and the log use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuthRejection {
    /// No method knows the user.
    UnknownUser,
    /// A local user with another password or CHAP secret.
    WrongPassword,
    /// The user is listed without a password of the kind the subscriber used.
    NoPasswordForProtocol,
    /// No method decided: RADIUS did not answer and nothing came after it.
    NoMethodAvailable,
    /// RADIUS answered Access-Reject.
    RadiusReject,
}

impl AuthRejection {
    pub fn key(self) -> &'static str {
        match self {
            AuthRejection::UnknownUser => "unknown-user",
            AuthRejection::WrongPassword => "wrong-password",
            AuthRejection::NoPasswordForProtocol => "no-password-for-protocol",
            AuthRejection::NoMethodAvailable => "no-authentication-method",
            AuthRejection::RadiusReject => "radius-reject",
        }
    }
}

/// How the subscriber got in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A local user of the profile.
    Password,
    /// `authentication-order none`, or no profile at all.
    None,
}

impl Admission {
    pub fn key(self) -> &'static str {
        match self {
            Admission::Password => "password",
            Admission::None => "none",
        }
    }
}

/// The user name the credentials carry (PAP Peer-ID, CHAP Name).
pub fn user_name(credentials: &Credentials) -> String {
    let name = match credentials {
        Credentials::Pap { name, .. } | Credentials::Chap { name, .. } => name,
    };
    String::from_utf8_lossy(name).into_owned()
}

/// What the next method of `authentication-order` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Admit(Admission),
    Refuse(AuthRejection),
    /// RADIUS is next: ask it; if no server answers, go on with `resume_at` (the index of the
    /// method after `radius` in the order).
    AskRadius {
        resume_at: usize,
    },
}

/// The methods of `profile` in order (none configured means `password`).
pub fn order(profile: &AccessProfile) -> &[AuthenticationMethod] {
    if profile.authentication_order.is_empty() {
        &[AuthenticationMethod::Password]
    } else {
        &profile.authentication_order
    }
}

/// Runs `profile`'s methods from the `from`-th on, up to the first that decides or is RADIUS
/// (which the caller asks, as it takes a round trip). `None` (the tunnel group names no
/// `aaa-access-profile`) admits: the LAC's tunnel is authenticated, and the subscriber then
/// shows authentication `none`. With RADIUS not answering (`from` past it) the refusal says
/// no method was available.
pub fn next_step(profile: Option<&AccessProfile>, credentials: &Credentials, from: usize) -> Step {
    let Some(profile) = profile else {
        return Step::Admit(Admission::None);
    };
    let mut refusal = AuthRejection::NoMethodAvailable;
    for (index, method) in order(profile).iter().enumerate().skip(from) {
        match method {
            AuthenticationMethod::None => return Step::Admit(Admission::None),
            AuthenticationMethod::Radius => {
                return Step::AskRadius {
                    resume_at: index + 1,
                }
            }
            AuthenticationMethod::Password => match check_password(profile, credentials) {
                Ok(()) => return Step::Admit(Admission::Password),
                Err(AuthRejection::UnknownUser) => refusal = AuthRejection::UnknownUser,
                Err(final_refusal) => return Step::Refuse(final_refusal),
            },
        }
    }
    Step::Refuse(refusal)
}

/// Checks `credentials` against `profile` without RADIUS (skipped as if no server answered).
pub fn authenticate(
    profile: Option<&AccessProfile>,
    credentials: &Credentials,
) -> Result<Admission, AuthRejection> {
    let mut from = 0;
    loop {
        match next_step(profile, credentials, from) {
            Step::Admit(admission) => return Ok(admission),
            Step::Refuse(why) => return Err(why),
            Step::AskRadius { resume_at } => from = resume_at,
        }
    }
}

fn check_password(profile: &AccessProfile, credentials: &Credentials) -> Result<(), AuthRejection> {
    let user = user_name(credentials);
    let client = profile
        .clients
        .get(&user)
        .ok_or(AuthRejection::UnknownUser)?;
    match credentials {
        Credentials::Pap { password, .. } => {
            let expected = client
                .pap_password
                .as_ref()
                .ok_or(AuthRejection::NoPasswordForProtocol)?;
            if constant_time_equal(expected.expose(), password) {
                Ok(())
            } else {
                Err(AuthRejection::WrongPassword)
            }
        }
        Credentials::Chap {
            identifier,
            name,
            challenge,
            response,
        } => {
            let secret = client
                .chap_secret
                .as_ref()
                .ok_or(AuthRejection::NoPasswordForProtocol)?;
            let response = ChapResponse {
                identifier: *identifier,
                name: name.clone(),
                challenge: challenge.clone(),
                response: response.clone(),
            };
            if verify_md5(&response, secret.expose()) {
                Ok(())
            } else {
                Err(AuthRejection::WrongPassword)
            }
        }
    }
}

/// Compares in time that does not depend on where the inputs differ.
fn constant_time_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
#[path = "local_auth_tests.rs"]
mod tests;
