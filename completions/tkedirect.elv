
use builtin;
use str;

set edit:completion:arg-completer[tkedirect] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'tkedirect'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'tkedirect'= {
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand enable 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
            cand en 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
            cand disable 'Remove what `enable` adds: the exact inverse'
            cand diff 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change'
            cand check 'Check the cluster''s prerequisites for CLB direct pod access'
            cand doctor 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods'
            cand explain 'Print the documentation of a check (what, why, example, fix), or list the checks'
            cand sync 'Make a CLB''s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tkedirect;enable'= {
            cand -f 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand --filename 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand -n 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --namespace 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --network-mode 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect'
            cand --eni 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given'
            cand --container 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)'
            cand --dry-run 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)'
            cand -o 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --output 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -R 'Walk directories given with -f recursively'
            cand --recursive 'Walk directories given with -f recursively'
            cand -y 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --yes 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --restart 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
            cand --force 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
            cand -w 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --write 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --diff 'Print a unified diff instead of the manifests; exit 1 when something would change'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;en'= {
            cand -f 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand --filename 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand -n 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --namespace 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --network-mode 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect'
            cand --eni 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given'
            cand --container 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)'
            cand --dry-run 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)'
            cand -o 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --output 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -R 'Walk directories given with -f recursively'
            cand --recursive 'Walk directories given with -f recursively'
            cand -y 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --yes 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --restart 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
            cand --force 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
            cand -w 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --write 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --diff 'Print a unified diff instead of the manifests; exit 1 when something would change'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;disable'= {
            cand -f 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand --filename 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand -n 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --namespace 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --network-mode 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect'
            cand --eni 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given'
            cand --container 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)'
            cand --dry-run 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)'
            cand -o 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --output 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -R 'Walk directories given with -f recursively'
            cand --recursive 'Walk directories given with -f recursively'
            cand -y 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --yes 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
            cand --restart 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
            cand --force 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
            cand -w 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --write 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
            cand --diff 'Print a unified diff instead of the manifests; exit 1 when something would change'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;diff'= {
            cand -n 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --namespace 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)'
            cand --network-mode 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect'
            cand --eni 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given'
            cand --container 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)'
            cand -f 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand --filename 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -R 'Walk directories given with -f recursively'
            cand --recursive 'Walk directories given with -f recursively'
            cand --disable 'Show what `disable` would change instead of `enable`'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;check'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand -o 'Output format. The exit code does not depend on it'
            cand --output 'Output format. The exit code does not depend on it'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)'
            cand --grace 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is'
            cand --kube-version 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode'
            cand --network-mode 'Judge against this network mode instead of reading a cluster. Needs --kube-version'
            cand --eni-webhook 'With --network-mode vpc-cni or mixed: whether TKE''s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may'
            cand --facts 'Evaluate facts saved by `doctor --dump-facts` instead of reading the cluster'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --global-route-direct-access 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;doctor'= {
            cand -f 'Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input. Repeatable. The cluster they are judged against comes from --facts, from --kube-version and --network-mode, or else from the live cluster''s prerequisites'
            cand --filename 'Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input. Repeatable. The cluster they are judged against comes from --facts, from --kube-version and --network-mode, or else from the live cluster''s prerequisites'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand -n 'Audit this namespace (default: the kubeconfig context''s namespace, like kubectl)'
            cand --namespace 'Audit this namespace (default: the kubeconfig context''s namespace, like kubectl)'
            cand -l 'Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`)'
            cand --selector 'Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`)'
            cand -o 'Output format. The exit code does not depend on it'
            cand --output 'Output format. The exit code does not depend on it'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)'
            cand --grace 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is'
            cand --kube-version 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode'
            cand --network-mode 'Judge against this network mode instead of reading a cluster. Needs --kube-version'
            cand --eni-webhook 'With --network-mode vpc-cni or mixed: whether TKE''s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may'
            cand --dump-facts 'Also write everything that was read, as JSON, to FILE (for bug reports; replay with --facts)'
            cand --facts 'Replay facts saved with --dump-facts instead of reading a cluster (-n/-A/-l are then ignored); with -f, the cluster the manifests are judged against'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -R 'Walk directories given with -f recursively'
            cand --recursive 'Walk directories given with -f recursively'
            cand -A 'Audit every namespace'
            cand --all-namespaces 'Audit every namespace'
            cand --global-route-direct-access 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;explain'= {
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;sync'= {
            cand -n 'Namespace of the object (default: the kubeconfig context''s namespace)'
            cand --namespace 'Namespace of the object (default: the kubeconfig context''s namespace)'
            cand --kubeconfig 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)'
            cand --context 'The kubeconfig context to use (default: the current context)'
            cand --request-timeout 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit'
            cand --region 'Tencent Cloud region of the CLB (default: $TENCENTCLOUD_REGION, then TKE_REGION in the cluster''s kube-system/tke-config)'
            cand --endpoint 'CLB API endpoint (default https://clb.tencentcloudapi.com): a regional, international or VPC-internal host. Plain http:// only for loopback addresses; TLS certificates are always verified'
            cand --credentials-source 'Where Tencent Cloud credentials come from: `auto` tries env, profile, tccli, oidc (TKE pod identity), then cvm-role (instance metadata); the others use that source only (docs/credentials.md)'
            cand --lb 'CLB id (lb-xxxxxxxx) when the object carries none in its annotations; must agree with them if it does'
            cand --weight 'Weight of newly registered targets, 0–100 (targets already bound keep theirs)'
            cand --max-targets 'Targets one listener or L7 rule may hold, used when the CLB API does not say (DescribeQuota''s TOTAL_TARGET_BIND_QUOTA); a plan that would go over it is blocked'
            cand --wait 'How long to wait for each of the CLB''s asynchronous tasks (DescribeTaskStatus) before stopping: 30s, 2m, 0 (ask once, do not wait). Also how long a run waits for a task an earlier run left running'
            cand -o 'Output format of the plan and the result'
            cand --output 'Output format of the plan and the result'
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand --apply 'Change the CLB: register, then deregister, then re-read and verify. Without it, only the plan is shown'
            cand -y 'Do not ask for confirmation (asked only when stdin is a terminal)'
            cand --yes 'Do not ask for confirmation (asked only when stdin is a terminal)'
            cand --force 'Apply even if a listener would be left empty or lose more than half of its targets'
            cand --prune-non-eni 'Also deregister targets that are not ENI IPs (node IPs of NodePort mode); left alone by default'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;completions'= {
            cand --color 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never'
            cand -v 'Say more on stderr (repeat for more detail)'
            cand --verbose 'Say more on stderr (repeat for more detail)'
            cand -q 'Say nothing on stderr but errors'
            cand --quiet 'Say nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'tkedirect;help'= {
            cand enable 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
            cand disable 'Remove what `enable` adds: the exact inverse'
            cand diff 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change'
            cand check 'Check the cluster''s prerequisites for CLB direct pod access'
            cand doctor 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods'
            cand explain 'Print the documentation of a check (what, why, example, fix), or list the checks'
            cand sync 'Make a CLB''s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)'
            cand completions 'Print a shell completion script to stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'tkedirect;help;enable'= {
        }
        &'tkedirect;help;disable'= {
        }
        &'tkedirect;help;diff'= {
        }
        &'tkedirect;help;check'= {
        }
        &'tkedirect;help;doctor'= {
        }
        &'tkedirect;help;explain'= {
        }
        &'tkedirect;help;sync'= {
        }
        &'tkedirect;help;completions'= {
        }
        &'tkedirect;help;help'= {
        }
    ]
    $completions[$command]
}
