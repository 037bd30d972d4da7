//! Tracing to stderr and to daily-rolling files under `$GROVE_HOME/logs/`.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::home::GroveHome;

/// Environment variable with a tracing filter (`info`, `grove_engine=debug`, ...).
pub const LOG_ENV: &str = "GROVE_LOG";
/// Log files kept before the oldest is deleted: two weeks of daily files.
const MAX_LOG_FILES: usize = 14;

/// Keeps the file writer alive; dropping it flushes buffered lines (done last on every exit path).
#[must_use = "dropping the guard stops file logging"]
pub struct LogGuard {
    _flush_on_drop: Option<WorkerGuard>,
}

/// Installs the global subscriber. `stderr_default` is the stderr level when `GROVE_LOG` is unset
/// (the CLI keeps stderr quiet so its own messages stand out; the app is more talkative). When the
/// logs directory cannot be created, logging goes to stderr only and says so, never failing start.
pub fn init(home: &GroveHome, stderr_default: &str) -> LogGuard {
    let filter = |default: &str| EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default));
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_filter_fn(filter(stderr_default));

    // The appender lists the directory to prune old files; create it first so a new home logs
    // from its very first line.
    let _ = std::fs::create_dir_all(home.logs_dir());
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("grove")
        .filename_suffix("log")
        .max_log_files(MAX_LOG_FILES)
        .build(home.logs_dir());
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer =
                tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false).with_filter_fn(filter("info"));
            let _ = tracing_subscriber::registry().with(stderr_layer).with(file_layer).try_init();
            LogGuard { _flush_on_drop: Some(guard) }
        }
        Err(e) => {
            let _ = tracing_subscriber::registry().with(stderr_layer).try_init();
            tracing::warn!("file logging is off: cannot open {}: {e}", home.logs_dir().display());
            LogGuard { _flush_on_drop: None }
        }
    }
}

/// Small adapter so each layer gets its own `EnvFilter` without spelling out the layer types.
trait WithFilterFn<S>: tracing_subscriber::Layer<S> + Sized
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn with_filter_fn(self, f: EnvFilter) -> tracing_subscriber::filter::Filtered<Self, EnvFilter, S> {
        tracing_subscriber::Layer::with_filter(self, f)
    }
}

impl<S, L> WithFilterFn<S> for L
where
    L: tracing_subscriber::Layer<S>,
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
}
