//! The credentials every request is signed with, renewed before they expire: a long `sync` outlives the
//! temporary credentials of a CVM role or a pod identity, and must not fail half-way.
//!
//! Before each request the CLB client asks [`Provider::current`]: fixed key pairs are returned as they
//! are; temporary ones are fetched again once less than the source's margin is left (5 minutes for a CVM
//! role, 12 minutes for pod identity). A failed renewal is only a warning while the old ones are still
//! valid; once they have expired it is an error.

use std::cell::RefCell;

use super::cvm::{self, Cvm};
use super::oidc::{self, Oidc};
use super::{Credentials, CredentialsError};

pub(super) enum Refresh {
    Never,
    Cvm(Cvm),
    Oidc(Oidc),
}

impl Refresh {
    fn margin(&self) -> i64 {
        match self {
            Refresh::Never => 0,
            Refresh::Cvm(_) => cvm::MARGIN_SECS,
            Refresh::Oidc(_) => oidc::MARGIN_SECS,
        }
    }

    async fn fetch(&self) -> Result<Option<Credentials>, CredentialsError> {
        match self {
            Refresh::Never => Ok(None),
            Refresh::Cvm(c) => c.fetch().await.map(Some),
            Refresh::Oidc(o) => o.fetch().await.map(Some),
        }
    }
}

type Clock = Box<dyn Fn() -> i64>;

pub struct Provider {
    current: RefCell<Credentials>,
    refresh: Refresh,
    clock: Clock,
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Provider {
    /// A key pair that never changes.
    pub fn fixed(credentials: Credentials) -> Provider {
        Provider {
            current: RefCell::new(credentials),
            refresh: Refresh::Never,
            clock: Box::new(now),
        }
    }

    /// Fetch temporary credentials now, and again whenever they are about to expire.
    pub(super) async fn refreshing(refresh: Refresh) -> Result<Provider, CredentialsError> {
        let first = refresh
            .fetch()
            .await?
            .expect("a refreshing source fetches credentials");
        Ok(Provider {
            current: RefCell::new(first),
            refresh,
            clock: Box::new(now),
        })
    }

    /// `{source} (SecretId AKID***cdef[, temporary, valid until …])`, for -v.
    pub fn describe(&self) -> String {
        let c = self.current.borrow();
        format!("{} ({})", c.source, c.summary())
    }

    /// The credentials to sign a request with now. `log` hears about renewals (no secret in them).
    pub async fn current(&self, log: &dyn Fn(&str)) -> Result<Credentials, CredentialsError> {
        let now = (self.clock)();
        let expires_at = self.current.borrow().expires_at;
        let Some(expires_at) = expires_at else {
            return Ok(self.current.borrow().clone());
        };
        if now < expires_at - self.refresh.margin() {
            return Ok(self.current.borrow().clone());
        }
        match self.refresh.fetch().await {
            Ok(Some(fresh)) => {
                log(&format!(
                    "credentials renewed: {} ({})",
                    fresh.source,
                    fresh.summary()
                ));
                *self.current.borrow_mut() = fresh;
                Ok(self.current.borrow().clone())
            }
            Ok(None) => Ok(self.current.borrow().clone()),
            Err(e) if now < expires_at => {
                log(&format!(
                    "could not renew the credentials yet, using the current ones for {} s more: {e}",
                    expires_at - now
                ));
                Ok(self.current.borrow().clone())
            }
            Err(e) => Err(CredentialsError::Expired {
                source_name: self.current.borrow().source.to_string(),
                reason: e.to_string(),
            }),
        }
    }

    #[cfg(test)]
    fn with_clock(mut self, clock: impl Fn() -> i64 + 'static) -> Provider {
        self.clock = Box::new(clock);
        self
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::super::{CredentialSource, Secret};
    use super::*;

    fn creds(id: &str, expires_at: Option<i64>) -> Credentials {
        Credentials {
            secret_id: id.to_string(),
            secret_key: Secret::new("k"),
            token: None,
            source: CredentialSource::Env { token_var: None },
            expires_at,
        }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn fixed_credentials_are_never_renewed() {
        let p = Provider::fixed(creds("AKIDfixed", None)).with_clock(|| i64::MAX);
        let c = block(p.current(&|_| panic!("no renewal"))).unwrap();
        assert_eq!(c.secret_id, "AKIDfixed");
    }

    #[test]
    fn temporary_credentials_are_kept_until_the_margin_then_renewal_failures_are_bounded() {
        // A refreshing provider whose source always fails (the metadata service on a closed port).
        let net = crate::cloud::net::Net::from_env(&|_| None).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let endpoint = crate::cloud::endpoint::Endpoint::parse("http://127.0.0.1:9").unwrap();
        let cvm = rt.block_on(async { Cvm::new(&endpoint, &net, true).with_role("r".into()) });
        let clock = Rc::new(Cell::new(1_000));
        let c2 = clock.clone();
        let p = Provider {
            current: RefCell::new(creds("AKIDold", Some(2_000))),
            refresh: Refresh::Cvm(cvm),
            clock: Box::new(move || c2.get()),
        };
        let logs = RefCell::new(Vec::new());
        let log = |l: &str| logs.borrow_mut().push(l.to_string());

        // Far from expiry: no renewal attempted.
        assert_eq!(rt.block_on(p.current(&log)).unwrap().secret_id, "AKIDold");
        assert!(logs.borrow().is_empty());
        // Within the 5-minute margin: renewal is tried; it fails, the old ones are still valid.
        clock.set(2_000 - cvm::MARGIN_SECS);
        assert_eq!(rt.block_on(p.current(&log)).unwrap().secret_id, "AKIDold");
        assert!(
            logs.borrow()[0].contains("for 300 s more"),
            "{:?}",
            logs.borrow()
        );
        // Expired and not renewable: an error, not a request bound to fail.
        clock.set(2_000);
        let err = rt.block_on(p.current(&log)).unwrap_err();
        assert!(matches!(err, CredentialsError::Expired { .. }), "{err}");
    }
}
