//! CLB API (2018-03-17) request and response shapes for the actions tkedirect uses, field names as on the
//! wire. Responses are read leniently: the API documents many fields as "may be null".

use serde::{Deserialize, Deserializer, Serialize};

/// `null` or absent → `T::default()`.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// One CLB instance (`DescribeLoadBalancers` → `LoadBalancerSet[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoadBalancer {
    #[serde(default, deserialize_with = "null_default")]
    pub load_balancer_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub load_balancer_name: String,
    /// `OPEN` or `INTERNAL`.
    #[serde(default, deserialize_with = "null_default")]
    pub load_balancer_type: String,
    /// 1 = CLB, 0 = classic CLB.
    #[serde(default)]
    pub forward: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    pub load_balancer_vips: Vec<String>,
    #[serde(default)]
    pub load_balancer_domain: Option<String>,
    /// 0 creating, 1 running.
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `ipv4` or `ipv6` (`IPV4`/`IPV6` on some pages: compare without case).
    #[serde(rename = "AddressIPVersion", default)]
    pub address_ip_version: Option<String>,
    /// With `ipv6`: `IPv6Nat64` (IPv6 in front, IPv4 targets) or `IPv6FullChain` (IPv6 targets).
    #[serde(rename = "IPv6Mode", default)]
    pub ipv6_mode: Option<String>,
    /// An `IPv6FullChain` CLB whose L7 listeners take IPv4 and IPv6 targets side by side ("mixed binding").
    #[serde(default)]
    pub mix_ip_target: Option<bool>,
}

/// An L7 forwarding rule (`Listener.Rules[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    #[serde(default, deserialize_with = "null_default")]
    pub location_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub domain: String,
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
}

/// A listener (`DescribeListeners` → `Listeners[]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    #[serde(default, deserialize_with = "null_default")]
    pub listener_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub listener_name: String,
    #[serde(default, deserialize_with = "null_default")]
    pub protocol: String,
    #[serde(default, deserialize_with = "null_default")]
    pub port: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub rules: Vec<Rule>,
}

impl Listener {
    pub fn is_l7(&self) -> bool {
        matches!(self.protocol.as_str(), "HTTP" | "HTTPS")
    }
}

/// A bound backend (`Backend`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Backend {
    /// CVM, ENI, CCN, EVM, GLOBALROUTE, NAT, SRV…
    #[serde(rename = "Type", default, deserialize_with = "null_default")]
    pub kind: String,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub port: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub weight: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub private_ip_addresses: Vec<String>,
    #[serde(default)]
    pub eni_id: Option<String>,
}

/// `DescribeTargets` → `Listeners[].Rules[]` (L7).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleTargets {
    #[serde(default, deserialize_with = "null_default")]
    pub location_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub domain: String,
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    #[serde(default, deserialize_with = "null_default")]
    pub targets: Vec<Backend>,
}

/// `DescribeTargets` → `Listeners[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListenerBackend {
    #[serde(default, deserialize_with = "null_default")]
    pub listener_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub protocol: String,
    #[serde(default, deserialize_with = "null_default")]
    pub port: i64,
    /// L4 listeners.
    #[serde(default, deserialize_with = "null_default")]
    pub targets: Vec<Backend>,
    /// L7 listeners.
    #[serde(default, deserialize_with = "null_default")]
    pub rules: Vec<RuleTargets>,
}

/// One target of `BatchRegisterTargets` / `BatchDeregisterTargets` (`BatchTarget`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchTarget {
    pub listener_id: String,
    pub port: i64,
    /// Pods are bound by ENI IP; `InstanceId` binds a CVM's primary IP (used only to remove such targets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub eni_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weight: Option<i64>,
    /// Required for L7 listeners.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location_id: Option<String>,
}

/// The result of one batch call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchOutcome {
    /// Listeners whose (de)registration failed; empty means every target of the call was handled.
    #[serde(default, deserialize_with = "null_default")]
    pub fail_listener_id_set: Vec<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub request_id: String,
}

/// One quota of the account in the region (`DescribeQuota` → `QuotaSet[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Quota {
    /// `TOTAL_TARGET_BIND_QUOTA` (devices one forwarding rule, or L4 listener, may bind), `TOTAL_LISTENER_QUOTA`…
    #[serde(default, deserialize_with = "null_default")]
    pub quota_id: String,
    /// Null where it means nothing (per-rule quotas).
    #[serde(default)]
    pub quota_current: Option<i64>,
    #[serde(default)]
    pub quota_limit: Option<i64>,
}

/// `DescribeTaskStatus`: the state of an asynchronous task (`TaskId` = the `RequestId` of the call that
/// started it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskStatus {
    /// 0 succeeded, 1 failed, 2 running.
    #[serde(default)]
    pub status: Option<i64>,
    /// Why it failed.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTaskStatusRequest<'a> {
    pub task_id: &'a str,
}

