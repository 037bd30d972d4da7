//! Subscribers (SPEC E1): one that lags is resynced and ends where the others are; one that
//! subscribes while a change lands gets it, in its snapshot or in a patch after it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use grove_engine::feed::{FeedEvent, FeedOptions};

use super::support::{DELIVERY, Home, Model, key, next};

#[tokio::test]
async fn a_subscriber_that_lags_is_resynced_and_ends_with_the_same_state_as_one_that_kept_up() {
    let options = FeedOptions {
        subscriber_capacity: 4,
        coalesce: Duration::from_millis(5),
        coalesce_max: Duration::from_millis(20),
        ..FeedOptions::default()
    };
    let ids = ["api-1", "api-2", "api-3", "api-4", "api-5"];
    let home = Home::with(&ids, options).await;
    let (mut steady, mut lagging) = (home.feed.subscribe(), home.feed.subscribe());
    let (mut steady_model, mut lagging_model) = (Model::default(), Model::default());
    steady_model.apply(next(&mut steady, DELIVERY, "the steady snapshot").await);
    lagging_model.apply(next(&mut lagging, DELIVERY, "the lagging snapshot").await);

    // 100 changes, each waited for by the steady subscriber so each is its own patch; the
    // lagging one reads nothing meanwhile.
    for n in 0..100 {
        let (id, name) = (ids[n % ids.len()], format!("change {n}"));
        home.rename(id, &name);
        while steady_model.name(id) != Some(name.as_str()) {
            steady_model.apply(next(&mut steady, DELIVERY, &format!("{name} at the steady subscriber")).await);
        }
    }
    let last = steady_model.seq.expect("the steady subscriber has a seq");
    assert!(last >= 100, "each change was its own patch, so seq reached {last}");

    while lagging_model.seq != Some(last) {
        lagging_model.apply(next(&mut lagging, DELIVERY, "the lagging subscriber to catch up").await);
    }
    assert!(lagging_model.snapshots >= 2, "the lagging subscriber must have been resynced with a snapshot");
    assert_eq!(
        lagging_model.sessions, steady_model.sessions,
        "after its resync, the lagging subscriber must hold exactly what the steady one holds"
    );
    assert_eq!(lagging_model.warnings, steady_model.warnings, "and the same warnings");

    // Nothing the snapshot covered may follow it: the next message of both is the sentinel's.
    home.rename("api-1", "sentinel");
    for (model, sub, who) in [(&mut steady_model, &mut steady, "steady"), (&mut lagging_model, &mut lagging, "lagging")]
    {
        let snapshots = model.snapshots;
        model.apply(next(sub, DELIVERY, &format!("the sentinel at the {who} subscriber")).await);
        assert_eq!(model.name("api-1"), Some("sentinel"), "the {who} subscriber's next message is the sentinel");
        assert_eq!(model.snapshots, snapshots, "the {who} subscriber got the sentinel as a patch, not another resync");
    }
}

#[tokio::test]
async fn resync_on_request_gives_a_snapshot_with_what_was_not_yet_read_then_patches_again() {
    let home = Home::with(&["api-1", "api-2"], FeedOptions::default()).await;
    let (mut watching, mut sub) = (home.feed.subscribe(), home.feed.subscribe());
    next(&mut watching, DELIVERY, "the snapshot").await;
    let mut model = Model::default();
    model.apply(next(&mut sub, DELIVERY, "the snapshot").await);

    home.rename("api-1", "unread");
    // Wait (at another subscriber) until the change is published, so `sub` holds it unread.
    next(&mut watching, DELIVERY, "the change to be published").await;
    sub.resync();
    let FeedEvent::Snapshot(snapshot) = next(&mut sub, DELIVERY, "the resync").await else {
        panic!("after resync the next message must be a snapshot");
    };
    let seq = snapshot.seq;
    model.apply(FeedEvent::Snapshot(snapshot));
    assert_eq!(model.name("api-1"), Some("unread"), "the snapshot holds the change that was not read");

    home.rename("api-2", "after");
    model.apply(next(&mut sub, DELIVERY, "the next change").await);
    assert_eq!((model.seq, model.name("api-2")), (Some(seq + 1), Some("after")), "patches resume after the snapshot");
    assert_eq!(model.snapshots, 2, "the unread patch was dropped, not delivered after the snapshot");
}

/// Two workers, so the feed's task publishes while a subscriber is being registered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_racing_with_subscribe_is_in_the_snapshot_or_in_the_next_patch() {
    let options = FeedOptions {
        watch_store: false,
        coalesce: Duration::from_millis(1),
        coalesce_max: Duration::from_millis(2),
        ..FeedOptions::default()
    };
    let home = Home::with(&["api-1"], options).await;
    let done = AtomicBool::new(false);
    // A patch every few milliseconds for as long as subscribers are being checked.
    let writes = async {
        let mut n = 0;
        while !done.load(Ordering::SeqCst) {
            home.rename("api-1", &format!("write {n}"));
            home.feed.notify_changed(&key("api-1"));
            tokio::time::sleep(Duration::from_millis(1)).await;
            n += 1;
        }
    };
    // Each new subscriber must get a snapshot and then patches numbered without a gap: a change
    // published between its snapshot and its registration would show as a missing number.
    let subscribes = async {
        for round in 0..40 {
            let mut sub = home.feed.subscribe();
            let mut model = Model::default();
            for _ in 0..4 {
                model.apply(next(&mut sub, DELIVERY, &format!("round {round}'s messages")).await);
            }
            assert_eq!(model.snapshots, 1, "round {round}: only the first message is a snapshot");
        }
        done.store(true, Ordering::SeqCst);
    };
    tokio::join!(writes, subscribes);
}

#[tokio::test]
async fn dropping_the_feed_stops_it_and_ends_every_subscription() {
    let home = Home::with(&["api-1"], FeedOptions::default()).await;
    let mut sub = home.feed.subscribe();
    next(&mut sub, DELIVERY, "the snapshot").await;
    let super::support::Home { feed, store, _dir, config: _config, sessions: _sessions } = home;
    drop(feed);
    let ended = tokio::time::timeout(DELIVERY, sub.recv()).await.expect("a dropped feed must end its subscriptions");
    assert_eq!(ended, None, "no message after the feed is gone");
    store.save(&super::support::finished("api", "api-1")).expect("the store still works");
}
