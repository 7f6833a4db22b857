//! Lists every segment of the tenant named by `AMPERITY_TENANT`, as tab-separated lines, with
//! credentials from the environment: OAuth client credentials (renewed as they expire) or a
//! fixed access token. `RUST_LOG` (`info`, `debug`, `trace`) shows what the SDK does on stderr;
//! no secret or token is ever in it.
//!
//! ```sh
//! AMPERITY_TENANT=acme AMPERITY_CLIENT_ID=... AMPERITY_CLIENT_SECRET=... \
//!     cargo run -p amperity --example list_segments
//! AMPERITY_TENANT=acme AMPERITY_TOKEN=... cargo run -p amperity --example list_segments
//! ```

use amperity::prelude::*;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), amperity::Error> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let client = Client::from_env()?;
    let mut segments = client.list_segments().limit(1000).stream();
    let mut count = 0u64;
    while let Some(segment) = segments.try_next().await? {
        println!("{}\t{}", segment.id, segment.name);
        count += 1;
    }
    eprintln!("{count} segments");
    Ok(())
}
