//! exper-dht-rust: an exper-dht peer on rust-libp2p, for interoperability
//! tests and benchmarks, with the CLI contract of `exper-dht` and
//! `exper-dht-go` (start / put / get, --json, exit codes), written from
//! docs/records.md and docs/protocol.md.

mod cli;
mod client;
mod frames;
mod kadwire;
mod kvproto;
mod kvrecord;
mod node;
mod start;
mod store;

use cli::{CliError, EXIT_OK, EXIT_USAGE};

const USAGE: &str = "usage: exper-dht-rust COMMAND [ARGS]

commands:
  start [--listen MA]... [--bootstrap MA]... [--peers N] [--json]
        run a DHT peer (or N of them in this process) until SIGINT/SIGTERM
  put KEY VALUE --peer MA [--quorum N] [--ttl S] [--timeout S] [--json]
        store VALUE under KEY through a peer's /exper-dht/kv/1.0.0; --ttl: the
        record lives S seconds (default: the peer's; a Rust peer gives 48 h,
        and republishes the records it stored until their ttl ends)
  get KEY --peer MA [--timeout S] [--out FILE] [--json]
        retrieve the value of KEY through a peer (exit 3 when not found,
        1 when the peer fails or answers without a record)
  kad-put --peer MA --key-hex HEX [--json] < RECORD
        send a raw Kad-DHT PUT_VALUE of the bytes on stdin, valid or not,
        and say whether the peer stored them (exit 0) or refused them (exit 1)

put and get speak unsigned /kv records only (this CLI holds no identity and
does not sign); a peer started here validates, stores and serves signed /kvs
records, and its kv server takes exper-dht put|get --signed.

exit codes: 0 ok, 1 error, 2 usage, 3 not found";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(run(&args));
}

fn run(args: &[String]) -> i32 {
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return EXIT_USAGE;
    };
    if matches!(command.as_str(), "help" | "--help" | "-h") {
        println!("{USAGE}");
        return EXIT_OK;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("exper-dht-rust: error: starting the runtime: {e}");
            return cli::EXIT_ERROR;
        }
    };
    let rest = &args[1..];
    let result = runtime.block_on(async {
        match command.as_str() {
            "start" => start::run(rest).await,
            "put" => client::run_put(rest).await,
            "get" => client::run_get(rest).await,
            "kad-put" => client::run_kad_put(rest).await,
            other => Err(CliError::usage(format!("unknown command {other:?}\n{USAGE}"))),
        }
    });
    // the swarm tasks of a thin client may still run: exit without waiting
    runtime.shutdown_background();
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("exper-dht-rust: error: {}", e.message);
            e.code
        }
    }
}
