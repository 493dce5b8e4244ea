//! For unit tests that talk to a real API server: a simulated fleet started
//! in this process, with its kubeconfig written to a temp dir.

use kube::config::Kubeconfig;

/// A running scenario; the temp dir holding its kubeconfig lives as long as it.
pub struct TestSim {
    pub handle: fleetdeck_sim::SimHandle,
    pub kubeconfig: Kubeconfig,
    _dir: tempfile::TempDir,
}

/// Starts `scenario` (seed 1) with `faults` (`fleetdeck sim --fault` specs).
pub async fn start(scenario: &str, faults: &[&str]) -> TestSim {
    let dir = tempfile::tempdir().expect("tempdir");
    let handle = fleetdeck_sim::start(fleetdeck_sim::SimOptions {
        scenario: scenario.to_owned(),
        seed: 1,
        state_dir: dir.path().to_owned(),
        params: Vec::new(),
        faults: faults.iter().map(|f| (*f).to_owned()).collect(),
    })
    .await
    .expect("the sim starts");
    let kubeconfig = Kubeconfig::read_from(handle.kubeconfig_path()).expect("its kubeconfig");
    TestSim {
        handle,
        kubeconfig,
        _dir: dir,
    }
}

/// A kube client for `context` of `kubeconfig`.
pub async fn client(kubeconfig: &Kubeconfig, context: &str) -> kube::Client {
    let options = kube::config::KubeConfigOptions {
        context: Some(context.to_owned()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig.clone(), &options)
        .await
        .expect("config");
    kube::Client::try_from(config).expect("client")
}
