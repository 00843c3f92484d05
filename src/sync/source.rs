//! What `sync` reads from the cluster, behind a narrow trait: one implementation over kube's typed APIs
//! ([`KubeSource`]), in-memory fakes in tests.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams};
use kube::{Api, Client};

/// Label that ties an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("reading {what}: permission denied (the kubeconfig user needs get/list on it)")]
    Forbidden {
        what: String,
        #[source]
        source: kube::Error,
    },
    #[error("reading {what}")]
    Kube {
        what: String,
        #[source]
        source: kube::Error,
    },
}

fn wrap(what: impl Into<String>) -> impl FnOnce(kube::Error) -> SourceError {
    let what = what.into();
    move |source| match &source {
        kube::Error::Api(s) if s.is_forbidden() => SourceError::Forbidden { what, source },
        _ => SourceError::Kube { what, source },
    }
}

fn is_404(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.is_not_found())
}

/// The cluster reads of a sync.
#[allow(async_fn_in_trait)] // current-thread runtime: no Send bound needed
pub trait SyncSource {
    async fn service(&self, ns: &str, name: &str) -> Result<Option<Service>, SourceError>;
    /// The Ingress as JSON, from networking.k8s.io/v1 or, on old clusters, a v1beta1 API.
    async fn ingress(&self, ns: &str, name: &str)
    -> Result<Option<serde_json::Value>, SourceError>;
    /// The Service's EndpointSlices; `None` when the cluster does not serve discovery.k8s.io/v1.
    async fn endpoint_slices(
        &self,
        ns: &str,
        service: &str,
    ) -> Result<Option<Vec<EndpointSlice>>, SourceError>;
    async fn endpoints(&self, ns: &str, name: &str) -> Result<Option<Endpoints>, SourceError>;
    /// Pods matching a Service selector (an empty selector selects none).
    async fn pods(
        &self,
        ns: &str,
        selector: &BTreeMap<String, String>,
    ) -> Result<Vec<Pod>, SourceError>;
    /// A ConfigMap, `None` when absent or not readable (it is a hint, never required).
    async fn config_map(&self, ns: &str, name: &str) -> Result<Option<ConfigMap>, SourceError>;
}

/// [`SyncSource`] over a kube client.
pub struct KubeSource {
    client: Client,
}

impl KubeSource {
    pub fn new(client: Client) -> Self {
        KubeSource { client }
    }
}

impl SyncSource for KubeSource {
    async fn service(&self, ns: &str, name: &str) -> Result<Option<Service>, SourceError> {
        Api::<Service>::namespaced(self.client.clone(), ns)
            .get_opt(name)
            .await
            .map_err(wrap(format!("Service {ns}/{name}")))
    }

    async fn ingress(
        &self,
        ns: &str,
        name: &str,
    ) -> Result<Option<serde_json::Value>, SourceError> {
        let what = format!("Ingress {ns}/{name}");
        if let Some(ing) = Api::<Ingress>::namespaced(self.client.clone(), ns)
            .get_opt(name)
            .await
            .map_err(wrap(&what))?
        {
            let mut value = serde_json::to_value(ing).unwrap_or_default();
            value["apiVersion"] = "networking.k8s.io/v1".into();
            return Ok(Some(value));
        }
        // Clusters before 1.19 serve Ingress only as v1beta1 (get_opt maps "API not served" to None too).
        for (group, version) in [("networking.k8s.io", "v1beta1"), ("extensions", "v1beta1")] {
            let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, "Ingress"));
            let api = Api::<DynamicObject>::namespaced_with(self.client.clone(), ns, &resource);
            if let Some(obj) = api.get_opt(name).await.map_err(wrap(&what))? {
                let mut value = serde_json::to_value(obj).unwrap_or_default();
                value["apiVersion"] = format!("{group}/{version}").into();
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    async fn endpoint_slices(
        &self,
        ns: &str,
        service: &str,
    ) -> Result<Option<Vec<EndpointSlice>>, SourceError> {
        let lp = ListParams::default().labels(&format!("{SERVICE_NAME_LABEL}={service}"));
        match Api::<EndpointSlice>::namespaced(self.client.clone(), ns)
            .list(&lp)
            .await
        {
            Ok(list) => Ok(Some(list.items)),
            Err(e) if is_404(&e) => Ok(None),
            Err(e) => Err(wrap(format!("EndpointSlices of Service {ns}/{service}"))(e)),
        }
    }

    async fn endpoints(&self, ns: &str, name: &str) -> Result<Option<Endpoints>, SourceError> {
        Api::<Endpoints>::namespaced(self.client.clone(), ns)
            .get_opt(name)
            .await
            .map_err(wrap(format!("Endpoints {ns}/{name}")))
    }

    async fn pods(
        &self,
        ns: &str,
        selector: &BTreeMap<String, String>,
    ) -> Result<Vec<Pod>, SourceError> {
        if selector.is_empty() {
            return Ok(Vec::new());
        }
        let labels = selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let list = Api::<Pod>::namespaced(self.client.clone(), ns)
            .list(&ListParams::default().labels(&labels))
            .await
            .map_err(wrap(format!("pods in {ns} matching {labels}")))?;
        Ok(list.items)
    }

    async fn config_map(&self, ns: &str, name: &str) -> Result<Option<ConfigMap>, SourceError> {
        match Api::<ConfigMap>::namespaced(self.client.clone(), ns)
            .get_opt(name)
            .await
        {
            Ok(cm) => Ok(cm),
            Err(kube::Error::Api(s)) if s.is_forbidden() => Ok(None),
            Err(e) => Err(wrap(format!("ConfigMap {ns}/{name}"))(e)),
        }
    }
}
