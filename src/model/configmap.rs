//! ConfigMaps (TKE keeps its settings in a few in kube-system).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::de;
use super::meta::ObjectMeta;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigMap {
    pub metadata: ObjectMeta,
    #[serde(
        deserialize_with = "de::string_map",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub data: BTreeMap<String, String>,
}
