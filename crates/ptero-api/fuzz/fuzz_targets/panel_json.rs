//! Panel JSON decoders (server list and detail, resources, files, startup, account,
//! errors) on any body: never panic, and whatever decodes serialises to JSON that decodes
//! again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ptero_api::{
    AccountItem, ErrorEnvelope, FileList, ServerDetail, ServerList, StartupList, StatsItem,
    UserApiKeyList,
};

fn again<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) {
    if let Ok(value) = serde_json::from_str::<T>(text) {
        let written = serde_json::to_string(&value).expect("serialises");
        serde_json::from_str::<T>(&written).expect("own output decodes");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    again::<ServerList>(text);
    again::<ServerDetail>(text);
    again::<StatsItem>(text);
    again::<FileList>(text);
    again::<StartupList>(text);
    again::<AccountItem>(text);
    again::<UserApiKeyList>(text);
    again::<ErrorEnvelope>(text);
});
