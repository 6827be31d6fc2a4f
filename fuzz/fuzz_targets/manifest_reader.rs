//! Any bytes as a manifest file: the reader reports problems, never panics, and whatever it
//! reads the engine can assess.

#![no_main]

use appasset_operator::engine::settings::Settings;
use appasset_operator::scan::inventory;
use appasset_operator::scan::reader::Reading;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut reading = Reading::default();
    reading.read("fuzz.yaml", &text);
    let now = Time(Timestamp::UNIX_EPOCH);
    let _ = inventory(reading.objects, &Settings::default(), &now);
});
