//! What `sync` reads from the CLB, through the [`Clb`] trait: the load balancer (checked), its listeners,
//! and the targets bound on the listeners a sync touches.

use std::collections::{BTreeMap, BTreeSet};

use super::cluster_read::{ClusterView, Frontend};
use super::error::SyncError;
use super::model::{ActualTarget, Binding};
use super::plan::BindingInput;
use super::resolve::{LbSource, l4_protocol, load_balancer_id};
use crate::cloud::limits::DESCRIBE_TARGETS_LISTENERS;
use crate::cloud::{Backend, Clb, CloudError, Listener, LoadBalancer};
use crate::model::Kind;

/// Find the CLB named by the object's annotations or `--lb`, and check it: it exists, is not a classic
/// CLB, and is in the cluster's VPC (when the cluster says which).
pub async fn load_balancer<C: Clb>(
    clb: &C,
    view: &ClusterView,
    lb_flag: Option<&str>,
    region: &str,
) -> Result<(LoadBalancer, LbSource), SyncError> {
    let target = &view.target;
    let shown = format!("{}/{}", target.kind.short(), target.name);
    let (lb_id, source) = load_balancer_id(target.kind, &shown, &view.annotations, lb_flag)?;
    let lb = clb
        .describe_load_balancers(std::slice::from_ref(&lb_id))
        .await?
        .into_iter()
        .find(|l| l.load_balancer_id == lb_id)
        .ok_or_else(|| SyncError::LbNotFound {
            lb: lb_id.clone(),
            region: region.to_string(),
        })?;
    if lb.forward == Some(0) {
        return Err(SyncError::ClassicLb(lb_id));
    }
    if let (Some(lb_vpc), Some(cluster_vpc)) = (
        lb.vpc_id.as_deref().filter(|v| !v.is_empty()),
        view.tke_vpc.as_deref(),
    ) && lb_vpc != cluster_vpc
    {
        return Err(SyncError::VpcMismatch {
            lb: lb_id,
            lb_vpc: lb_vpc.into(),
            cluster_vpc: cluster_vpc.into(),
        });
    }
    Ok((lb, source))
}

/// The listeners the routes may use. TKE never writes listener ids back: an Ingress's rules are looked up
/// among all listeners; a Service port's listener with `DescribeListeners(Protocol, Port)`, once per
/// protocol and port.
pub async fn listeners<C: Clb>(
    clb: &C,
    lb: &str,
    view: &ClusterView,
) -> Result<Vec<Listener>, CloudError> {
    if view.target.kind == Kind::Ingress {
        return clb.describe_listeners(lb, None, None).await;
    }
    let mut asked = BTreeSet::new();
    let mut out = Vec::new();
    for route in view
        .routes
        .iter()
        .filter(|r| r.frontend == Frontend::ServicePort)
    {
        let (Some(protocol), Some(port)) = (l4_protocol(route.port.protocol()), route.port.port)
        else {
            continue;
        };
        if asked.insert((protocol.clone(), port)) {
            out.extend(
                clb.describe_listeners(lb, Some(&protocol), Some(port))
                    .await?,
            );
        }
    }
    Ok(out)
}

fn actual_target(b: &Backend) -> ActualTarget {
    ActualTarget {
        ip: b.private_ip_addresses.first().cloned().unwrap_or_default(),
        port: b.port,
        weight: b.weight,
        kind: b.kind.clone(),
        instance_id: b.instance_id.clone(),
    }
}

/// The CLB's targets on the bindings' listeners: `DescribeTargets`, at most 20 listener ids a call.
pub async fn read_actual<C: Clb>(
    clb: &C,
    lb: &str,
    inputs: &[BindingInput],
) -> Result<BTreeMap<Binding, Vec<ActualTarget>>, CloudError> {
    let ids: Vec<String> = inputs
        .iter()
        .map(|i| i.info.binding.listener_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out: BTreeMap<Binding, Vec<ActualTarget>> = BTreeMap::new();
    for chunk in ids.chunks(DESCRIBE_TARGETS_LISTENERS) {
        for l in clb.describe_targets(lb, chunk).await? {
            if !l.targets.is_empty() {
                let b = Binding {
                    listener_id: l.listener_id.clone(),
                    location_id: None,
                };
                out.entry(b)
                    .or_default()
                    .extend(l.targets.iter().map(actual_target));
            }
            for r in &l.rules {
                let b = Binding {
                    listener_id: l.listener_id.clone(),
                    location_id: Some(r.location_id.clone()),
                };
                out.entry(b)
                    .or_default()
                    .extend(r.targets.iter().map(actual_target));
            }
        }
    }
    Ok(out)
}
