//! Generated manifest corpora shared by the benchmarks and the differential tests (the integration tests
//! include this file as `crate::corpus`; `tests/integration/yaml_fast/corpus.rs` reads it), so that every
//! corpus a benchmark times is also one the fast parser is proven on.

/// One app for `benches/enable.rs`: a commented Deployment with two containers, a LoadBalancer Service
/// and a v1 Ingress, as Helm renders them (`---` and `# Source:` lines).
pub fn enable_app(i: usize, out: &mut String) {
    let ns = format!("team-{}", i % 17);
    out.push_str(&format!(
        r#"---
# Source: shop/templates/deployment.yaml
# app {i}: storefront web tier. Owned by team {ns}; see runbook RB-{i}.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: shop-{i}
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/managed-by: Helm # rendered by helm
spec:
  replicas: 3 # scaled by the HPA between 3 and 12
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-{i}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0 # keep capacity during rollouts
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-{i}
        app.kubernetes.io/part-of: shop
    spec:
      terminationGracePeriodSeconds: 60
      containers:
      # the application itself
      - name: web
        image: "registry.example.com/shop/web:1.{i}.0"
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-format=json"]
        ports:
        - name: http
          containerPort: 8080
          protocol: TCP
        env:
        - name: SHOP_ID
          value: "{i}"
        - name: FEATURE_FLAGS
          value: 'checkout,search'
        readinessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 5
        lifecycle:
          preStop:
            exec:
              command: ["sleep", "15"] # let the CLB drain
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
          limits:
            cpu: "1"
            memory: 512Mi
      # log shipper sidecar
      - name: log-shipper
        image: fluent/fluent-bit:3.1.4
        resources:
          limits:
            memory: 64Mi
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: shop-{i}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Cluster
  selector:
    app.kubernetes.io/name: shop-{i}
  ports:
  - name: http # public port
    port: 80
    targetPort: http
    protocol: TCP
---
# Source: shop/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop-{i}
  namespace: {ns}
  annotations:
    kubernetes.io/ingress.class: qcloud
    kubernetes.io/ingress.rule-mix: "false"
spec:
  tls:
  - hosts:
    - shop-{i}.example.com
    secretName: shop-{i}-tls
  rules:
  - host: shop-{i}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: shop-{i}
            port:
              number: 80
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: shop-{i}
            port:
              name: http
"#
    ));
}

/// One app for `benches/yaml_parse.rs` (documents joined with `---` by the caller).
pub fn parse_app(i: usize) -> String {
    format!(
        r#"# app {i}: the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{i}
  labels:
    app: app-{i}
spec:
  replicas: 3 # scaled by HPA
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
      - name: web
        image: "nginx:1.27"
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: "1"
            memory: 512Mi
      - name: sidecar # log shipper
        image: fluent/fluent-bit:3.0
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{i}
spec:
  type: LoadBalancer
  selector:
    app: app-{i}
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-{i}
  namespace: team-{i}
  annotations:
    kubernetes.io/ingress.class: qcloud
spec:
  rules:
  - host: app-{i}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app-{i}
            port:
              number: 80
"#
    )
}
