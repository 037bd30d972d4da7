//! A small W3C WebDriver client: just the endpoints the tests use.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

/// The W3C key under which an element reference arrives.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long element lookups wait for an element to appear (the driver waits, we do not poll).
const IMPLICIT_WAIT_MS: u64 = 20_000;
/// How long an async script may run: `wait_for` waits inside the page for up to a minute.
const SCRIPT_TIMEOUT_MS: u64 = 120_000;

/// One WebDriver session: one running app.
pub struct WebDriver {
    agent: ureq::Agent,
    base: String,
    session: String,
}

/// A found element.
pub struct Element(String);

impl WebDriver {
    pub fn new_session(port: u16, app: &Path) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(90)))
            .http_status_as_error(false)
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}});
        let mut driver = Self { agent, base, session: String::new() };
        let v = driver.create_session(caps);
        driver.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session id in {v}")).to_owned();
        driver.cmd("POST", "/timeouts", Some(json!({"implicit": IMPLICIT_WAIT_MS, "script": SCRIPT_TIMEOUT_MS})));
        driver
    }

    /// POST /session, tried again when the connection drops before an answer: tauri-driver
    /// forwards to WebKitWebDriver, which on a loaded machine may not listen yet, and tauri-driver
    /// then closes the connection instead of answering. An HTTP error is not retried.
    fn create_session(&self, caps: Value) -> Value {
        const ATTEMPTS: u32 = 3;
        let url = format!("{}/session", self.base);
        for attempt in 1..=ATTEMPTS {
            match self.agent.post(&url).send_json(caps.clone()) {
                Ok(mut resp) => {
                    let status = resp.status();
                    let v: Value =
                        resp.body_mut().read_json().unwrap_or_else(|e| panic!("POST /session: bad JSON: {e}"));
                    assert!(status.is_success(), "POST /session failed with {status}: {}", v["value"]);
                    return v["value"].clone();
                }
                Err(e) if attempt < ATTEMPTS => {
                    eprintln!("POST /session: {e}; the driver was not ready, trying again ({attempt}/{ATTEMPTS})");
                    std::thread::sleep(Duration::from_secs(2));
                }
                Err(e) => panic!("POST /session failed {ATTEMPTS} times, last: {e}"),
            }
        }
        unreachable!("the loop returns or panics")
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let result = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, Some(b)) => self.agent.post(&url).send_json(b),
            (_, None) => self.agent.post(&url).send_json(json!({})),
        };
        let mut resp = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status();
        let v: Value = resp.body_mut().read_json().unwrap_or_else(|e| panic!("{method} {path}: bad JSON: {e}"));
        assert!(status.is_success(), "{method} {path} failed with {status}: {}", v["value"]);
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.send(method, &format!("/session/{}{}", self.session, path), body)
    }

    /// The element with `data-testid="<id>"`, waiting for it to appear.
    pub fn by_test_id(&self, id: &str) -> Element {
        self.find(&format!("[data-testid=\"{id}\"]"))
    }

    /// The first element matching a CSS selector, waiting for it to appear.
    pub fn find(&self, css: &str) -> Element {
        let v = self.cmd("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        Element(v[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("no element for {css}: {v}")).to_owned())
    }

    /// The rendered text of an element.
    pub fn text(&self, el: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/text", el.0), None).as_str().unwrap_or_default().to_owned()
    }

    /// Clicks an element the way a user does (the driver moves the pointer and clicks).
    pub fn click(&self, el: &Element) {
        self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({})));
    }

    /// Types `text` into an element (an input or textarea), as keystrokes.
    pub fn type_text(&self, el: &Element, text: &str) {
        self.cmd("POST", &format!("/element/{}/value", el.0), Some(json!({"text": text})));
    }

    /// An attribute of an element; `None` when it has none.
    pub fn attr(&self, el: &Element, name: &str) -> Option<String> {
        self.cmd("GET", &format!("/element/{}/attribute/{name}", el.0), None).as_str().map(str::to_owned)
    }

    /// Waits until the JavaScript expression `condition` is truthy, checking it in the page every
    /// animation frame, for at most `timeout`; returns its value, or panics naming `what`.
    pub fn wait_for(&self, what: &str, condition: &str, timeout: Duration) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             const deadline = performance.now() + {ms};
             const check = () => {{
               let value;
               try {{ value = ({condition}); }} catch (e) {{ value = undefined; }}
               if (value) return done({{ok: true, value}});
               if (performance.now() > deadline) return done({{ok: false}});
               requestAnimationFrame(check);
             }};
             check();",
            ms = timeout.as_millis(),
        );
        let outcome = self.execute_async(&script);
        assert_eq!(outcome["ok"], true, "timed out after {timeout:?} waiting for {what} ({condition})");
        outcome["value"].clone()
    }

    /// Evaluates a JavaScript expression in the page and returns its value.
    pub fn eval(&self, expression: &str) -> Value {
        self.execute_async(&format!(
            "const done = arguments[arguments.length - 1]; Promise.resolve({expression}).then(done, (e) => done('error: ' + e));"
        ))
    }

    /// Runs an async script; its last argument is the callback that returns the result.
    pub fn execute_async(&self, script: &str) -> Value {
        self.cmd("POST", "/execute/async", Some(json!({"script": script, "args": []})))
    }

    /// A PNG of the window's content, once web fonts are in, entrance animations (a dialog's
    /// fade-in) have finished and two frames have been painted (WebKit's snapshot shows the last
    /// painted frame, which can lag the DOM).
    pub fn screenshot(&self) -> Vec<u8> {
        self.execute_async(
            "const done = arguments[arguments.length - 1];
             const entering = document.getAnimations()
               .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
               .map((a) => a.finished.catch(() => null));
             Promise.all([document.fonts.ready, ...entering])
               .then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
        );
        let b64 = self.cmd("GET", "/screenshot", None);
        base64::engine::general_purpose::STANDARD.decode(b64.as_str().expect("base64 string")).expect("valid base64")
    }

    /// Resizes the window (outer size in pixels), as a user dragging its edge does.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    /// Closes the session, which closes the app.
    pub fn quit(self) {
        self.send("DELETE", &format!("/session/{}", self.session), None);
    }
}
