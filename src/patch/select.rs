//! Which objects a run acts on: the TARGETs, the namespace filter, and (in mixed clusters) the workloads a
//! Service or Ingress leads to.

use crate::model::{Kind, ObjectRef, Target};
use crate::rules::selector::selects;

use super::Linkable;

/// Why an object was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No TARGET was given: every eligible object.
    All,
    /// Named by a TARGET.
    Named,
    /// Reached from another chosen object (index into the summaries), e.g. a Deployment behind a Service.
    Linked { from: usize, via: Option<usize> },
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Chosen objects (indexes into the summaries, in input order) and why.
    pub chosen: Vec<(usize, Reason)>,
    /// TARGETs that matched no object.
    pub unmatched: Vec<Target>,
}

/// The namespace an object is (or would be applied) in: its own, else `default`.
pub fn namespace_of(r: &ObjectRef) -> &str {
    r.namespace.as_deref().unwrap_or("default")
}

fn ns(s: &Linkable) -> &str {
    namespace_of(&s.oref)
}

fn in_namespace(s: &Linkable, namespace: Option<&str>) -> bool {
    match (namespace, &s.oref.namespace) {
        (None, _) | (_, None) => true,
        (Some(want), Some(have)) => want == have,
    }
}

/// Choose the objects to act on. `follow` links Services and Ingresses to their workloads.
pub fn select(
    summaries: &[Linkable],
    targets: &[Target],
    namespace: Option<&str>,
    follow: bool,
) -> Selection {
    let mut reasons: Vec<Option<Reason>> = vec![None; summaries.len()];
    let mut unmatched = Vec::new();
    if targets.is_empty() {
        for (i, s) in summaries.iter().enumerate() {
            if in_namespace(s, namespace) {
                reasons[i] = Some(Reason::All);
            }
        }
    } else {
        for t in targets {
            let mut hit = false;
            for (i, s) in summaries.iter().enumerate() {
                if s.oref.matches(t) && in_namespace(s, namespace) {
                    reasons[i] = Some(Reason::Named);
                    hit = true;
                }
            }
            if !hit {
                unmatched.push(t.clone());
            }
        }
        if follow {
            link(summaries, &mut reasons);
        }
    }
    Selection {
        chosen: reasons
            .into_iter()
            .enumerate()
            .filter_map(|(i, r)| Some((i, r?)))
            .collect(),
        unmatched,
    }
}

fn link(summaries: &[Linkable], reasons: &mut [Option<Reason>]) {
    let named: Vec<usize> = (0..summaries.len())
        .filter(|&i| reasons[i] == Some(Reason::Named))
        .collect();
    let workloads_of = |svc: usize| {
        let s = &summaries[svc];
        summaries
            .iter()
            .enumerate()
            .filter(move |(_, w)| {
                w.oref.kind.is_workload()
                    && ns(w) == ns(s)
                    && selects(s.selector(), w.template_labels())
            })
            .map(|(i, _)| i)
    };
    for from in named {
        let from_summary = &summaries[from];
        match from_summary.oref.kind {
            Kind::Service => {
                for w in workloads_of(from) {
                    reasons[w].get_or_insert(Reason::Linked { from, via: None });
                }
            }
            Kind::Ingress => {
                for backend in from_summary.backends() {
                    let services = summaries.iter().enumerate().filter(|(_, s)| {
                        s.oref.kind == Kind::Service
                            && !s.oref.generated
                            && &s.oref.name == backend
                            && ns(s) == ns(from_summary)
                    });
                    for (svc, _) in services {
                        for w in workloads_of(svc) {
                            reasons[w].get_or_insert(Reason::Linked {
                                from,
                                via: Some(svc),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: Kind, name: &str, ns: Option<&str>) -> Linkable {
        Linkable::bare(ObjectRef::new(kind, ns, name))
    }

    fn kv(pairs: &[(&str, &str)]) -> std::collections::BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn links_service_to_matching_workloads_in_its_namespace_only() {
        let mut svc = obj(Kind::Service, "web", None);
        svc.links_mut().selector = kv(&[("app", "web")]);
        let mut dep = obj(Kind::Deployment, "web", None);
        dep.links_mut().template_labels = kv(&[("app", "web"), ("tier", "fe")]);
        let mut other_ns = obj(Kind::Deployment, "web", Some("prod"));
        other_ns.links_mut().template_labels = kv(&[("app", "web")]);
        let mut other = obj(Kind::Deployment, "api", None);
        other.links_mut().template_labels = kv(&[("app", "api")]);
        let all = vec![svc, dep, other_ns, other];
        let t: Target = "svc/web".parse().unwrap();
        let sel = select(&all, std::slice::from_ref(&t), None, true);
        assert_eq!(
            sel.chosen,
            vec![
                (0, Reason::Named),
                (1, Reason::Linked { from: 0, via: None })
            ]
        );
        let sel = select(&all, &[t], None, false);
        assert_eq!(sel.chosen, vec![(0, Reason::Named)]);
    }

    #[test]
    fn ingress_links_through_services() {
        let mut ing = obj(Kind::Ingress, "web", None);
        ing.links_mut().backends = vec!["web".into()];
        let mut svc = obj(Kind::Service, "web", None);
        svc.links_mut().selector = kv(&[("app", "web")]);
        let mut dep = obj(Kind::Deployment, "web", None);
        dep.links_mut().template_labels = kv(&[("app", "web")]);
        let sel = select(&[ing, svc, dep], &["ing/web".parse().unwrap()], None, true);
        assert_eq!(
            sel.chosen,
            vec![
                (0, Reason::Named),
                (
                    2,
                    Reason::Linked {
                        from: 0,
                        via: Some(1)
                    }
                )
            ]
        );
    }

    #[test]
    fn ingress_backends_never_name_a_generated_service() {
        // `generateName: web` is a prefix: the API server names the Service web<suffix>, never `web`.
        let mut ing = obj(Kind::Ingress, "web", None);
        ing.links_mut().backends = vec!["web".into()];
        let mut svc = Linkable::bare(ObjectRef::generated(Kind::Service, None, "web"));
        svc.links_mut().selector = kv(&[("app", "web")]);
        let mut dep = obj(Kind::Deployment, "web", None);
        dep.links_mut().template_labels = kv(&[("app", "web")]);
        let sel = select(&[ing, svc, dep], &["ing/web".parse().unwrap()], None, true);
        assert_eq!(sel.chosen, vec![(0, Reason::Named)]);
    }

    #[test]
    fn unmatched_targets_and_namespace_filter() {
        let all = vec![
            obj(Kind::Service, "a", Some("x")),
            obj(Kind::Service, "b", None),
        ];
        let sel = select(
            &all,
            &["svc/a".parse().unwrap(), "svc/zz".parse().unwrap()],
            Some("y"),
            true,
        );
        assert!(sel.chosen.is_empty());
        assert_eq!(sel.unmatched.len(), 2);
        let sel = select(&all, &[], Some("y"), true);
        assert_eq!(sel.chosen, vec![(1, Reason::All)]);
    }
}
