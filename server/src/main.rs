//! Run with `cargo leptos serve` (or `scripts/run.sh`), then open http://127.0.0.1:3000.

use server::{config::Config, shutdown_signal, telemetry, Application};

#[tokio::main]
async fn main() {
    // Errors are printed as sentences (their `Display`), not as `Debug` structures.
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // A missing .env file is the normal case; a malformed one is worth stopping for.
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(e) if e.not_found() => {}
        Err(e) => return Err(e.into()),
    }
    telemetry::init();

    let config = Config::from_env()?;
    let app = Application::build(config).await?;
    tracing::info!("listening on http://{}", app.local_addr());
    app.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}
