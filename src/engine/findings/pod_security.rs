//! The Pod Security Standards, baseline and restricted, judged on the workload's pod spec, and
//! `writable-root-fs`, which the standards leave out.
//!
//! A container's setting wins over the pod's, and a setting the container leaves out is taken
//! from the pod, as the kubelet applies them. So a finding is about what a container actually
//! gets: a pod-level `runAsNonRoot: false` or `seccompProfile: Unconfined` that every container
//! overrides is not reported, though Pod Security admission would still refuse the pod.
//!
//! For Windows pods (`spec.os.name: windows`) the Linux-only restricted controls (dropping
//! capabilities, privilege escalation, seccomp) and the read-only root filesystem, which
//! Windows does not support, are not judged, as Pod Security admission does.
//!
//! Controls of the standards that have no finding id are not judged here: AppArmor, SELinux,
//! `/proc` mount type, sysctls, restricted volume types and non-root groups.

use std::collections::BTreeSet;
use std::fmt::Display;

use k8s_openapi::api::core::v1::{PodSecurityContext, PodSpec, SecurityContext, Volume};

use super::FindingId;
use super::pod::{Member, Role, members, pod_spec};
use crate::api::Finding;
use crate::engine::workload::Workload;

/// Capabilities the baseline profile lets a container add: the container runtimes' defaults.
const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The only capability the restricted profile lets a container add.
const RESTRICTED_CAPABILITY: &str = "NET_BIND_SERVICE";

/// Seccomp profile types the restricted profile accepts.
const CONFINED_SECCOMP: [&str; 2] = ["RuntimeDefault", "Localhost"];

/// The Pod Security Standards and `writable-root-fs` findings of the workload's pods.
pub(super) fn findings(workload: &Workload) -> Vec<Finding> {
    let Some(spec) = pod_spec(workload) else {
        return Vec::new();
    };
    let pod = Pod::of(spec);
    let members = members(workload);

    let mut found = host_namespaces(spec);
    found.extend(host_paths(spec, &members));

    for member in &members {
        let checks = [
            privileged(member, &pod),
            host_ports(member),
            capabilities(member, &pod),
            privilege_escalation(member, &pod),
            run_as_root(member, &pod),
            seccomp(member, &pod),
            writable_root(member, &pod),
        ];
        found.extend(checks.into_iter().flatten());
    }

    found
}

/// The pod-wide settings a container falls back on.
struct Pod<'a> {
    security: Option<&'a PodSecurityContext>,
    windows: bool,
}

impl<'a> Pod<'a> {
    fn of(spec: &'a PodSpec) -> Pod<'a> {
        let os = spec.os.as_ref().map(|os| os.name.as_str());
        Pod {
            security: spec.security_context.as_ref(),
            windows: os == Some("windows"),
        }
    }
}

/// Where the setting a container runs with was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Container,
    Pod,
}

/// The container's own value if it sets one, else the pod's.
fn effective<T>(container: Option<T>, pod: Option<T>) -> Option<(T, Source)> {
    let own = container.map(|value| (value, Source::Container));
    own.or_else(|| pod.map(|value| (value, Source::Pod)))
}

fn own<'a, T>(member: &Member<'a>, field: impl Fn(&'a SecurityContext) -> Option<T>) -> Option<T> {
    member.security.and_then(field)
}

fn pods<'a, T>(pod: &Pod<'a>, field: impl Fn(&'a PodSecurityContext) -> Option<T>) -> Option<T> {
    pod.security.and_then(field)
}

fn host_namespaces(spec: &PodSpec) -> Vec<Finding> {
    let shared = [
        (
            spec.host_network,
            FindingId::HostNetwork,
            "network",
            "hostNetwork",
        ),
        (spec.host_pid, FindingId::HostPid, "process", "hostPID"),
        (spec.host_ipc, FindingId::HostIpc, "IPC", "hostIPC"),
    ];

    shared
        .into_iter()
        .filter(|(set, ..)| *set == Some(true))
        .map(|(_, check, namespace, field)| {
            check.finding(format!(
                "the pods share the node's {namespace} namespace ({field}: true)"
            ))
        })
        .collect()
}

fn host_paths(spec: &PodSpec, members: &[Member]) -> Vec<Finding> {
    let volumes = spec.volumes.iter().flatten();

    volumes
        .filter_map(|volume| host_path(volume, members))
        .collect()
}

