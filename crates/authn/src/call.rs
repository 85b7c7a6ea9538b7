//! The calls of the session API: path, retry class, secrets and the JSON body of each.
//!
//! The client builds every request body through [`Call::body`], so a test that compares
//! these bodies with the spec fixtures checks exactly what goes on the wire.

use super::error::Error;
use super::model::{
    ClientSessionInvalidateRequest, ClientSessionListRequest, ClientSessionRefreshRequest,
    SessionInvalidateRequest, SessionListRequest, SessionLogoutRequest, TokenRequest,
};
use super::secret::Secret;
use serde::Serialize;

/// Which list a page walk reads.
#[derive(Debug, Clone)]
pub enum ListScope {
    /// `/v2/session/list`: every session of the project.
    Service,
    /// `/v2/client/session/list`: the sessions of the owner of this user token.
    Client(Secret),
}

/// One API call with its arguments.
#[derive(Debug, Clone, Copy)]
pub enum Call<'a> {
    /// `/v2/session/list`.
    SessionList(&'a SessionListRequest),
    /// `/v2/session/invalidate`.
    SessionInvalidate {
        /// The session to end.
        session_id: &'a str,
    },
    /// `/v2/session/logout`.
    SessionLogout {
        /// The user whose sessions end.
        user_id: &'a str,
    },
    /// `/v2/client/session/list`.
    ClientSessionList {
        /// The user's active token.
        token: &'a Secret,
        /// Filter, cursor, order and size.
        req: &'a SessionListRequest,
    },
    /// `/v2/client/session/invalidate`.
    ClientSessionInvalidate {
        /// The user's active token.
        token: &'a Secret,
        /// One of that user's sessions.
        session_id: &'a str,
    },
    /// `/v2/client/session/logout`.
    ClientSessionLogout {
        /// The user's active token.
        token: &'a Secret,
    },
    /// `/v2/client/session/refresh`.
    ClientSessionRefresh {
        /// The session's refresh token.
        refresh_token: &'a Secret,
        /// The (possibly expired) active token of the same session.
        user_token: Option<&'a Secret>,
    },
    /// `/v2/client/token/check`.
    TokenCheck {
        /// The token to inspect.
        token: &'a Secret,
    },
}

impl Call<'_> {
    /// The path below the base URL, without a leading slash.
    pub fn path(&self) -> &'static str {
        match self {
            Call::SessionList(_) => "v2/session/list",
            Call::SessionInvalidate { .. } => "v2/session/invalidate",
            Call::SessionLogout { .. } => "v2/session/logout",
            Call::ClientSessionList { .. } => "v2/client/session/list",
            Call::ClientSessionInvalidate { .. } => "v2/client/session/invalidate",
            Call::ClientSessionLogout { .. } => "v2/client/session/logout",
            Call::ClientSessionRefresh { .. } => "v2/client/session/refresh",
            Call::TokenCheck { .. } => "v2/client/token/check",
        }
    }

    /// Whether repeating the call is harmless. Refresh is not: a second refresh after a
    /// lost answer could revoke the token the first one issued.
    pub fn idempotent(&self) -> bool {
        !matches!(self, Call::ClientSessionRefresh { .. })
    }

    /// The token values the body carries.
    pub fn body_secrets(&self) -> Vec<&Secret> {
        match *self {
            Call::SessionList(_) | Call::SessionInvalidate { .. } | Call::SessionLogout { .. } => {
                vec![]
            }
            Call::ClientSessionList { token, .. }
            | Call::ClientSessionInvalidate { token, .. }
            | Call::ClientSessionLogout { token }
            | Call::TokenCheck { token } => vec![token],
            Call::ClientSessionRefresh {
                refresh_token,
                user_token,
            } => std::iter::once(refresh_token).chain(user_token).collect(),
        }
    }

    /// The token values the answer itself may legitimately carry: refresh returns the
    /// refresh token, and the user token again if the server does not rotate it.
    pub fn returned_secrets(&self) -> Vec<&Secret> {
        match *self {
            Call::ClientSessionRefresh { .. } => self.body_secrets(),
            _ => vec![],
        }
    }

    /// The JSON body, with a top-level `config_id` only when one is given.
    pub fn body(&self, config_id: Option<&str>) -> Result<Vec<u8>, Error> {
        match *self {
            Call::SessionList(req) => encode(req, config_id),
            Call::SessionInvalidate { session_id } => encode(
                &SessionInvalidateRequest {
                    session_id: session_id.to_string(),
                    user_initiated: None,
                },
                config_id,
            ),
            Call::SessionLogout { user_id } => encode(
                &SessionLogoutRequest {
                    user_id: user_id.to_string(),
                },
                config_id,
            ),
            Call::ClientSessionList { token, req } => encode(
                &ClientSessionListRequest {
                    token: token.clone(),
                    list: req.clone(),
                },
                config_id,
            ),
            Call::ClientSessionInvalidate { token, session_id } => encode(
                &ClientSessionInvalidateRequest {
                    token: token.clone(),
                    session_id: session_id.to_string(),
                },
                config_id,
            ),
            Call::ClientSessionLogout { token } | Call::TokenCheck { token } => encode(
                &TokenRequest {
                    token: token.clone(),
                },
                config_id,
            ),
            Call::ClientSessionRefresh {
                refresh_token,
                user_token,
            } => encode(
                &ClientSessionRefreshRequest {
                    refresh_token: refresh_token.clone(),
                    user_token: user_token.cloned(),
                },
                config_id,
            ),
        }
    }
}

fn encode<T: Serialize>(req: &T, config_id: Option<&str>) -> Result<Vec<u8>, Error> {
    // Serialisation errors cannot carry a token: they name the failing type, not values.
    let fail = |e: serde_json::Error| Error::Config(format!("cannot encode the request: {e}"));
    let mut value = serde_json::to_value(req).map_err(fail)?;
    if let (Some(id), Some(map)) = (config_id, value.as_object_mut()) {
        map.insert("config_id".into(), id.into());
    }
    serde_json::to_vec(&value).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_id_is_added_only_when_set() {
        let call = Call::SessionLogout { user_id: "pui_x" };
        let plain: serde_json::Value = serde_json::from_slice(&call.body(None).unwrap()).unwrap();
        assert_eq!(plain, serde_json::json!({"user_id": "pui_x"}));
        let with: serde_json::Value =
            serde_json::from_slice(&call.body(Some("pci_1")).unwrap()).unwrap();
        assert_eq!(
            with,
            serde_json::json!({"user_id": "pui_x", "config_id": "pci_1"})
        );
    }

    #[test]
    fn only_refresh_is_not_idempotent() {
        let t = Secret::new("ptr_x");
        assert!(
            !Call::ClientSessionRefresh {
                refresh_token: &t,
                user_token: None
            }
            .idempotent()
        );
        assert!(Call::TokenCheck { token: &t }.idempotent());
    }
}
