//! Lists every segment of the tenant named by `AMPERITY_TENANT`, as tab-separated lines.
//!
//! ```sh
//! AMPERITY_TENANT=acme AMPERITY_TOKEN=... cargo run -p amperity --example list_segments
//! ```

use amperity::prelude::*;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), amperity::Error> {
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
