# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tkedirect_global_optspecs
    string join \n color= v/verbose q/quiet h/help V/version
end

function __fish_tkedirect_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tkedirect_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tkedirect_using_subcommand
    set -l cmd (__fish_tkedirect_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tkedirect -n "__fish_tkedirect_needs_command" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_needs_command" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "enable" -d 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "en" -d 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "disable" -d 'Remove what `enable` adds: the exact inverse'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "diff" -d 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "check" -d 'Check the cluster\'s prerequisites for CLB direct pod access'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "doctor" -d 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "explain" -d 'Print the documentation of a check (what, why, example, fix), or list the checks'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "sync" -d 'Make a CLB\'s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c tkedirect -n "__fish_tkedirect_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s f -l filename -d 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s n -l namespace -d 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context\'s namespace, like kubectl)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l network-mode -d 'The cluster\'s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l eni -d 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given' -r -f -a "shared\t'`tke-route-eni`: secondary IPs of shared ENIs (resource `tke.cloud.tencent.com/eni-ip`)'
exclusive\t'`tke-direct-eni`: one ENI per pod (resource `tke.cloud.tencent.com/direct-eni`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l container -d 'The container that carries the ENI resource (default: the first container, which TKE\'s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l verify -d 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only' -r -f -a "fast\t''
reference\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l dry-run -d 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)' -r -f -a "none\t'Not a dry run (kubectl\'s spelling)'
client\t'Print the plan; send nothing that writes'
server\t'Send every patch with dryRun=All: the server validates, nothing is stored'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s o -l output -d 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s R -l recursive -d 'Walk directories given with -f recursively'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s y -l yes -d 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l restart -d 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l force -d 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s w -l write -d 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -l diff -d 'Print a unified diff instead of the manifests; exit 1 when something would change'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand enable" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s f -l filename -d 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s n -l namespace -d 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context\'s namespace, like kubectl)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l network-mode -d 'The cluster\'s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l eni -d 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given' -r -f -a "shared\t'`tke-route-eni`: secondary IPs of shared ENIs (resource `tke.cloud.tencent.com/eni-ip`)'
exclusive\t'`tke-direct-eni`: one ENI per pod (resource `tke.cloud.tencent.com/direct-eni`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l container -d 'The container that carries the ENI resource (default: the first container, which TKE\'s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l verify -d 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only' -r -f -a "fast\t''
reference\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l dry-run -d 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)' -r -f -a "none\t'Not a dry run (kubectl\'s spelling)'
client\t'Print the plan; send nothing that writes'
server\t'Send every patch with dryRun=All: the server validates, nothing is stored'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s o -l output -d 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s R -l recursive -d 'Walk directories given with -f recursively'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s y -l yes -d 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l restart -d 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l force -d 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s w -l write -d 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -l diff -d 'Print a unified diff instead of the manifests; exit 1 when something would change'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand en" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s f -l filename -d 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s n -l namespace -d 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context\'s namespace, like kubectl)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l network-mode -d 'The cluster\'s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l eni -d 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given' -r -f -a "shared\t'`tke-route-eni`: secondary IPs of shared ENIs (resource `tke.cloud.tencent.com/eni-ip`)'
exclusive\t'`tke-direct-eni`: one ENI per pod (resource `tke.cloud.tencent.com/direct-eni`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l container -d 'The container that carries the ENI resource (default: the first container, which TKE\'s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l verify -d 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only' -r -f -a "fast\t''
reference\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l dry-run -d 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)' -r -f -a "none\t'Not a dry run (kubectl\'s spelling)'
client\t'Print the plan; send nothing that writes'
server\t'Send every patch with dryRun=All: the server validates, nothing is stored'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s o -l output -d 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s R -l recursive -d 'Walk directories given with -f recursively'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s y -l yes -d 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l restart -d 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l force -d 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s w -l write -d 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -l diff -d 'Print a unified diff instead of the manifests; exit 1 when something would change'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand disable" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s n -l namespace -d 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context\'s namespace, like kubectl)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l network-mode -d 'The cluster\'s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l eni -d 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given' -r -f -a "shared\t'`tke-route-eni`: secondary IPs of shared ENIs (resource `tke.cloud.tencent.com/eni-ip`)'
exclusive\t'`tke-direct-eni`: one ENI per pod (resource `tke.cloud.tencent.com/direct-eni`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l container -d 'The container that carries the ENI resource (default: the first container, which TKE\'s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l verify -d 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only' -r -f -a "fast\t''
reference\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s f -l filename -d 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s R -l recursive -d 'Walk directories given with -f recursively'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -l disable -d 'Show what `disable` would change instead of `enable`'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand diff" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -s o -l output -d 'Output format. The exit code does not depend on it' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'
sarif\t'SARIF 2.1.0, ruleId `tkedirect/<check>`'
github\t'GitHub Actions workflow annotations'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l fail-on -d 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)' -r -f -a "info\t''
warning\t''
error\t''
never\t'Findings never fail the run (exit 0 unless tkedirect itself fails)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l grace -d 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l kube-version -d 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l network-mode -d 'Judge against this network mode instead of reading a cluster. Without --kube-version the checks of the cluster\'s version are not run (and the output says so)' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l eni-webhook -d 'With --network-mode vpc-cni or mixed: whether TKE\'s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may' -r -f -a "present\t''
absent\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l facts -d 'Evaluate facts saved by `doctor --dump-facts` instead of reading the cluster' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -l global-route-direct-access -d 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand check" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s f -l filename -d 'Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input. Repeatable. The cluster they are judged against comes from --facts, from --network-mode (and --kube-version), or else from the live cluster\'s prerequisites' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s n -l namespace -d 'Audit this namespace (default: the kubeconfig context\'s namespace, like kubectl)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s l -l selector -d 'Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`), and the pods and workloads they select' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s o -l output -d 'Output format. The exit code does not depend on it' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'
sarif\t'SARIF 2.1.0, ruleId `tkedirect/<check>`'
github\t'GitHub Actions workflow annotations'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l fail-on -d 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)' -r -f -a "info\t''
warning\t''
error\t''
never\t'Findings never fail the run (exit 0 unless tkedirect itself fails)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l grace -d 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l kube-version -d 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l network-mode -d 'Judge against this network mode instead of reading a cluster. Without --kube-version the checks of the cluster\'s version are not run (and the output says so)' -r -f -a "global-router\t'GlobalRouter only: pods get IPs from per-node podCIDRs; direct access needs GlobalRouteDirectAccess'
vpc-cni\t'VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change'
mixed\t'GlobalRouter + VPC-CNI: pods default to GlobalRouter and must opt into an ENI per workload'
super-node\t'Only super nodes (serverless pods): direct by default'
cilium-overlay\t'Cilium-Overlay: direct access is not supported'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l eni-webhook -d 'With --network-mode vpc-cni or mixed: whether TKE\'s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may' -r -f -a "present\t''
absent\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l dump-facts -d 'Also write everything that was read, as JSON, to FILE (for bug reports; replay with --facts)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l facts -d 'Replay facts saved with --dump-facts instead of reading a cluster (-n/-A/-l are then ignored); with -f, the cluster the manifests are judged against' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s R -l recursive -d 'Walk directories given with -f recursively'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s A -l all-namespaces -d 'Audit every namespace'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -l global-route-direct-access -d 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand explain" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand explain" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand explain" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand explain" -s h -l help -d 'Print help'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand explain" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s n -l namespace -d 'Namespace of the object (default: the kubeconfig context\'s namespace)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l kubeconfig -d 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)' -r -F
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l context -d 'The kubeconfig context to use (default: the current context)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l request-timeout -d 'How long to wait for one API request, like kubectl\'s: 30s, 1m, 500ms; 0 means no limit' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l region -d 'Tencent Cloud region of the CLB (default: $TENCENTCLOUD_REGION, then TKE_REGION in the cluster\'s kube-system/tke-config)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l endpoint -d 'CLB API endpoint (default https://clb.tencentcloudapi.com): a regional, international or VPC-internal host. Plain http:// only for loopback addresses; TLS certificates are always verified' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l credentials-source -d 'Where Tencent Cloud credentials come from: `auto` tries env, profile, tccli, oidc (TKE pod identity), then cvm-role (instance metadata); the others use that source only (docs/credentials.md)' -r -f -a "auto\t''
env\t''
profile\t''
tccli\t''
oidc\t''
cvm-role\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l lb -d 'CLB id (lb-xxxxxxxx) when the object carries none in its annotations; must agree with them if it does' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l weight -d 'Weight of newly registered targets, 0–100 (targets already bound keep theirs)' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l max-targets -d 'Targets one listener or L7 rule may hold, used when the CLB API does not say (DescribeQuota\'s TOTAL_TARGET_BIND_QUOTA); a plan that would go over it is blocked' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l wait -d 'How long to wait for each of the CLB\'s asynchronous tasks (DescribeTaskStatus) before stopping: 30s, 2m, 0 (ask once, do not wait). Also how long a run waits for a task an earlier run left running' -r
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s o -l output -d 'Output format of the plan and the result' -r -f -a "table\t'Tables and text for people (colors on a terminal, unless NO_COLOR)'
json\t'The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`)'"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l apply -d 'Change the CLB: register, then deregister, then re-read and verify. Without it, only the plan is shown'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s y -l yes -d 'Do not ask for confirmation (asked only when stdin is a terminal)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l force -d 'Apply even if a listener would be left empty or lose more than half of its targets'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -l prune-non-eni -d 'Also deregister targets that are not ENI IPs (node IPs of NodePort mode); left alone by default'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand sync" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand completions" -l color -d 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c tkedirect -n "__fish_tkedirect_using_subcommand completions" -s v -l verbose -d 'Say more on stderr (repeat for more detail)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand completions" -s q -l quiet -d 'Say nothing on stderr but errors'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand completions" -s V -l version -d 'Print version'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "enable" -d 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "disable" -d 'Remove what `enable` adds: the exact inverse'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "diff" -d 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "check" -d 'Check the cluster\'s prerequisites for CLB direct pod access'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "doctor" -d 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "explain" -d 'Print the documentation of a check (what, why, example, fix), or list the checks'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "sync" -d 'Make a CLB\'s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c tkedirect -n "__fish_tkedirect_using_subcommand help; and not __fish_seen_subcommand_from enable disable diff check doctor explain sync completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
