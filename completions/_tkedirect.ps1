
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'tkedirect' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'tkedirect'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'tkedirect' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads')
            [CompletionResult]::new('en', 'en', [CompletionResultType]::ParameterValue, 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Remove what `enable` adds: the exact inverse')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster''s prerequisites for CLB direct pod access')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print the documentation of a check (what, why, example, fix), or list the checks')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make a CLB''s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tkedirect;enable' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect')
            [CompletionResult]::new('--eni', '--eni', [CompletionResultType]::ParameterName, 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print a unified diff instead of the manifests; exit 1 when something would change')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;en' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect')
            [CompletionResult]::new('--eni', '--eni', [CompletionResultType]::ParameterName, 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print a unified diff instead of the manifests; exit 1 when something would change')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;disable' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect')
            [CompletionResult]::new('--eni', '--eni', [CompletionResultType]::ParameterName, 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show what would change (`client`, the default of a bare --dry-run), or also have the API server validate the patches without storing them (`server`, sent as dryRun=All)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: the diff and a conversation (table, the default; `text` is accepted too), or the versioned plan and results (json)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan (exit 1 when changes are pending)')
            [CompletionResult]::new('--restart', '--restart', [CompletionResultType]::ParameterName, 'After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and DaemonSets behind the targets whose pods lack the readiness gate')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload that still backs another direct Service, an Ingress with ClusterIP backends, a Service without NodePorts); the reasons are printed as warnings. Also with -f')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Rewrite the files in place (atomically, keeping permissions) instead of printing them. Every file is planned first; if any fails, none is written')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Print a unified diff instead of the manifests; exit 1 when something would change')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;diff' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Only objects in this namespace (objects without metadata.namespace count as in it). Live: the namespace of the targets (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'The cluster''s network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI; the other modes change only Services and Ingresses. Default: vpc-cni for files; for live objects, the mode the prerequisite checks detect')
            [CompletionResult]::new('--eni', '--eni', [CompletionResultType]::ParameterName, 'ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on, workloads are opted into an ENI only when this is given')
            [CompletionResult]::new('--container', '--container', [CompletionResultType]::ParameterName, 'The container that carries the ENI resource (default: the first container, which TKE''s ENI webhook also gives the resource: another container means two ENI IPs per pod where the webhook runs)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'How an edited manifest is proven before anything is written: `fast` reads the result back with the parser that read the input; `reference` reads input and result with the complete parser, which shares no code with the fast one, and requires both parsers to agree on the input (several times slower). Manifests only')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'A manifest file, a directory of them, or - for standard input. Repeatable. Without -f, `enable` and `disable` change the live objects named by TARGET instead')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Show what `disable` would change instead of `enable`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;check' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format. The exit code does not depend on it')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. The exit code does not depend on it')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'Judge against this network mode instead of reading a cluster. Without --kube-version the checks of the cluster''s version are not run (and the output says so)')
            [CompletionResult]::new('--eni-webhook', '--eni-webhook', [CompletionResultType]::ParameterName, 'With --network-mode vpc-cni or mixed: whether TKE''s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may')
            [CompletionResult]::new('--facts', '--facts', [CompletionResultType]::ParameterName, 'Evaluate facts saved by `doctor --dump-facts` instead of reading the cluster')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--global-route-direct-access', '--global-route-direct-access', [CompletionResultType]::ParameterName, 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;doctor' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input. Repeatable. The cluster they are judged against comes from --facts, from --network-mode (and --kube-version), or else from the live cluster''s prerequisites')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input. Repeatable. The cluster they are judged against comes from --facts, from --network-mode (and --kube-version), or else from the live cluster''s prerequisites')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Audit this namespace (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Audit this namespace (default: the kubeconfig context''s namespace, like kubectl)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`), and the pods and workloads they select')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`), and the pods and workloads they select')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format. The exit code does not depend on it')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format. The exit code does not depend on it')
            [CompletionResult]::new('--fail-on', '--fail-on', [CompletionResultType]::ParameterName, 'Exit 1 when a finding at or above this severity remains (suppressed findings never count)')
            [CompletionResult]::new('--grace', '--grace', [CompletionResultType]::ParameterName, 'States younger than this are reported as "in progress" (info), not as problems: a readiness gate False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as it is')
            [CompletionResult]::new('--kube-version', '--kube-version', [CompletionResultType]::ParameterName, 'Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs --network-mode')
            [CompletionResult]::new('--network-mode', '--network-mode', [CompletionResultType]::ParameterName, 'Judge against this network mode instead of reading a cluster. Without --kube-version the checks of the cluster''s version are not run (and the output says so)')
            [CompletionResult]::new('--eni-webhook', '--eni-webhook', [CompletionResultType]::ParameterName, 'With --network-mode vpc-cni or mixed: whether TKE''s ENI webhook runs (it gives containers[0] of new pods the ENI resource; managed clusters run it out of sight). Default: it may')
            [CompletionResult]::new('--dump-facts', '--dump-facts', [CompletionResultType]::ParameterName, 'Also write everything that was read, as JSON, to FILE (for bug reports; replay with --facts)')
            [CompletionResult]::new('--facts', '--facts', [CompletionResultType]::ParameterName, 'Replay facts saved with --dump-facts instead of reading a cluster (-n/-A/-l are then ignored); with -f, the cluster the manifests are judged against')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Walk directories given with -f recursively')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Audit every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Audit every namespace')
            [CompletionResult]::new('--global-route-direct-access', '--global-route-direct-access', [CompletionResultType]::ParameterName, 'With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in tke-service-controller-config')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;explain' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;sync' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace of the object (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace of the object (default: the kubeconfig context''s namespace)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: $KUBECONFIG, which may list several files, then ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The kubeconfig context to use (default: the current context)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for one API request, like kubectl''s: 30s, 1m, 500ms; 0 means no limit')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Tencent Cloud region of the CLB (default: $TENCENTCLOUD_REGION, then TKE_REGION in the cluster''s kube-system/tke-config)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'CLB API endpoint (default https://clb.tencentcloudapi.com): a regional, international or VPC-internal host. Plain http:// only for loopback addresses; TLS certificates are always verified')
            [CompletionResult]::new('--credentials-source', '--credentials-source', [CompletionResultType]::ParameterName, 'Where Tencent Cloud credentials come from: `auto` tries env, profile, tccli, oidc (TKE pod identity), then cvm-role (instance metadata); the others use that source only (docs/credentials.md)')
            [CompletionResult]::new('--lb', '--lb', [CompletionResultType]::ParameterName, 'CLB id (lb-xxxxxxxx) when the object carries none in its annotations; must agree with them if it does')
            [CompletionResult]::new('--weight', '--weight', [CompletionResultType]::ParameterName, 'Weight of newly registered targets, 0–100 (targets already bound keep theirs)')
            [CompletionResult]::new('--max-targets', '--max-targets', [CompletionResultType]::ParameterName, 'Targets one listener or L7 rule may hold, used when the CLB API does not say (DescribeQuota''s TOTAL_TARGET_BIND_QUOTA); a plan that would go over it is blocked')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for each of the CLB''s asynchronous tasks (DescribeTaskStatus) before stopping: 30s, 2m, 0 (ask once, do not wait). Also how long a run waits for a task an earlier run left running')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format of the plan and the result')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format of the plan and the result')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Change the CLB: register, then deregister, then re-read and verify. Without it, only the plan is shown')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (asked only when stdin is a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (asked only when stdin is a terminal)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Apply even if a listener would be left empty or lose more than half of its targets')
            [CompletionResult]::new('--prune-non-eni', '--prune-non-eni', [CompletionResultType]::ParameterName, 'Also deregister targets that are not ENI IPs (node IPs of NodePort mode); left alone by default')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto (a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr (repeat for more detail)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Say nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'tkedirect;help' {
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Remove what `enable` adds: the exact inverse')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show, as a unified diff, what `enable` (or `disable` with --disable) would change')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the cluster''s prerequisites for CLB direct pod access')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Audit every LoadBalancer Service and CLB Ingress in scope, and their pods')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print the documentation of a check (what, why, example, fix), or list the checks')
            [CompletionResult]::new('sync', 'sync', [CompletionResultType]::ParameterValue, 'Make a CLB''s backends equal the ready pods of a Service or Ingress, once (plan; --apply to change)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'tkedirect;help;enable' {
            break
        }
        'tkedirect;help;disable' {
            break
        }
        'tkedirect;help;diff' {
            break
        }
        'tkedirect;help;check' {
            break
        }
        'tkedirect;help;doctor' {
            break
        }
        'tkedirect;help;explain' {
            break
        }
        'tkedirect;help;sync' {
            break
        }
        'tkedirect;help;completions' {
            break
        }
        'tkedirect;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
