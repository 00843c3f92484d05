//! Properties of the patch engine over generated manifests: enable is idempotent, disable undoes enable
//! byte for byte, untouched documents stay byte-identical, and the output still parses into the
//! Kubernetes types.

use proptest::prelude::*;
use tkedirect::model::Target;
use tkedirect::patch::engine::{self, Source, Verify};
use tkedirect::patch::{EniFlavor, Intent, NetworkMode, Options};

#[derive(Debug, Clone)]
struct Style {
    indent: usize,
    indentless: bool,
    quote: char,
    crlf: bool,
    bom: bool,
    comments: bool,
    blank_lines: bool,
    final_newline: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop_oneof![Just(2usize), Just(4), Just(3)],
        any::<bool>(),
        prop_oneof![Just('"'), Just('\'')],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(indent, indentless, quote, crlf, bom, comments, blank_lines, final_newline)| Style {
                indent,
                indentless,
                quote,
                crlf,
                bom,
                comments,
                blank_lines,
                final_newline,
            },
        )
}

/// Shapes of the objects in a generated stream.
#[derive(Debug, Clone)]
enum Obj {
    Service {
        name: String,
        lb: bool,
        annotations: AnnShape,
        meta: MetaShape,
    },
    Ingress {
        name: String,
        class: Option<&'static str>,
        annotations: AnnShape,
    },
    Deployment {
        name: String,
        containers: usize,
        resources: ResShape,
        template_annotations: AnnShape,
        /// Each container's `command` ends with a `- |` block item (and `restartPolicy` follows).
        command_block: bool,
    },
    Other,
}

/// Block scalar headers for annotation values and commands.
const HEADERS: [&str; 7] = ["|", "|-", "|+", ">", ">-", ">+", "|2"];

#[derive(Debug, Clone, Copy)]
enum AnnShape {
    Absent,
    EmptyFlow,
    Flow,
    Block,
    /// Annotations ending with a block scalar (header from [`HEADERS`]), followed by a less indented
    /// key (`name:`, `labels:`), as in issue 12, case 1.
    BlockScalar(usize),
}

/// How a Service's metadata is written.
#[derive(Debug, Clone, Copy)]
enum MetaShape {
    Block,
    /// After `spec`, so that the document ends inside the metadata (without a final newline, when the
    /// stream has none).
    BlockLast,
    /// `metadata: {name: s, annotations: {}}` on one line.
    Flow,
    /// One entry per line, the closing brace on a line of its own or on the last entry's.
    FlowLines(bool),
}

#[derive(Debug, Clone, Copy)]
enum ResShape {
    Absent,
    EmptyFlow,
    LimitsOnly,
    Both,
    /// The container as a flow mapping: `- {name: c, image: i, resources: {}}`.
    FlowContainer,
}

fn ann() -> impl Strategy<Value = AnnShape> {
    prop_oneof![
        Just(AnnShape::Absent),
        Just(AnnShape::EmptyFlow),
        Just(AnnShape::Flow),
        Just(AnnShape::Block),
        (0..HEADERS.len()).prop_map(AnnShape::BlockScalar),
    ]
}

fn meta() -> impl Strategy<Value = MetaShape> {
    prop_oneof![
        3 => Just(MetaShape::Block),
        1 => Just(MetaShape::BlockLast),
        1 => Just(MetaShape::Flow),
        1 => any::<bool>().prop_map(MetaShape::FlowLines),
    ]
}

fn name() -> impl Strategy<Value = String> {
    // Names are written plain; words a YAML 1.1 reader takes for bools (`on`, `no`, `y`…) would not be
    // strings in the input either, so keep to names that are strings for every reader.
    "[a-z][a-z0-9-]{0,8}[a-z0-9]".prop_filter("a YAML 1.1 bool", |n| {
        !tkedirect::yaml::tree::is_yaml11_bool(n)
    })
}

fn obj() -> impl Strategy<Value = Obj> {
    prop_oneof![
        (name(), any::<bool>(), ann(), meta()).prop_map(|(name, lb, annotations, meta)| {
            Obj::Service {
                name,
                lb,
                annotations,
                meta,
            }
        }),
        (
            name(),
            prop_oneof![Just(None), Just(Some("qcloud")), Just(Some("nginx"))],
            ann()
        )
            .prop_map(|(name, class, annotations)| Obj::Ingress {
                name,
                class,
                annotations
            }),
        (
            name(),
            1usize..3,
            prop_oneof![
                Just(ResShape::Absent),
                Just(ResShape::EmptyFlow),
                Just(ResShape::LimitsOnly),
                Just(ResShape::Both),
                Just(ResShape::FlowContainer)
            ],
            ann(),
            any::<bool>(),
        )
            .prop_map(
                |(name, containers, resources, template_annotations, command_block)| {
                    Obj::Deployment {
                        name,
                        containers,
                        resources,
                        template_annotations,
                        command_block,
                    }
                },
            ),
        Just(Obj::Other),
    ]
}

