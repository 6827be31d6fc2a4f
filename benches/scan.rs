//! Throughput of `appasset scan` over 10,000 workloads of manifests, beside a floor measured
//! in the same run: parsing the same YAML into untyped values, the least any reader of these
//! files must do. Run with `cargo bench --bench scan`; it prints figures and asserts none.

use std::time::{Duration, Instant};

use appasset_operator::engine::settings::Settings;
use appasset_operator::scan::inventory;
use appasset_operator::scan::reader::Reading;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;

const NAMESPACES: usize = 100;
const WORKLOADS_PER_NAMESPACE: usize = 100;
const ROUNDS: usize = 3;

fn main() {
    let text = manifests();
    let documents = text.matches("\n---\n").count() + 1;
    println!(
        "input: {} workloads, {documents} documents, {:.1} MiB of YAML",
        NAMESPACES * WORKLOADS_PER_NAMESPACE,
        text.len() as f64 / (1024.0 * 1024.0)
    );

    let floor = median(ROUNDS, || {
        let parsed = text
            .split("\n---\n")
            .map(yaml_serde::from_str::<yaml_serde::Value>);
        assert_eq!(parsed.filter(Result::is_ok).count(), documents);
    });
    let full = median(ROUNDS, || {
        let mut reading = Reading::default();
        reading.read("bench.yaml", &text);
        assert!(
            reading.problems.is_empty(),
            "{:?}",
            reading.problems.first()
        );
        let now = Time(Timestamp::from_second(0).expect("a valid time"));
        let assets = inventory(reading.objects, &Settings::default(), &now);
        assert_eq!(assets.len(), NAMESPACES * WORKLOADS_PER_NAMESPACE);
    });

    let workloads = (NAMESPACES * WORKLOADS_PER_NAMESPACE) as f64;
    println!("floor, YAML to untyped values: {floor:?} (median of {ROUNDS})");
    println!("scan, read and assess: {full:?} (median of {ROUNDS})");
    println!(
        "throughput: {:.0} workloads/s",
        workloads / full.as_secs_f64()
    );
    println!(
        "ratio scan / floor: {:.2}",
        full.as_secs_f64() / floor.as_secs_f64()
    );
}

fn median(rounds: usize, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

/// Namespaces of shops: each workload a Deployment with a Service; every tenth behind an
/// Ingress, every namespace with a default-deny and an allow policy.
fn manifests() -> String {
    let mut documents = Vec::new();
    for n in 0..NAMESPACES {
        let ns = format!("team-{n}");
        documents.push(format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{team: t{n}}}\n"
        ));
        documents.push(format!(
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: deny, \
             namespace: {ns}}}\nspec: {{podSelector: {{}}, policyTypes: [Ingress]}}\n"
        ));
        for w in 0..WORKLOADS_PER_NAMESPACE {
            documents.push(workload(&ns, w));
        }
    }
    documents.join("\n---\n")
}

fn workload(ns: &str, w: usize) -> String {
    let name = format!("svc-{w}");
    let mut text = format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {name}, team: payments}}
  annotations: {{appasset.io/criticality: high}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: app
        image: registry.example.com/{name}:1.{w}
        ports: [{{containerPort: 8080}}]
        env:
        - {{name: NEXT_SERVICE_ADDR, value: 'svc-{next}:80'}}
        - {{name: DB_PASSWORD, valueFrom: {{secretKeyRef: {{name: db, key: password}}}}}}
        resources: {{limits: {{cpu: 500m, memory: 256Mi}}}}
        securityContext: {{runAsNonRoot: true, allowPrivilegeEscalation: false}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {ns}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: 8080}}]
",
        next = (w + 1) % WORKLOADS_PER_NAMESPACE,
    );
    if w.is_multiple_of(10) {
        text.push_str(&format!(
            "---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {name}, namespace: {ns}}}
spec:
  rules:
  - host: {name}.{ns}.example.com
    http:
      paths:
      - {{path: /, pathType: Prefix, backend: {{service: {{name: {name}, port: {{number: 80}}}}}}}}
"
        ));
    }
    text
}