fn host_path(volume: &Volume, members: &[Member]) -> Option<Finding> {
    let path = &volume.host_path.as_ref()?.path;

    let mounted_by: Vec<String> = members
        .iter()
        .filter(|member| member.mounts.iter().any(|mount| mount.name == volume.name))
        .map(Member::label)
        .collect();

    let message = if mounted_by.is_empty() {
        format!(
            "hostPath volume {} declares {path} on the node, though no container mounts it",
            volume.name
        )
    } else {
        format!(
            "hostPath volume {} mounts {path} from the node into {}",
            volume.name,
            mounted_by.join(", ")
        )
    };
    Some(FindingId::HostPath.finding(message))
}

fn privileged(member: &Member, pod: &Pod) -> Option<Finding> {
    let reason = if is_privileged(member) {
        "runs privileged"
    } else if host_process(member, pod) {
        "runs as a Windows HostProcess container, with full access to the node"
    } else {
        return None;
    };

    Some(FindingId::Privileged.finding(format!("{} {reason}", member.label())))
}

fn is_privileged(member: &Member) -> bool {
    own(member, |s| s.privileged) == Some(true)
}

fn host_process(member: &Member, pod: &Pod) -> bool {
    let container = own(member, |s| s.windows_options.as_ref()?.host_process);
    let pod = pods(pod, |s| s.windows_options.as_ref()?.host_process);

    effective(container, pod).is_some_and(|(host_process, _)| host_process)
}

fn host_ports(member: &Member) -> Option<Finding> {
    // hostPort 0 is how the API writes "no host port".
    let opened: BTreeSet<i32> = member
        .ports
        .iter()
        .filter_map(|port| port.host_port)
        .filter(|port| *port != 0)
        .collect();
    if opened.is_empty() {
        return None;
    }

    let noun = if opened.len() == 1 {
        "host port"
    } else {
        "host ports"
    };
    let message = format!(
        "{} opens {noun} {} on the node",
        member.label(),
        join(&opened)
    );
    Some(FindingId::HostPort.finding(message))
}

fn capabilities(member: &Member, pod: &Pod) -> Option<Finding> {
    let added = added_capabilities(member);
    let drops_all = own(member, |s| s.capabilities.as_ref()?.drop.as_ref())
        .into_iter()
        .flatten()
        .any(|name| capability(name) == "ALL");

    let (baseline, beyond_baseline): (BTreeSet<String>, BTreeSet<String>) = added
        .into_iter()
        .partition(|name| BASELINE_CAPABILITIES.contains(&name.as_str()));
    let beyond_restricted: BTreeSet<String> = baseline
        .into_iter()
        .filter(|name| name != RESTRICTED_CAPABILITY)
        .collect();

    let mut problems = Vec::new();
    if !beyond_baseline.is_empty() {
        let names = join(&beyond_baseline);
        problems.push(format!("adds {names} beyond the baseline set"));
    }
    if !pod.windows && !beyond_restricted.is_empty() {
        let names = join(&beyond_restricted);
        problems.push(format!(
            "adds {names}, where the restricted profile allows only {RESTRICTED_CAPABILITY}"
        ));
    }
    if !pod.windows && !drops_all {
        problems.push("does not drop ALL capabilities".to_string());
    }
    if problems.is_empty() {
        return None;
    }

    let message = format!("{} {}", member.label(), problems.join("; "));
    let check = FindingId::DangerousCapabilities;
    Some(if beyond_baseline.is_empty() {
        check.finding(message)
    } else {
        check.raised_finding(message)
    })
}

fn added_capabilities(member: &Member) -> BTreeSet<String> {
    let added = own(member, |s| s.capabilities.as_ref()?.add.as_ref());

    added
        .into_iter()
        .flatten()
        .map(|name| capability(name))
        .collect()
}

/// A capability name as the checks compare it. The API stores names as written, and container
/// runtimes accept them in any case and with or without the `CAP_` prefix, so `cap_sys_admin`
/// grants what `SYS_ADMIN` does.
fn capability(name: &str) -> String {
    let upper = name.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(bare) => bare.to_string(),
        None => upper,
    }
}

fn privilege_escalation(member: &Member, pod: &Pod) -> Option<Finding> {
    if pod.windows {
        return None;
    }

    // The API refuses allowPrivilegeEscalation: false next to privileged or CAP_SYS_ADMIN:
    // either lets a process gain more privileges than its parent, whatever the field says.
    let added = added_capabilities(member);
    let reason = if is_privileged(member) {
        "is privileged, which always allows privilege escalation"
    } else if added.contains("SYS_ADMIN") || added.contains("ALL") {
        "adds CAP_SYS_ADMIN, which always allows privilege escalation"
    } else {
        match own(member, |s| s.allow_privilege_escalation) {
            Some(false) => return None,
            Some(true) => "sets allowPrivilegeEscalation: true",
            None => "does not set allowPrivilegeEscalation: false, and it defaults to true",
        }
    };

    Some(FindingId::PrivilegeEscalation.finding(format!("{} {reason}", member.label())))
}

