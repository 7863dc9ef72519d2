//! Black-box end-to-end tests of Sammen live in `it/`: one integration test
//! binary (`cargo test -p sammen-tests --test it`) that starts the real
//! server and talks HTTP to it.
