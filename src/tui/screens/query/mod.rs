//! The query editor over a table's query bar: typing, history, completion, and what the
//! text typed so far compiles to, shown before Enter. Its drawing is the table's query
//! bar (`screens/table/query_bar.rs`).

mod keys;