fn run_as_root(member: &Member, pod: &Pod) -> Option<Finding> {
    let user = effective(own(member, |s| s.run_as_user), pods(pod, |s| s.run_as_user));
    let non_root = effective(
        own(member, |s| s.run_as_non_root),
        pods(pod, |s| s.run_as_non_root),
    );

    let reason = match (user, non_root) {
        (Some((0, Source::Container)), _) => "runs as user 0 (root)",
        (Some((0, Source::Pod)), _) => "runs as user 0 (root), set on the pod",
        (_, Some((true, _))) => return None,
        (_, Some((false, Source::Container))) => "sets runAsNonRoot: false",
        (_, Some((false, Source::Pod))) => "inherits runAsNonRoot: false from the pod",
        (_, None) => "may run as root: neither it nor the pod sets runAsNonRoot: true",
    };

    Some(FindingId::RunAsRoot.finding(format!("{} {reason}", member.label())))
}

fn seccomp(member: &Member, pod: &Pod) -> Option<Finding> {
    if pod.windows {
        return None;
    }

    let profile = effective(
        own(member, |s| s.seccomp_profile.as_ref()),
        pods(pod, |s| s.seccomp_profile.as_ref()),
    );

    let label = member.label();
    let message = match profile {
        Some((profile, _)) if CONFINED_SECCOMP.contains(&profile.type_.as_str()) => return None,
        Some((profile, Source::Container)) => {
            format!("{label} sets seccomp profile {}", profile.type_)
        }
        Some((profile, Source::Pod)) => {
            format!(
                "{label} inherits seccomp profile {} from the pod",
                profile.type_
            )
        }
        None => format!(
            "{label} has no seccomp profile, on it or on the pod, so it runs Unconfined unless \
             the kubelet applies RuntimeDefault to every pod"
        ),
    };
    Some(FindingId::NoSeccomp.finding(message))
}

/// Not part of the Pod Security Standards: a read-only root filesystem stops an intruder
/// from changing the image's binaries or leaving tools behind, while volumes still take what
/// the application must write.
fn writable_root(member: &Member, pod: &Pod) -> Option<Finding> {
    if member.role == Role::Ephemeral || pod.windows {
        return None;
    }
    if own(member, |s| s.read_only_root_filesystem) == Some(true) {
        return None;
    }

    let message = format!(
        "{} has a writable root filesystem (readOnlyRootFilesystem is not true)",
        member.label()
    );
    Some(FindingId::WritableRootFs.finding(message))
}

