//! The read paths and bounded enrichment (SPEC §D). [`Sessions`] is the facade: `list_stored`,
//! `list_cached`, `list_fresh`, `get` and `invalidate`. Inside:
//!
//! - `flight`: single flight per (session, probe kind), each caller with its own deadline (D3);
//! - `cooldown`: no probe of a session for 15 s after one of its probes timed out (D4);
//! - `enrich`: bounded probing of a session and combining the answers into a view (D2, D9, D11);
//! - `findings`: what one session's probes found, and what of it goes to disk (D11, D11a);
//! - `merge`: writing positive evidence back without overwriting newer writers (D5, D10);
//! - `cache` and `refresher`: the stale-while-revalidate snapshot with its generation guard and
//!   retry backoff (D6-D8);
//! - `policy`: the numbers of SPEC §J.

mod cache;
mod cooldown;
mod enrich;
mod findings;
mod flight;
mod merge;
mod nudge;
mod policy;
mod probes;
mod refresher;
mod sessions;
mod view;

pub use nudge::RECHECK_WAITING;
pub use policy::{
    CACHE_FRESH_FOR, DETAIL_DEADLINE, EnrichmentPolicy, FRESH_DEADLINE, INFO_EVERY_NTH_PASS, MAX_CONCURRENT_PROBES,
    REFRESH_BACKOFF, TIMEOUT_COOLDOWN,
};
pub use probes::{AgentProbeLookup, Probes};
pub use sessions::{ReadError, Sessions};
pub use view::{Enrichment, LiveFields, SessionKey, SessionList, SessionView};
