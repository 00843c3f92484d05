//! Turning a plan into API batches: one target list per action, cut into calls of at most 500 targets.
//! Targets of different listeners share calls (`BatchTarget` names its listener), so the number of write
//! calls per action is ⌈changes / 500⌉.

use std::collections::BTreeSet;

use super::plan::SyncPlan;
use crate::cloud::BatchTarget;
use crate::cloud::limits::BATCH_TARGETS;

/// Targets to register, from every binding that is not blocked by a guard.
pub fn register_targets(plan: &SyncPlan) -> Vec<BatchTarget> {
    plan.bindings
        .iter()
        .filter(|b| !b.blocked())
        .flat_map(|b| {
            b.register.iter().map(|r| BatchTarget {
                listener_id: b.info.binding.listener_id.clone(),
                location_id: b.info.binding.location_id.clone(),
                port: r.port,
                eni_ip: Some(r.ip.clone()),
                instance_id: None,
                weight: Some(r.weight),
            })
        })
        .collect()
}

/// Targets to deregister, except on listeners in `skip` (those whose registration failed: their old
/// targets keep serving).
pub fn deregister_targets(plan: &SyncPlan, skip: &BTreeSet<String>) -> Vec<BatchTarget> {
    plan.bindings
        .iter()
        .filter(|b| !b.blocked() && !skip.contains(&b.info.binding.listener_id))
        .flat_map(|b| {
            b.deregister.iter().map(|d| {
                // A CVM's primary address is addressed by instance id; everything else by IP.
                let by_instance =
                    d.target.kind.eq_ignore_ascii_case("CVM") && d.target.instance_id.is_some();
                BatchTarget {
                    listener_id: b.info.binding.listener_id.clone(),
                    location_id: b.info.binding.location_id.clone(),
                    port: d.target.port,
                    eni_ip: (!by_instance).then(|| d.target.ip.clone()),
                    instance_id: if by_instance {
                        d.target.instance_id.clone()
                    } else {
                        None
                    },
                    weight: None,
                }
            })
        })
        .collect()
}

/// Calls of at most `size` targets.
pub fn chunks(targets: &[BatchTarget], size: usize) -> Vec<&[BatchTarget]> {
    targets.chunks(size.max(1)).collect()
}

/// Calls of at most 500 targets.
pub fn calls(targets: &[BatchTarget]) -> Vec<&[BatchTarget]> {
    chunks(targets, BATCH_TARGETS)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sync::model::ActualTarget;
    use crate::sync::plan::tests::{eni, input, no_quota, want};
    use crate::sync::plan::{PlanOptions, plan};

    fn wants(prefix: &str, n: usize) -> Vec<crate::sync::model::DesiredTarget> {
        (0..n)
            .map(|i| {
                want(
                    &format!("{prefix}.{}.{}", i / 250, i % 250),
                    8080,
                    &format!("p{i}"),
                )
            })
            .collect()
    }

    #[test]
    fn batching_at_500_across_listeners() {
        // 1,000 pods over 4 listeners from empty: 4,000 registrations → 8 calls of 500.
        let inputs: Vec<_> = (1..=4)
            .map(|l| input(&format!("lbl-{l}"), wants("10.1", 1000)))
            .collect();
        let p = plan(&inputs, &BTreeMap::new(), &no_quota());
        let reg = register_targets(&p);
        assert_eq!(reg.len(), 4000);
        let batches = calls(&reg);
        assert_eq!(batches.len(), 8);
        assert!(batches.iter().all(|c| c.len() == 500));
        assert!(deregister_targets(&p, &BTreeSet::new()).is_empty());

        // 501 → 2 calls (500 + 1); 500 → 1; 0 → 0.
        let p = plan(
            &[input("lbl-1", wants("10.2", 501))],
            &BTreeMap::new(),
            &no_quota(),
        );
        assert_eq!(
            calls(&register_targets(&p))
                .iter()
                .map(|c| c.len())
                .collect::<Vec<_>>(),
            [500, 1]
        );
        let p = plan(
            &[input("lbl-1", wants("10.2", 500))],
            &BTreeMap::new(),
            &no_quota(),
        );
        assert_eq!(calls(&register_targets(&p)).len(), 1);
        assert!(calls(&[]).is_empty());
    }

    #[test]
    fn blocked_and_skipped_listeners_are_left_out() {
        let with = |l: &str, targets| {
            (
                crate::sync::model::Binding {
                    listener_id: l.into(),
                    location_id: None,
                },
                targets,
            )
        };
        let actual = BTreeMap::from([
            with("lbl-1", vec![eni("10.9.0.1", 80, 10)]),
            with(
                "lbl-2",
                vec![eni("10.9.0.1", 80, 10), eni("10.0.0.2", 80, 10)],
            ),
        ]);
        // lbl-1 would be emptied (blocked); lbl-2 gets a new target and loses the stale one.
        let inputs = [
            input("lbl-1", vec![]),
            input(
                "lbl-2",
                vec![want("10.0.0.1", 80, "a"), want("10.0.0.2", 80, "b")],
            ),
        ];
        let p = plan(&inputs, &actual, &no_quota());
        assert!(
            p.bindings
                .iter()
                .find(|b| b.info.binding.listener_id == "lbl-1")
                .unwrap()
                .blocked()
        );
        let reg = register_targets(&p);
        assert_eq!(reg.len(), 1);
        let dereg = deregister_targets(&p, &BTreeSet::new());
        assert_eq!(
            dereg
                .iter()
                .map(|t| t.listener_id.as_str())
                .collect::<Vec<_>>(),
            ["lbl-2"]
        );
        assert!(deregister_targets(&p, &BTreeSet::from(["lbl-2".to_string()])).is_empty());
        assert_eq!(dereg[0].weight, None);
        assert_eq!(dereg[0].eni_ip.as_deref(), Some("10.9.0.1"));
    }

    #[test]
    fn node_targets_are_removed_by_instance_id() {
        let node = ActualTarget {
            ip: "192.168.0.1".into(),
            port: 30080,
            weight: 10,
            kind: "CVM".into(),
            instance_id: Some("ins-1".into()),
        };
        let actual = BTreeMap::from([(
            crate::sync::model::Binding {
                listener_id: "lbl-1".into(),
                location_id: None,
            },
            vec![node, eni("10.0.0.1", 80, 10)],
        )]);
        let p = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &actual,
            &PlanOptions {
                prune_non_eni: true,
                ..Default::default()
            },
        );
        let dereg = deregister_targets(&p, &BTreeSet::new());
        assert_eq!(
            (
                dereg[0].instance_id.as_deref(),
                dereg[0].eni_ip.as_deref(),
                dereg[0].port
            ),
            (Some("ins-1"), None, 30080)
        );
    }
}
