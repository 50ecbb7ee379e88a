//! Integration tests: the `nrel-search` binary and the library on the real
//! seed corpus.

mod harness;

mod adversarial;
mod bilingual;
mod cite;
mod errors;
mod formats;
mod freshness;
mod ingest;
mod properties;
mod record;
mod regression;
mod scripted;
mod search;
mod semantic;
mod serve;