fn join<T: Display>(items: &BTreeSet<T>) -> String {
    let items: Vec<String> = items.iter().map(ToString::to_string).collect();
    items.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::Asset;
    use crate::api::Severity;
    use crate::engine::testing;
    use serde_json::{Value, json};

    /// Deployment shop/web running one container, `app`, with `security_context`.
    fn app(security_context: Value) -> Asset {
        Asset::deployment(json!({
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "securityContext": security_context,
            }],
        }))
    }

    /// The restricted profile's settings for a container, with `changes` written over them.
    fn restricted(changes: Value) -> Value {
        let mut context = json!({
            "runAsNonRoot": true,
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": true,
            "seccompProfile": { "type": "RuntimeDefault" },
            "capabilities": { "drop": ["ALL"] },
        });
        for (field, value) in changes.as_object().into_iter().flatten() {
            context[field] = value.clone();
        }
        context
    }

    const POD_SECURITY_IDS: [&str; 11] = [
        "privileged",
        "host-network",
        "host-pid",
        "host-ipc",
        "host-path",
        "host-port",
        "dangerous-capabilities",
        "privilege-escalation",
        "run-as-root",
        "no-seccomp",
        "writable-root-fs",
    ];

    fn pod_security_ids(asset: &Asset) -> Vec<String> {
        let ids = asset.findings().into_iter().map(|finding| finding.id);
        let mut ids: Vec<String> = ids
            .filter(|id| POD_SECURITY_IDS.contains(&id.as_str()))
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_restricted_container_has_no_pod_security_findings() {
        let asset = app(restricted(json!({})));

        assert_eq!(pod_security_ids(&asset), Vec::<String>::new());
    }

    #[test]
    fn a_default_container_misses_every_restricted_control() {
        let asset = Asset::deployment(testing::running("nginx:1.27"));

        let expected = [
            "dangerous-capabilities",
            "no-seccomp",
            "privilege-escalation",
            "run-as-root",
            "writable-root-fs",
        ];
        assert_eq!(pod_security_ids(&asset), expected);
    }

    #[test]
    fn a_privileged_container_is_critical_and_named() {
        let asset = app(restricted(json!({
            "privileged": true,
            "allowPrivilegeEscalation": null,
        })));

        let found = asset.findings_of("privileged");

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Critical);
        assert_eq!(found[0].message, "container app runs privileged");
    }

    #[test]
    fn privileged_false_is_not_a_finding() {
        let asset = app(restricted(json!({ "privileged": false })));

        assert!(asset.findings_of("privileged").is_empty());
    }

    #[test]
    fn a_privileged_init_container_is_named_as_one() {
        let asset = Asset::deployment(json!({
            "initContainers": [{
                "name": "sysctl",
                "image": "busybox:1.36",
                "securityContext": { "privileged": true },
            }],
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert_eq!(
            asset.messages_of("privileged"),
            ["init container sysctl runs privileged"]
        );
    }

    #[test]
    fn a_windows_host_process_pod_is_privileged() {
        let asset = Asset::deployment(json!({
            "os": { "name": "windows" },
            "hostNetwork": true,
            "securityContext": { "windowsOptions": { "hostProcess": true } },
            "containers": [{ "name": "agent", "image": "vendor/agent:2" }],
        }));

        let messages = asset.messages_of("privileged");

        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("container agent runs as a Windows HostProcess"));
    }

    #[test]
    fn host_namespaces_are_each_a_finding_of_the_pods() {
        let asset = Asset::deployment(json!({
            "hostNetwork": true,
            "hostPID": true,
            "hostIPC": true,
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert_eq!(
            asset.messages_of("host-network"),
            ["the pods share the node's network namespace (hostNetwork: true)"]
        );
        assert_eq!(asset.findings_of("host-pid")[0].severity, Severity::High);
        assert_eq!(asset.findings_of("host-ipc").len(), 1);
    }

    #[test]
    fn host_namespaces_set_false_are_not_findings() {
        let asset = Asset::deployment(json!({
            "hostNetwork": false,
            "hostPID": false,
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.findings_of("host-network").is_empty());
        assert!(asset.findings_of("host-pid").is_empty());
        assert!(asset.findings_of("host-ipc").is_empty());
    }

    #[test]
    fn a_host_path_volume_names_its_path_and_the_containers_mounting_it() {
        let asset = Asset::deployment(json!({
            "volumes": [
                { "name": "logs", "hostPath": { "path": "/var/log" } },
                { "name": "cache", "emptyDir": {} },
            ],
            "containers": [{
                "name": "shipper",
                "image": "fluent/fluent-bit:3.0",
                "volumeMounts": [
                    { "name": "logs", "mountPath": "/host/logs", "readOnly": true },
                    { "name": "cache", "mountPath": "/cache" },
                ],
            }],
        }));

        let found = asset.findings_of("host-path");

        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(
            found[0].message,
            "hostPath volume logs mounts /var/log from the node into container shipper"
        );
    }

    #[test]
    fn an_empty_dir_volume_is_not_a_host_path() {
        let asset = Asset::deployment(json!({
            "volumes": [{ "name": "cache", "emptyDir": {} }],
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.findings_of("host-path").is_empty());
    }

    #[test]
    fn a_host_port_names_the_container_and_ports() {
        let asset = Asset::deployment(json!({
            "containers": [{
                "name": "ingress",
                "image": "ingress-nginx/controller:1.10",
                "ports": [
                    { "containerPort": 80, "hostPort": 80 },
                    { "containerPort": 443, "hostPort": 443 },
                    { "containerPort": 10254 },
                ],
            }],
        }));

        assert_eq!(
            asset.messages_of("host-port"),
            ["container ingress opens host ports 80, 443 on the node"]
        );
    }

    #[test]
    fn host_port_zero_is_no_host_port() {
        let asset = Asset::deployment(json!({
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "ports": [{ "containerPort": 8080, "hostPort": 0 }],
            }],
        }));

        assert!(asset.findings_of("host-port").is_empty());
    }

    #[test]
    fn drop_all_and_add_net_bind_service_is_fine() {
        let asset = app(restricted(json!({
            "capabilities": { "drop": ["ALL"], "add": ["NET_BIND_SERVICE"] },
        })));

        assert!(asset.findings_of("dangerous-capabilities").is_empty());
    }

    #[test]
    fn adding_capabilities_beyond_the_baseline_set_is_high() {
        let asset = app(restricted(json!({
            "capabilities": { "drop": ["ALL"], "add": ["SYS_ADMIN", "NET_ADMIN"] },
        })));

        let found = asset.findings_of("dangerous-capabilities");

        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::High);
        assert_eq!(
            found[0].message,
            "container app adds NET_ADMIN, SYS_ADMIN beyond the baseline set"
        );
    }

    #[test]
    fn capability_names_count_in_any_case_and_with_the_cap_prefix() {
        let asset = app(restricted(json!({
            "capabilities": { "drop": ["all"], "add": ["cap_sys_ptrace"] },
        })));

        assert_eq!(
            asset.messages_of("dangerous-capabilities"),
            ["container app adds SYS_PTRACE beyond the baseline set"]
        );
    }

    #[test]
    fn a_baseline_capability_other_than_net_bind_service_misses_only_restricted() {
        let asset = app(restricted(json!({
            "capabilities": { "drop": ["ALL"], "add": ["CHOWN"] },
        })));

        let found = asset.findings_of("dangerous-capabilities");

        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(
            found[0].message,
            "container app adds CHOWN, where the restricted profile allows only NET_BIND_SERVICE"
        );
    }

    #[test]
    fn not_dropping_all_capabilities_is_low() {
        let asset = app(restricted(
            json!({ "capabilities": { "drop": ["NET_RAW"] } }),
        ));

        let found = asset.findings_of("dangerous-capabilities");

        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(
            found[0].message,
            "container app does not drop ALL capabilities"
        );
    }

    #[test]
    fn allow_privilege_escalation_false_is_fine() {
        let asset = app(restricted(json!({})));

        assert!(asset.findings_of("privilege-escalation").is_empty());
    }

    #[test]
    fn allow_privilege_escalation_left_out_defaults_to_true() {
        let asset = app(restricted(json!({ "allowPrivilegeEscalation": null })));

        assert_eq!(
            asset.messages_of("privilege-escalation"),
            [
                "container app does not set allowPrivilegeEscalation: false, and it defaults \
                 to true"
            ]
        );
    }

    #[test]
    fn cap_sys_admin_implies_privilege_escalation() {
        let asset = app(restricted(json!({
            "capabilities": { "drop": ["ALL"], "add": ["SYS_ADMIN"] },
        })));

        assert_eq!(
            asset.messages_of("privilege-escalation"),
            ["container app adds CAP_SYS_ADMIN, which always allows privilege escalation"]
        );
    }

    #[test]
    fn privileged_implies_privilege_escalation() {
        let asset = app(restricted(json!({ "privileged": true })));

        assert_eq!(
            asset.messages_of("privilege-escalation"),
            ["container app is privileged, which always allows privilege escalation"]
        );
    }

    #[test]
    fn run_as_non_root_on_the_pod_covers_its_containers() {
        let asset = Asset::deployment(json!({
            "securityContext": { "runAsNonRoot": true },
            "initContainers": [{ "name": "migrate", "image": "shop/app:1.0" }],
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.findings_of("run-as-root").is_empty());
    }

    #[test]
    fn a_container_run_as_non_root_false_overrides_the_pod() {
        let asset = Asset::deployment(json!({
            "securityContext": { "runAsNonRoot": true },
            "containers": [
                { "name": "app", "image": "shop/app:1.0" },
                {
                    "name": "debug",
                    "image": "busybox:1.36",
                    "securityContext": { "runAsNonRoot": false },
                },
            ],
        }));

        assert_eq!(
            asset.messages_of("run-as-root"),
            ["container debug sets runAsNonRoot: false"]
        );
    }

    #[test]
    fn a_container_run_as_non_root_true_overrides_a_pod_false() {
        let asset = Asset::deployment(json!({
            "securityContext": { "runAsNonRoot": false },
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "securityContext": { "runAsNonRoot": true },
            }],
        }));

        assert!(asset.findings_of("run-as-root").is_empty());
    }

    #[test]
    fn run_as_non_root_set_nowhere_may_run_as_root() {
        let asset = app(json!({}));

        assert_eq!(
            asset.messages_of("run-as-root"),
            ["container app may run as root: neither it nor the pod sets runAsNonRoot: true"]
        );
    }

    #[test]
    fn run_as_user_zero_is_root_even_with_run_as_non_root() {
        let asset = Asset::deployment(json!({
            "securityContext": { "runAsNonRoot": true, "runAsUser": 0 },
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert_eq!(
            asset.messages_of("run-as-root"),
            ["container app runs as user 0 (root), set on the pod"]
        );
    }

    #[test]
    fn a_container_run_as_user_overrides_a_pod_run_as_user_zero() {
        let asset = Asset::deployment(json!({
            "securityContext": { "runAsNonRoot": true, "runAsUser": 0 },
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "securityContext": { "runAsUser": 10001 },
            }],
        }));

        assert!(asset.findings_of("run-as-root").is_empty());
    }

    #[test]
    fn runtime_default_seccomp_on_the_pod_covers_its_containers() {
        let asset = Asset::deployment(json!({
            "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert!(asset.findings_of("no-seccomp").is_empty());
    }

    #[test]
    fn a_localhost_seccomp_profile_is_fine() {
        let asset = app(restricted(json!({
            "seccompProfile": { "type": "Localhost", "localhostProfile": "profiles/app.json" },
        })));

        assert!(asset.findings_of("no-seccomp").is_empty());
    }

    #[test]
    fn no_seccomp_profile_anywhere_is_a_finding() {
        let asset = app(json!({}));

        let found = asset.findings_of("no-seccomp");

        assert_eq!(found[0].severity, Severity::Low);
        assert!(
            found[0]
                .message
                .starts_with("container app has no seccomp profile")
        );
    }

    #[test]
    fn an_unconfined_container_is_a_finding_even_under_a_confined_pod() {
        let asset = Asset::deployment(json!({
            "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
            "containers": [{
                "name": "app",
                "image": "shop/app:1.0",
                "securityContext": { "seccompProfile": { "type": "Unconfined" } },
            }],
        }));

        assert_eq!(
            asset.messages_of("no-seccomp"),
            ["container app sets seccomp profile Unconfined"]
        );
    }

    #[test]
    fn an_unconfined_pod_is_a_finding_for_each_container_it_covers() {
        let asset = Asset::deployment(json!({
            "securityContext": { "seccompProfile": { "type": "Unconfined" } },
            "containers": [
                { "name": "app", "image": "shop/app:1.0" },
                {
                    "name": "proxy",
                    "image": "envoyproxy/envoy:v1.30",
                    "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
                },
            ],
        }));

        assert_eq!(
            asset.messages_of("no-seccomp"),
            ["container app inherits seccomp profile Unconfined from the pod"]
        );
    }

    #[test]
    fn a_read_only_root_filesystem_is_fine() {
        let asset = app(restricted(json!({})));

        assert!(asset.findings_of("writable-root-fs").is_empty());
    }

    #[test]
    fn a_writable_root_filesystem_is_low() {
        let asset = app(restricted(json!({ "readOnlyRootFilesystem": false })));

        let found = asset.findings_of("writable-root-fs");

        assert_eq!(found[0].severity, Severity::Low);
        assert_eq!(
            found[0].message,
            "container app has a writable root filesystem (readOnlyRootFilesystem is not true)"
        );
    }

    #[test]
    fn windows_pods_skip_the_linux_only_controls() {
        let asset = Asset::deployment(json!({
            "os": { "name": "windows" },
            "securityContext": { "runAsNonRoot": true },
            "containers": [{ "name": "app", "image": "shop/app:1.0" }],
        }));

        assert_eq!(pod_security_ids(&asset), Vec::<String>::new());
    }

    #[test]
    fn ephemeral_containers_of_a_bare_pod_are_judged_too() {
        let asset = Asset::pod(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": { "name": "web", "namespace": "shop" },
            "spec": {
                "securityContext": { "runAsNonRoot": true },
                "containers": [{
                    "name": "app",
                    "image": "shop/app:1.0",
                    "securityContext": restricted(json!({})),
                }],
                "ephemeralContainers": [{
                    "name": "debugger",
                    "image": "busybox:1.36",
                    "securityContext": { "privileged": true, "runAsNonRoot": false },
                }],
            },
        }));

        assert_eq!(
            asset.messages_of("privileged"),
            ["ephemeral container debugger runs privileged"]
        );
        assert_eq!(
            asset.messages_of("run-as-root"),
            ["ephemeral container debugger sets runAsNonRoot: false"]
        );
        assert!(asset.findings_of("writable-root-fs").is_empty());
    }
}
