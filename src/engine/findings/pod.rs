//! The containers of a workload's pods seen alike, whichever list they come from, so that a
//! check is written once for init, regular and ephemeral containers.

use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, EphemeralContainer, PodSpec, ResourceRequirements,
    SecurityContext, VolumeMount,
};

use crate::engine::containers::template_containers;
use crate::engine::workload::Workload;

/// Which list of the pod spec a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Init,
    Regular,
    Ephemeral,
}

impl Role {
    /// How a message names a container of this role called `name`.
    pub fn describe(self, name: &str) -> String {
        match self {
            Role::Init => format!("init container {name}"),
            Role::Regular => format!("container {name}"),
            Role::Ephemeral => format!("ephemeral container {name}"),
        }
    }
}

/// The fields of a container that the checks read.
pub(super) struct Member<'a> {
    pub name: &'a str,
    pub role: Role,
    pub security: Option<&'a SecurityContext>,
    pub ports: &'a [ContainerPort],
    pub env: &'a [EnvVar],
    pub resources: Option<&'a ResourceRequirements>,
    pub mounts: &'a [VolumeMount],
}

impl Member<'_> {
    /// How a message names the container, such as `init container migrate`.
    pub fn label(&self) -> String {
        self.role.describe(self.name)
    }
}

/// The pod spec of the workload's template; absent only in a malformed or empty object.
pub(super) fn pod_spec(workload: &Workload) -> Option<&PodSpec> {
    workload.template.spec.as_ref()
}

/// Every container of the workload's pods: init containers, regular ones, then ephemeral
/// ones, each in the order written.
pub(super) fn members(workload: &Workload) -> Vec<Member<'_>> {
    let regular = template_containers(workload).map(|(container, init)| {
        let role = if init { Role::Init } else { Role::Regular };
        of_container(container, role)
    });
    let ephemeral = pod_spec(workload)
        .into_iter()
        .flat_map(|spec| spec.ephemeral_containers.iter().flatten())
        .map(of_ephemeral);

    regular.chain(ephemeral).collect()
}

fn of_container(container: &Container, role: Role) -> Member<'_> {
    Member {
        name: &container.name,
        role,
        security: container.security_context.as_ref(),
        ports: container.ports.as_deref().unwrap_or_default(),
        env: container.env.as_deref().unwrap_or_default(),
        resources: container.resources.as_ref(),
        mounts: container.volume_mounts.as_deref().unwrap_or_default(),
    }
}

fn of_ephemeral(container: &EphemeralContainer) -> Member<'_> {
    Member {
        name: &container.name,
        role: Role::Ephemeral,
        security: container.security_context.as_ref(),
        ports: container.ports.as_deref().unwrap_or_default(),
        env: container.env.as_deref().unwrap_or_default(),
        resources: container.resources.as_ref(),
        mounts: container.volume_mounts.as_deref().unwrap_or_default(),
    }
}
