//! How fast the live inventory follows the cluster, on the real control plane: the time for
//! `appasset run` to inventory Online Boutique from start, and the latency from a change to
//! a Service to the AppAsset showing it, over many changes. The floor is the same change
//! seen by a plain watch on the changed object: what any controller needs at the least.
//!
//! Run with `cargo bench --bench inventory`. It prints figures; it asserts no timing.

use std::path::Path;
use std::time::{Duration, Instant};

use appasset_harness::{ControlPlane, Operator, control_plane};
use appasset_operator::api::{AppAsset, Exposure};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::runtime::watcher::{self, Event};
use serde_json::json;
use tokio::sync::watch;

const CHANGES: usize = 120;

#[tokio::main]
async fn main() {
    let cp = control_plane();
    install_crds(cp);

    let inventory = time_to_inventory(cp).await;
    println!("inventory of Online Boutique (12 workloads) from operator start: {inventory:?}");

    let (floor, latency) = change_latencies(cp).await;
    report("floor: a Service change seen by a plain watch", &floor);
    report(
        "change to AppAsset: a Service change shown in the AppAsset",
        &latency,
    );
    let ratio = percentile(&latency, 50.0).as_secs_f64() / percentile(&floor, 50.0).as_secs_f64();
    println!("p50 ratio change-to-AppAsset / floor: {ratio:.1}");
}

fn install_crds(cp: &ControlPlane) {
    let crds = Path::new(env!("CARGO_MANIFEST_DIR")).join("crds");
    let output = cp.kubectl(&["apply", "--server-side", "-f", crds.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = cp.kubectl(&[
        "wait",
        "--for=condition=Established",
        "crd/appassets.appasset.io",
        "crd/assetpolicies.appasset.io",
        "--timeout=60s",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn start_operator(cp: &ControlPlane, namespace: &str) -> Operator {
    let binary = Path::new(env!("CARGO_BIN_EXE_appasset"));
    Operator::start(cp, binary, &[&format!("--namespaces={namespace}")]).await
}

/// Objects in place first, then the operator: the time from its start to 12 AppAssets.
async fn time_to_inventory(cp: &ControlPlane) -> Duration {
    let ns = cp.namespace("bench-inventory").await;
    let manifests = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/online-boutique/kubernetes-manifests.yaml");
    let output = cp.kubectl(&["apply", "-n", &ns.name, "-f", manifests.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let assets: Api<AppAsset> = Api::namespaced(ns.client.clone(), &ns.name);
    let started = Instant::now();
    let _operator = start_operator(cp, &ns.name).await;
    loop {
        let listed = assets
            .list(&ListParams::default())
            .await
            .expect("listing AppAssets");
        let done = listed.items.iter().filter(|a| a.status.is_some()).count();
        if done == 12 {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Flips a Service between ClusterIP and NodePort, which moves its workload between Cluster
/// and External, and times each flip twice: as seen on the Service itself by a plain watch
/// (the floor) and as seen on the AppAsset.
async fn change_latencies(cp: &ControlPlane) -> (Vec<Duration>, Vec<Duration>) {
    let ns = cp.namespace("bench-latency").await;
    let manifests = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
";
    cp.apply_yaml(&ns.name, manifests);
    let _operator = start_operator(cp, &ns.name).await;

    let services: Api<Service> = Api::namespaced(ns.client.clone(), &ns.name);
    let assets: Api<AppAsset> = Api::namespaced(ns.client.clone(), &ns.name);
    let service_type = follow(services.clone(), "web", |service: &Service| {
        service.spec.as_ref().and_then(|spec| spec.type_.clone())
    });
    let exposure = follow(assets, "deployment-web", |asset: &AppAsset| {
        asset.status.as_ref().and_then(|status| status.exposure)
    });
    wait_for(&exposure, Some(Exposure::Cluster)).await;

    let mut floor = Vec::with_capacity(CHANGES);
    let mut latency = Vec::with_capacity(CHANGES);
    for change in 0..CHANGES {
        let (kind, expected) = if change % 2 == 0 {
            ("NodePort", Exposure::External)
        } else {
            ("ClusterIP", Exposure::Cluster)
        };
        let patch = json!({ "spec": { "type": kind } });
        let started = Instant::now();
        services
            .patch("web", &PatchParams::default(), &Patch::Merge(patch))
            .await
            .expect("patching the Service");
        wait_for(&service_type, Some(kind.to_string())).await;
        floor.push(started.elapsed());
        wait_for(&exposure, Some(expected)).await;
        latency.push(started.elapsed());
    }
    (floor, latency)
}

/// A watch on one object, reduced to the value `read` takes from it.
fn follow<K, T>(api: Api<K>, name: &str, read: fn(&K) -> Option<T>) -> watch::Receiver<Option<T>>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
    T: Send + Sync + PartialEq + 'static,
{
    let (sender, receiver) = watch::channel(None);
    let config = watcher::Config::default().fields(&format!("metadata.name={name}"));
    tokio::spawn(async move {
        let events = watcher::watcher(api, config);
        futures::pin_mut!(events);
        while let Some(event) = events.next().await {
            if let Ok(Event::Apply(object) | Event::InitApply(object)) = event {
                sender.send_replace(read(&object));
            }
        }
    });
    receiver
}

async fn wait_for<T: PartialEq>(receiver: &watch::Receiver<Option<T>>, expected: Option<T>) {
    let mut receiver = receiver.clone();
    let waited = tokio::time::timeout(
        Duration::from_secs(30),
        receiver.wait_for(|value| *value == expected),
    );
    waited
        .await
        .expect("the change arrived within 30 s")
        .expect("the watch is running");
}

fn report(what: &str, samples: &[Duration]) {
    println!(
        "{what}: n={} p50={:?} p90={:?} p99={:?} max={:?}",
        samples.len(),
        percentile(samples, 50.0),
        percentile(samples, 90.0),
        percentile(samples, 99.0),
        percentile(samples, 100.0),
    );
}

fn percentile(samples: &[Duration], percent: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
