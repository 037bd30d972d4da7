//! Fuzzing of every parser of outside input (issue #11), with proptest: bounded in the test
//! command, longer by hand with `PROPTEST_CASES`.