/// The quota of targets one listener or L7 rule holds.
pub const TARGET_BIND_QUOTA: &str = "TOTAL_TARGET_BIND_QUOTA";

// ---- requests and the parts of responses tkedirect reads ----

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLoadBalancersRequest<'a> {
    pub load_balancer_ids: &'a [String],
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeLoadBalancersResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub load_balancer_set: Vec<LoadBalancer>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeListenersRequest<'a> {
    pub load_balancer_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeListenersResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub listeners: Vec<Listener>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTargetsRequest<'a> {
    pub load_balancer_id: &'a str,
    pub listener_ids: &'a [String],
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTargetsResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub listeners: Vec<ListenerBackend>,
}

/// `DescribeQuota` takes no parameters.
#[derive(Debug, Serialize)]
pub struct DescribeQuotaRequest {}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeQuotaResponse {
    #[serde(default, deserialize_with = "null_default")]
    pub quota_set: Vec<Quota>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchTargetsRequest<'a> {
    pub load_balancer_id: &'a str,
    pub targets: &'a [BatchTarget],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nulls_and_missing_fields() {
        let r: DescribeTargetsResponse = serde_json::from_value(serde_json::json!({
            "Listeners": [
                {"ListenerId": "lbl-1", "Protocol": "TCP", "Port": 80, "Targets": null, "Rules": null, "EndPort": null},
                {"ListenerId": "lbl-2", "Protocol": "HTTP", "Port": 80, "Targets": null,
                 "Rules": [{"LocationId": "loc-1", "Domain": "a.example", "Url": "/",
                            "Targets": [{"Type": "ENI", "Port": 8080, "Weight": 10,
                                         "PrivateIpAddresses": ["10.0.0.1"], "InstanceId": null,
                                         "RegisteredTime": "2024-01-01 00:00:00", "Zone": null}]}]}
            ],
            "RequestId": "x"
        }))
        .unwrap();
        assert!(r.listeners[0].targets.is_empty());
        assert_eq!(
            r.listeners[1].rules[0].targets[0].private_ip_addresses,
            ["10.0.0.1"]
        );
        let b: BatchOutcome =
            serde_json::from_str(r#"{"FailListenerIdSet": null, "RequestId": "r"}"#).unwrap();
        assert!(b.fail_listener_id_set.is_empty());
    }

    #[test]
    fn ip_version_fields_keep_their_odd_spelling() {
        let lb: LoadBalancer = serde_json::from_str(
            r#"{"LoadBalancerId": "lb-1", "AddressIPVersion": "ipv6", "IPv6Mode": "IPv6FullChain", "MixIpTarget": true}"#,
        )
        .unwrap();
        assert_eq!(
            (
                lb.address_ip_version.as_deref(),
                lb.ipv6_mode.as_deref(),
                lb.mix_ip_target
            ),
            (Some("ipv6"), Some("IPv6FullChain"), Some(true))
        );
        let lb: LoadBalancer =
            serde_json::from_str(r#"{"AddressIPVersion": null, "IPv6Mode": null}"#).unwrap();
        assert_eq!(
            (lb.address_ip_version, lb.ipv6_mode, lb.mix_ip_target),
            (None, None, None)
        );
    }

    #[test]
    fn task_status() {
        let t: TaskStatus = serde_json::from_str(
            r#"{"Status": 1, "Message": "ENI not found", "LoadBalancerIds": ["lb-1"], "RequestId": "r"}"#,
        )
        .unwrap();
        assert_eq!(
            (t.status, t.message.as_deref()),
            (Some(1), Some("ENI not found"))
        );
        assert_eq!(
            serde_json::to_string(&DescribeTaskStatusRequest { task_id: "req-1" }).unwrap(),
            r#"{"TaskId":"req-1"}"#
        );
    }

    #[test]
    fn quotas() {
        let r: DescribeQuotaResponse = serde_json::from_str(
            r#"{"QuotaSet": [{"QuotaId": "TOTAL_TARGET_BIND_QUOTA", "QuotaCurrent": null, "QuotaLimit": 200},
                             {"QuotaId": "TOTAL_OPEN_CLB_QUOTA", "QuotaCurrent": 16, "QuotaLimit": 100}], "RequestId": "r"}"#,
        )
        .unwrap();
        assert_eq!(r.quota_set[0].quota_id, TARGET_BIND_QUOTA);
        assert_eq!(
            (r.quota_set[0].quota_current, r.quota_set[0].quota_limit),
            (None, Some(200))
        );
    }

    #[test]
    fn batch_target_wire_shape() {
        let t = BatchTarget {
            listener_id: "lbl-1".into(),
            port: 8080,
            eni_ip: Some("10.0.0.1".into()),
            instance_id: None,
            weight: Some(10),
            location_id: None,
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"ListenerId":"lbl-1","Port":8080,"EniIp":"10.0.0.1","Weight":10}"#
        );
    }
}
