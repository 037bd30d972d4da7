//! The `webhook` notifier: an HTTP POST of the notification as JSON. The client is blocking
//! (`ureq`: no second async runtime, no connection machinery to manage), so each delivery runs
//! on tokio's blocking pool, bounded by one deadline for the whole exchange.

use std::time::Duration;

use crate::react::{Notification, Notifier, NotifyError, NotifyFuture};

/// How long one POST may take, connecting to reading the answer: a chat hook answers in well
/// under a second, and a dead endpoint must not hold up the notifications after it.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);

/// POSTs every notification to a URL.
#[derive(Debug, Clone)]
pub struct WebhookNotifier {
    name: String,
    url: String,
    timeout: Duration,
    agent: ureq::Agent,
}

impl WebhookNotifier {
    /// The notifier `name` posting to `url`, which must be `http://` or `https://`.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Result<Self, NotifyError> {
        let (name, url) = (name.into(), url.into());
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            let reason = format!("url {url:?} must start with http:// or https://");
            return Err(NotifyError::Failed { notifier: name, reason });
        }
        Ok(Self { name, url, timeout: WEBHOOK_TIMEOUT, agent: agent(WEBHOOK_TIMEOUT) })
    }

    /// This notifier with another deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.agent = agent(timeout);
        self
    }

    /// The address it posts to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn failed(&self, reason: impl Into<String>) -> NotifyError {
        NotifyError::Failed { notifier: self.name.clone(), reason: reason.into() }
    }

    async fn post(&self, notification: &Notification) -> Result<(), NotifyError> {
        let body = serde_json::to_vec(notification).map_err(|e| self.failed(format!("cannot encode: {e}")))?;
        let (agent, url) = (self.agent.clone(), self.url.clone());
        let sent = tokio::task::spawn_blocking(move || {
            agent.post(&url).header("Content-Type", "application/json").send(&body[..]).map(|_| ())
        });
        match sent.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(self.failed(format!("POST {} failed: {e}", self.url))),
            Err(e) => Err(self.failed(format!("POST {} did not complete: {e}", self.url))),
        }
    }
}

impl Notifier for WebhookNotifier {
    fn notify<'a>(&'a self, notification: &'a Notification) -> NotifyFuture<'a> {
        Box::pin(self.post(notification))
    }
}

/// A client whose every request is bounded by `timeout`. Redirects are not followed: clients
/// turn a redirected POST into a GET without the body, which would report a delivery that never
/// happened.
fn agent(timeout: Duration) -> ureq::Agent {
    let user_agent = concat!("grove/", env!("CARGO_PKG_VERSION"));
    ureq::Agent::config_builder().timeout_global(Some(timeout)).max_redirects(0).user_agent(user_agent).build().into()
}
