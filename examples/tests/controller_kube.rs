//! The `kube` path of the controller against a mocked API server (tower-test): no cluster is
//! needed. The mock answers the list calls with the bundled scenario 2 plus an obsolete
//! generated object, and the test asserts every request the controller makes: method, path,
//! query (field manager, force), content type and the server-side apply bodies.
#![cfg(feature = "kube")]

use std::path::Path;

use crd_model::generate::stable_name;
use crd_model::{Object, load_file};
use examples::controller::kube::reconcile_once;
use http::{Method, Request, Response};
use kube::Client;
use kube::client::Body;
use serde_json::{Value, json};
use tower_test::mock::{self, Handle};

const FRR: &str = "/apis/frrk8s.metallb.io/v1beta1";
const RA: &str = "/apis/k8s.ovn.org/v1/routeadvertisements";

fn scenario2() -> Vec<Object> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests/scenario2-advertise");
    let mut out = Vec::new();
    for f in [
        "routeadvertisements.yaml",
        "frrconfiguration.yaml",
        "nodes.yaml",
    ] {
        out.extend(
            load_file(dir.join(f))
                .unwrap()
                .into_iter()
                .map(|d| d.object),
        );
    }
    out
}

fn list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": "10"}, "items": items})
}

fn of_kind(objects: &[Object], kind: &str) -> Vec<Value> {
    objects
        .iter()
        .filter(|o| o.kind() == kind)
        .map(|o| {
            let mut v = o.to_json_value();
            v["metadata"]["resourceVersion"] = json!("5");
            v
        })
        .collect()
}

struct Server {
    handle: Handle<Request<Body>, Response<Body>>,
}