struct W<'s> {
    s: &'s Style,
    out: String,
}

impl W<'_> {
    fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level * self.s.indent {
            self.out.push(' ');
        }
        self.out.push_str(text);
        self.out.push_str(if self.s.crlf { "\r\n" } else { "\n" });
    }
    fn q(&self, v: &str) -> String {
        format!("{0}{v}{0}", self.s.quote)
    }
    fn comment(&mut self, level: usize, text: &str) {
        if self.s.comments {
            self.line(level, &format!("# {text}"));
        }
    }
    fn blank(&mut self) {
        if self.s.blank_lines {
            self.out.push_str(if self.s.crlf { "\r\n" } else { "\n" });
        }
    }
    fn annotations(&mut self, level: usize, shape: AnnShape) {
        match shape {
            AnnShape::Absent => {}
            AnnShape::EmptyFlow => self.line(level, "annotations: {}"),
            AnnShape::Flow => {
                let v = self.q("1");
                self.line(level, &format!("annotations: {{team: {v}}}"))
            }
            AnnShape::Block => {
                self.line(level, "annotations:");
                let v = self.q("true");
                self.line(level + 1, &format!("example.com/flag: {v} # keep"));
            }
            AnnShape::BlockScalar(h) => {
                self.line(level, "annotations:");
                self.line(
                    level + 1,
                    &format!("proxy.example.com/config: {}", HEADERS[h]),
                );
                self.block_lines(level + 2, h);
            }
        }
    }

    /// The content lines of a block scalar with header `HEADERS[h]`, at `level` (`|2` content is
    /// indented exactly two spaces more than its key).
    fn block_lines(&mut self, level: usize, h: usize) {
        if HEADERS[h] == "|2" {
            let key_indent = (level - 1) * self.s.indent;
            let pad = " ".repeat(key_indent + 2);
            self.raw_line(&format!("{pad} holdApplication: true"));
            self.raw_line(&format!("{pad}x: 1"));
        } else {
            self.line(level, "holdApplication: true");
            self.line(level, "x: 1");
        }
        if self.s.blank_lines {
            self.blank();
        }
    }

    fn raw_line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push_str(if self.s.crlf { "\r\n" } else { "\n" });
    }

    /// A flow mapping for annotations inside a flow `metadata`.
    fn flow_annotations(&self, shape: AnnShape) -> String {
        match shape {
            AnnShape::Absent => String::new(),
            AnnShape::EmptyFlow => ", annotations: {}".into(),
            _ => format!(", annotations: {{team: {}}}", self.q("1")),
        }
    }
    /// A sequence item prefix for level `level` items of a key at `level - 1`.
    fn seq_level(&self, key_level: usize) -> usize {
        if self.s.indentless {
            key_level
        } else {
            key_level + 1
        }
    }
}

