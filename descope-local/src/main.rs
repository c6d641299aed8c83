//! The local Descope server on its own port.
//!
//! Run with `cargo run -p descope-local`; `cargo run -p descope-local -- rotate-key` makes a new
//! signing key (the old one stays published) and exits; `export [FILE]` writes the project
//! (permissions, tenants, roles, users, access keys) as JSON, and `import FILE` creates what a
//! project document or seed file holds and the data folder lacks. Settings come from the environment and
//! from a `.env` file in the working folder: `DESCOPE_LOCAL_ADDR` sets the address (default
//! `127.0.0.1:4000`), the other `DESCOPE_LOCAL_*` settings are described at
//! [`Config::from_env`] and in `.env.example`. Data goes to `data/descope-local` unless
//! `DESCOPE_LOCAL_DATA_DIR` says otherwise.

use std::net::SocketAddr;

use descope_local::{Config, LocalDescope, DEFAULT_ADDR, DEFAULT_DATA_DIR};

const USAGE: &str = "usage: descope-local [rotate-key | export [FILE] | import FILE]";

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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();

    let mut config = Config::from_env(DEFAULT_DATA_DIR)?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [] => {}
        ["rotate-key"] => {
            let kid = LocalDescope::rotate_signing_key(&config)?;
            println!("new signing key {kid}; restart the server to use it");
            return Ok(());
        }
        ["export"] => {
            println!("{}", LocalDescope::export_project(&config)?);
            return Ok(());
        }
        ["export", file] => {
            // Readable by its owner only: it holds password hashes.
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(
                &mut options.open(file)?,
                LocalDescope::export_project(&config)?.as_bytes(),
            )?;
            eprintln!("exported the project to {file}");
            return Ok(());
        }
        ["import", file] => {
            let imported = LocalDescope::import_project(&config, file.as_ref())?;
            eprintln!("imported from {file}: {imported:?} (what existed was left alone)");
            return Ok(());
        }
        _ => return Err(USAGE.into()),
    }
    for app_only in ["APP_DATA_DIR", "DESCOPE_PROJECT_ID", "DESCOPE_BASE_URL"] {
        if std::env::var_os(app_only).is_some_and(|v| !v.is_empty()) {
            tracing::warn!(
                "{app_only} is ignored: it configures the app; the standalone server reads \
                 DESCOPE_LOCAL_* settings only"
            );
        }
    }
    let addr: SocketAddr = std::env::var("DESCOPE_LOCAL_ADDR")
        .unwrap_or_else(|_| DEFAULT_ADDR.into())
        .parse()?;
    descope_local::check_listen_address(addr, &config)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    config.base_url = descope_local::local_url(listener.local_addr()?);
    let local = LocalDescope::open(config)?;
    tracing::info!(
        "local Descope at {} (project {})",
        local.config().base_url,
        local.config().project_id
    );
    if let Some(public) = &local.config().public_url {
        tracing::warn!(
            "exposed to the network as {public} (DESCOPE_LOCAL_EXPOSE): anyone who reaches it \
             can sign up and sign in; the inbox is served to this machine only"
        );
    }
    axum::serve(
        listener,
        local
            .router()
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop_requested())
    .await?;
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM. A signal that cannot be listened for is logged and never
/// completes, so the other still stops the server.
async fn stop_requested() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => drop(terminate.recv().await),
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("received Ctrl-C, shutting down"),
        () = terminate => tracing::info!("received SIGTERM, shutting down"),
    }
}