impl Server {
    /// Receives the next request, checks method and path, answers `reply` (or, when null, the
    /// request body); returns the query, the content type and the JSON body.
    async fn expect(
        &mut self,
        method: Method,
        path: &str,
        reply: Value,
    ) -> (String, Option<String>, Value) {
        let (req, send) = self.handle.next_request().await.expect("a request");
        assert_eq!(req.method(), method, "{}", req.uri());
        assert_eq!(req.uri().path(), path);
        let query = req.uri().query().unwrap_or_default().to_string();
        let ctype = req
            .headers()
            .get(http::header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        let bytes = req.into_body().collect_bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        // PATCH answers echo the applied object, as an API server returns it
        let reply = if reply.is_null() { body.clone() } else { reply };
        send.send_response(
            Response::builder()
                .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                .unwrap(),
        );
        (query, ctype, body)
    }
}

fn assert_apply(query: &str, ctype: &Option<String>) {
    assert!(
        query.contains("fieldManager=clustermanager-routeadvertisements-controller"),
        "{query}"
    );
    assert!(query.contains("force=true"), "{query}");
    assert_eq!(ctype.as_deref(), Some("application/apply-patch+yaml"));
}

#[tokio::test]
async fn reconciles_scenario2_through_the_api() {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    let objects = scenario2();

    // an object generated earlier for a node that is gone
    let mut obsolete = json!({
        "apiVersion": "frrk8s.metallb.io/v1beta1", "kind": "FRRConfiguration",
        "metadata": {"name": "ovnk-generated-old12", "namespace": "frr-k8s-system", "resourceVersion": "3",
            "labels": {"k8s.ovn.org/route-advertisements": "default"},
            "annotations": {"k8s.ovn.org/route-advertisements": "default/fabric-ibgp/node9"}},
        "spec": {"bgp": {"routers": [{"asn": 64512}]}}
    });
    let mut frrs = of_kind(&objects, "FRRConfiguration");
    frrs.push(obsolete.clone());

    let server = tokio::spawn({
        let objects = objects.clone();
        async move {
            let mut s = Server { handle };
            s.expect(
                Method::GET,
                RA,
                list(of_kind(&objects, "RouteAdvertisements")),
            )
            .await;
            s.expect(Method::GET, &format!("{FRR}/frrconfigurations"), list(frrs))
                .await;
            s.expect(
                Method::GET,
                "/api/v1/nodes",
                list(of_kind(&objects, "Node")),
            )
            .await;
            let mut applied = Vec::new();
            for n in 1..=3 {
                let key = format!("default/fabric-ibgp/node{n}");
                let name = stable_name(&key);
                let path = format!("{FRR}/namespaces/frr-k8s-system/frrconfigurations/{name}");
                let (q, ct, body) = s.expect(Method::PATCH, &path, Value::Null).await;
                assert_apply(&q, &ct);
                assert_eq!(body["apiVersion"], "frrk8s.metallb.io/v1beta1");
                assert_eq!(body["kind"], "FRRConfiguration");
                assert_eq!(body["metadata"]["name"], name);
                assert_eq!(body["metadata"]["namespace"], "frr-k8s-system");
                assert_eq!(
                    body["metadata"]["labels"]["k8s.ovn.org/route-advertisements"],
                    "default"
                );
                assert_eq!(
                    body["metadata"]["annotations"]["k8s.ovn.org/route-advertisements"],
                    key
                );
                assert!(body["metadata"].get("resourceVersion").is_none());
                assert!(body["metadata"].get("generateName").is_none());
                assert_eq!(
                    body["spec"]["nodeSelector"],
                    json!({"matchLabels": {"kubernetes.io/hostname": format!("node{n}")}})
                );
                let router = &body["spec"]["bgp"]["routers"][0];
                let subnet = format!("10.100.{n}.0/24");
                assert_eq!(router["prefixes"], json!([subnet]));
                assert_eq!(router["neighbors"][0]["address"], "192.168.111.1");
                assert_eq!(
                    router["neighbors"][0]["toAdvertise"],
                    json!({"allowed": {"prefixes": [subnet]}})
                );
                assert_eq!(
                    router["neighbors"][0]["toReceive"],
                    json!({"allowed": {"mode": "all"}})
                );
                assert_eq!(body["spec"]["bgp"]["bfdProfiles"][0]["name"], "fabric-bfd");
                applied.push(body);
            }
            s.expect(
                Method::DELETE,
                &format!("{FRR}/namespaces/frr-k8s-system/frrconfigurations/ovnk-generated-old12"),
                obsolete.take(),
            )
            .await;
            let (q, ct, body) = s
                .expect(Method::PATCH, &format!("{RA}/default/status"), Value::Null)
                .await;
            assert_apply(&q, &ct);
            assert_eq!(body["metadata"], json!({"name": "default"}));
            assert_eq!(body["kind"], "RouteAdvertisements");
            assert_eq!(body["status"]["status"], "Accepted");
            let c = &body["status"]["conditions"][0];
            assert_eq!(c["type"], "Accepted");
            assert_eq!(c["status"], "True");
            assert_eq!(c["reason"], "Accepted");
            assert!(c["lastTransitionTime"].as_str().unwrap().ends_with('Z'));
            (s, applied, body["status"].clone())
        }
    });
    let report = reconcile_once(&client).await.unwrap();
    let (mut s, applied, status) = server.await.unwrap();
    assert_eq!(report.created.len(), 3);
    assert_eq!(report.deleted, ["frr-k8s-system/ovnk-generated-old12"]);
    assert_eq!(report.statuses["default"], "Accepted");

    // second pass: the API now holds what was applied and the status: nothing to write
    let mut ras = of_kind(&objects, "RouteAdvertisements");
    ras[0]["status"] = status;
    let mut frrs = of_kind(&objects, "FRRConfiguration");
    frrs.extend(applied);
    let nodes = of_kind(&objects, "Node");
    let server = tokio::spawn(async move {
        s.expect(Method::GET, RA, list(ras)).await;
        s.expect(Method::GET, &format!("{FRR}/frrconfigurations"), list(frrs))
            .await;
        s.expect(Method::GET, "/api/v1/nodes", list(nodes)).await;
        s
    });
    // a write would wait for an answer that never comes: bound the wait
    let report = tokio::time::timeout(std::time::Duration::from_secs(10), reconcile_once(&client))
        .await
        .expect("no request beyond the three lists")
        .unwrap();
    let s = server.await.unwrap();
    assert_eq!(report, Default::default(), "no writes expected");
    drop(client);
    drop(s);
}

#[tokio::test]
async fn configuration_error_sets_status_and_keeps_objects() {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    let mut objects = scenario2();
    // node2 loses its subnet annotation
    for o in &mut objects {
        if let Object::Node(n) = o
            && n.metadata.name == "node2"
        {
            n.metadata.annotations.remove("k8s.ovn.org/node-subnets");
        }
    }
    let existing = json!({
        "apiVersion": "frrk8s.metallb.io/v1beta1", "kind": "FRRConfiguration",
        "metadata": {"name": "ovnk-generated-keep1", "namespace": "frr-k8s-system",
            "labels": {"k8s.ovn.org/route-advertisements": "default"},
            "annotations": {"k8s.ovn.org/route-advertisements": "default/fabric-ibgp/node1"}},
        "spec": {"bgp": {"routers": [{"asn": 1}]}}
    });
    let mut frrs = of_kind(&objects, "FRRConfiguration");
    frrs.push(existing);
    let server = tokio::spawn(async move {
        let mut s = Server { handle };
        s.expect(
            Method::GET,
            RA,
            list(of_kind(&objects, "RouteAdvertisements")),
        )
        .await;
        s.expect(Method::GET, &format!("{FRR}/frrconfigurations"), list(frrs))
            .await;
        s.expect(
            Method::GET,
            "/api/v1/nodes",
            list(of_kind(&objects, "Node")),
        )
        .await;
        // no FRRConfiguration writes: straight to the status
        let (_, _, body) = s
            .expect(Method::PATCH, &format!("{RA}/default/status"), Value::Null)
            .await;
        let c = &body["status"]["conditions"][0];
        assert_eq!(c["status"], "False");
        assert_eq!(c["reason"], "ConfigurationError");
        assert!(
            c["message"]
                .as_str()
                .unwrap()
                .contains("will wait for subnet annotation to be set for node \"node2\"")
        );
        assert!(
            body["status"]["status"]
                .as_str()
                .unwrap()
                .starts_with("Not Accepted: configuration error: ")
        );
        s
    });
    let report = reconcile_once(&client).await.unwrap();
    server.await.unwrap();
    assert!(report.created.is_empty() && report.deleted.is_empty() && report.updated.is_empty());
}

#[tokio::test]
async fn unparseable_object_is_named_and_nothing_is_written() {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    let objects = scenario2();
    let bad = json!({
        "apiVersion": "frrk8s.metallb.io/v1beta1", "kind": "FRRConfiguration",
        "metadata": {"name": "broken", "namespace": "team-a"},
        "spec": {"bgp": {"routers": [{"asn": "not a number"}]}}
    });
    let server = tokio::spawn(async move {
        let mut s = Server { handle };
        s.expect(
            Method::GET,
            RA,
            list(of_kind(&objects, "RouteAdvertisements")),
        )
        .await;
        s.expect(
            Method::GET,
            &format!("{FRR}/frrconfigurations"),
            list(vec![bad]),
        )
        .await;
        s.expect(
            Method::GET,
            "/api/v1/nodes",
            list(of_kind(&objects, "Node")),
        )
        .await;
        s
    });
    let err = reconcile_once(&client).await.unwrap_err().to_string();
    let _s = server.await.unwrap();
    assert!(
        err.contains("FRRConfiguration team-a/broken: spec"),
        "{err}"
    );
}