fn render(objs: &[Obj], s: &Style) -> String {
    let mut w = W {
        s,
        out: String::new(),
    };
    if s.bom {
        w.out.push('\u{feff}');
    }
    for (i, o) in objs.iter().enumerate() {
        if i > 0 {
            w.line(0, if s.comments { "--- # next" } else { "---" });
        }
        w.comment(0, &format!("Source: chart/templates/{i}.yaml"));
        match o {
            Obj::Service {
                name,
                lb,
                annotations,
                meta,
            } => {
                w.line(0, "apiVersion: v1");
                w.line(0, "kind: Service");
                let block_meta = |w: &mut W<'_>| {
                    w.line(0, "metadata:");
                    if let AnnShape::BlockScalar(_) = annotations {
                        // The annotations first: the block scalar is followed by `name:`.
                        w.annotations(1, *annotations);
                        w.line(1, &format!("name: {name}"));
                    } else {
                        w.line(1, &format!("name: {name}"));
                        w.annotations(1, *annotations);
                    }
                };
                match meta {
                    MetaShape::Block => block_meta(&mut w),
                    MetaShape::BlockLast => {}
                    MetaShape::Flow => {
                        let a = w.flow_annotations(*annotations);
                        w.line(0, &format!("metadata: {{name: {name}{a}}}"));
                    }
                    MetaShape::FlowLines(brace_on_last_line) => {
                        let a = w.flow_annotations(*annotations);
                        w.line(0, "metadata: {");
                        if a.is_empty() {
                            let end = if *brace_on_last_line { "}" } else { "" };
                            w.line(1, &format!("name: {name}{end}"));
                        } else {
                            w.line(1, &format!("name: {name},"));
                            let end = if *brace_on_last_line { "}" } else { "" };
                            w.line(1, &format!("{}{end}", &a[2..]));
                        }
                        if !brace_on_last_line {
                            w.line(0, "}");
                        }
                    }
                }
                w.blank();
                w.line(0, "spec:");
                w.line(
                    1,
                    &format!("type: {}", if *lb { "LoadBalancer" } else { "ClusterIP" }),
                );
                w.line(1, "selector:");
                w.line(2, &format!("app: {name}"));
                w.line(1, "ports:");
                let l = w.seq_level(1);
                w.line(l, "- port: 80 # http");
                w.line(l, "  targetPort: 8080");
                if let MetaShape::BlockLast = meta {
                    // The document ends in the metadata (with a block scalar, when the annotations have
                    // one: the last line of the stream without a newline).
                    w.line(0, "metadata:");
                    w.line(1, &format!("name: {name}"));
                    w.annotations(1, *annotations);
                }
            }
            Obj::Ingress {
                name,
                class,
                annotations,
            } => {
                w.line(0, "apiVersion: networking.k8s.io/v1");
                w.line(0, "kind: Ingress");
                w.line(0, "metadata:");
                w.line(1, &format!("name: {name}"));
                w.annotations(1, *annotations);
                w.line(0, "spec:");
                if let Some(c) = class {
                    w.line(1, &format!("ingressClassName: {c}"));
                }
                w.line(1, "defaultBackend:");
                w.line(2, "service:");
                w.line(3, &format!("name: {name}"));
                w.line(3, "port:");
                w.line(4, "number: 80");
            }
            Obj::Deployment {
                name,
                containers,
                resources,
                template_annotations,
                command_block,
            } => {
                w.line(0, "apiVersion: apps/v1");
                w.line(0, "kind: Deployment");
                w.line(0, "metadata:");
                w.line(1, &format!("name: {name}"));
                w.line(0, "spec:");
                w.line(1, "replicas: 2 # min");
                w.line(1, "selector:");
                w.line(2, "matchLabels:");
                w.line(3, &format!("app: {name}"));
                w.line(1, "template:");
                w.line(2, "metadata:");
                if let AnnShape::BlockScalar(_) = template_annotations {
                    // A block scalar annotation before `labels:` (issue 12, case 1).
                    w.annotations(3, *template_annotations);
                    w.line(3, "labels:");
                    w.line(4, &format!("app: {name}"));
                } else {
                    w.line(3, "labels:");
                    w.line(4, &format!("app: {name}"));
                    w.annotations(3, *template_annotations);
                }
                w.line(2, "spec:");
                w.line(3, "containers:");
                let l = w.seq_level(3);
                for c in 0..*containers {
                    w.comment(l, "a container");
                    if let ResShape::FlowContainer = resources {
                        let image = w.q("nginx:1.27");
                        w.line(
                            l,
                            &format!("- {{name: c{c}, image: {image}, resources: {{}}}}"),
                        );
                        continue;
                    }
                    w.line(l, &format!("- name: c{c}"));
                    let image = w.q("nginx:1.27");
                    w.line(l, &format!("  image: {image}"));
                    if *command_block {
                        w.line(l, "  command:");
                        w.line(l, "  - /bin/sh");
                        w.line(l, &format!("  - {}", HEADERS[c % HEADERS.len()]));
                        w.block_lines(l + 2, c % HEADERS.len());
                    }
                    let cpu = w.q("1");
                    match resources {
                        ResShape::Absent | ResShape::FlowContainer => {}
                        ResShape::EmptyFlow => w.line(l, "  resources: {}"),
                        ResShape::LimitsOnly => {
                            w.line(l, "  resources:");
                            w.line(l, "    limits:");
                            w.line(l, &format!("      cpu: {cpu}"));
                        }
                        ResShape::Both => {
                            w.line(l, "  resources:");
                            w.line(l, "    requests:");
                            w.line(l, "      memory: 64Mi");
                            w.line(l, "    limits:");
                            w.line(l, &format!("      cpu: {cpu}"));
                        }
                    }
                }
                if *command_block {
                    w.line(3, "restartPolicy: Always");
                }
            }
            Obj::Other => {
                w.line(0, "# not a Kubernetes object");
                w.line(0, "settings:");
                w.line(1, "enabled: yes");
                w.line(1, "script: |");
                w.line(2, "echo hi");
            }
        }
    }
    if !s.final_newline {
        let trimmed = w.out.trim_end_matches(['\r', '\n']).len();
        w.out.truncate(trimmed);
    }
    w.out
}

fn opts(intent: Intent, mixed: bool) -> Options {
    Options {
        intent,
        mode: if mixed {
            NetworkMode::Mixed
        } else {
            NetworkMode::VpcCni
        },
        eni: EniFlavor::Shared,
        container: None,
        // disable must be the exact inverse here; its guards (which hold some changes back on purpose)
        // are tested in patch::guard and tests/integration/edit_guards.rs.
        force: true,
    }
}

