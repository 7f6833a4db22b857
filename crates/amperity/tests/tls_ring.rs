//! With reqwest's `rustls-no-provider` and rustls on ring, the SDK's client still builds its TLS
//! configuration: `ClientBuilder::build` installs ring as the process's provider.

#[test]
fn the_client_builds_with_ring_as_the_crypto_provider() {
    assert!(rustls::crypto::CryptoProvider::get_default().is_none());
    let client = amperity::Client::builder()
        .tenant("acme")
        .token("secret")
        .build();
    assert!(client.is_ok(), "{:?}", client.err());
    let provider = rustls::crypto::CryptoProvider::get_default().expect("installed by build()");
    // ring's provider offers X25519, P-256 and P-384 (no post-quantum hybrid group).
    let groups: Vec<String> = provider
        .kx_groups
        .iter()
        .map(|g| format!("{:?}", g.name()))
        .collect();
    assert_eq!(groups, ["X25519", "secp256r1", "secp384r1"]);
    // An https base URL too (the client is built, no request is sent).
    let https = amperity::Client::builder()
        .tenant("acme")
        .token("secret")
        .base_url("https://app.amperity.com/api")
        .build();
    assert!(https.is_ok(), "{:?}", https.err());
    // And a plain reqwest client built after it uses the installed provider.
    reqwest::Client::builder().build().expect("reqwest client");
}