fn run(text: &str, intent: Intent, mixed: bool, targets: &[Target]) -> String {
    let sources = vec![Source {
        name: "gen.yaml".into(),
        text: text.to_string(),
    }];
    let output = |verify| {
        let out = engine::run_with(&sources, &opts(intent, mixed), targets, None, verify)
            .unwrap_or_else(|d| panic!("engine failed ({verify:?}): {d:?}\n---\n{text}"));
        out.outputs
            .into_iter()
            .next()
            .unwrap()
            .map_or_else(|| text.to_string(), |p| p.text(text))
    };
    let fast = output(Verify::Fast);
    // Proving the edit with the reference parser, which shares no code with the fast one, agrees.
    assert_eq!(fast, output(Verify::Reference), "{text}");
    fast
}

/// Deserialize every object of a handled kind into its k8s-openapi type.
pub fn assert_typed(text: &str) {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
    use k8s_openapi::api::batch::v1::{CronJob, Job};
    use k8s_openapi::api::core::v1::Service;
    use k8s_openapi::api::networking::v1::Ingress;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(body)
        .unwrap_or_else(|e| panic!("output does not parse: {e}\n{text}"));
    for doc in docs {
        let field = |k: &str| {
            doc.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let (api, kind) = (field("apiVersion"), field("kind"));
        // k8s-openapi has types for the current API versions only (no v1beta1 Ingress).
        let r = match (api.as_str(), kind.as_str()) {
            ("v1", "Service") => serde_json::from_value::<Service>(doc).map(drop),
            ("networking.k8s.io/v1", "Ingress") => serde_json::from_value::<Ingress>(doc).map(drop),
            ("apps/v1", "Deployment") => serde_json::from_value::<Deployment>(doc).map(drop),
            ("apps/v1", "StatefulSet") => serde_json::from_value::<StatefulSet>(doc).map(drop),
            ("apps/v1", "DaemonSet") => serde_json::from_value::<DaemonSet>(doc).map(drop),
            ("batch/v1", "Job") => serde_json::from_value::<Job>(doc).map(drop),
            ("batch/v1", "CronJob") => serde_json::from_value::<CronJob>(doc).map(drop),
            _ => Ok(()),
        };
        r.unwrap_or_else(|e| panic!("{api} {kind} does not deserialize: {e}\n{text}"));
    }
}

fn docs_of(text: &str) -> Vec<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    tkedirect::yaml::split::documents(body)
        .map(|c| body[c.start..c.end].to_string())
        .collect()
}

/// `n` generated streams (a fixed seed: the same every run), for the differential parser tests.
pub fn sample_streams(n: usize) -> Vec<String> {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (prop::collection::vec(obj(), 1..6), style());
    (0..n)
        .map(|_| {
            let (objs, s) = strategy.new_tree(&mut runner).expect("a value").current();
            render(&objs, &s)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn enable_is_idempotent_and_disable_undoes_it(objs in prop::collection::vec(obj(), 1..6), s in style(), mixed in any::<bool>()) {
        let input = render(&objs, &s);
        let once = run(&input, Intent::Enable, mixed, &[]);
        let twice = run(&once, Intent::Enable, mixed, &[]);
        prop_assert_eq!(&twice, &once, "enable is not idempotent");
        if once != input {
            let back = run(&once, Intent::Disable, mixed, &[]);
            prop_assert_eq!(&back, &input, "disable(enable(x)) != x");
        }
        assert_typed(&once);
        // Documents enable did not need to touch are byte-identical.
        let (a, b) = (docs_of(&input), docs_of(&once));
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            if x != y {
                prop_assert!(x.contains("kind: Service") || x.contains("kind: Ingress") || x.contains("kind: Deployment"));
            }
        }
        // Non-Kubernetes documents are never touched.
        for (x, y) in a.iter().zip(&b) {
            if x.contains("settings:") { prop_assert_eq!(x, y); }
        }
    }

    #[test]
    fn targets_change_only_what_they_name(objs in prop::collection::vec(obj(), 1..6), s in style()) {
        let input = render(&objs, &s);
        let names: Vec<(String, &str)> = objs.iter().filter_map(|o| match o {
            Obj::Service { name, .. } => Some((name.clone(), "svc")),
            _ => None,
        }).collect();
        prop_assume!(!names.is_empty());
        let (name, kind) = &names[0];
        let target: Target = format!("{kind}/{name}").parse().unwrap();
        let out = run(&input, Intent::Enable, false, std::slice::from_ref(&target));
        for (x, y) in docs_of(&input).iter().zip(&docs_of(&out)) {
            if x != y {
                let header = format!("name: {name}");
                prop_assert!(x.contains("kind: Service") && x.contains(&header));
            }
        }
    }
}
