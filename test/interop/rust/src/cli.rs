//! Command-line plumbing shared by the commands: errors with exit codes,
//! flag parsing, and output (human lines, or one JSON object per line).

use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use serde::Serialize;

/// Exit codes, as for every exper-dht command.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_NOT_FOUND: i32 = 3;

/// An error that ends the process with `code`.
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
}

impl CliError {
    /// A wrong command line (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError { code: EXIT_USAGE, message: message.into() }
    }
    /// A key without a record (exit 3).
    pub fn not_found(message: impl Into<String>) -> Self {
        CliError { code: EXIT_NOT_FOUND, message: message.into() }
    }
    /// Any other failure (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        CliError { code: EXIT_ERROR, message: message.into() }
    }
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::failed(message)
    }
}

/// The flags and positional arguments of a command line.
#[derive(Debug)]
pub struct Args {
    values: HashMap<&'static str, Vec<String>>,
    pub positional: Vec<String>,
}

/// Parses `args` against `flags` (name, takes a value): flags may stand
/// anywhere among the positional arguments, as `--name value`,
/// `--name=value` or with one dash; `--` ends the flags.
pub fn parse(command: &str, args: &[String], flags: &[(&'static str, bool)]) -> Result<Args, CliError> {
    let mut parsed = Args { values: HashMap::new(), positional: Vec::new() };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--" {
            parsed.positional.extend(rest.by_ref().cloned());
            break;
        }
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')).filter(|f| !f.is_empty()) else {
            parsed.positional.push(arg.clone());
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        let Some(&(name, takes_value)) = flags.iter().find(|(n, _)| *n == name) else {
            return Err(CliError::usage(format!("{command}: unknown flag --{name}")));
        };
        let value = match (takes_value, inline) {
            (true, Some(v)) => v,
            (true, None) => rest.next().cloned().ok_or_else(|| CliError::usage(format!("{command}: --{name} needs a value")))?,
            (false, None) => "true".into(),
            (false, Some(v)) if v == "true" || v == "false" => v,
            (false, Some(v)) => return Err(CliError::usage(format!("{command}: --{name} takes no value, got {v:?}"))),
        };
        parsed.values.entry(name).or_default().push(value);
    }
    Ok(parsed)
}

impl Args {
    /// Every value of a repeatable flag.
    pub fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }
    /// The last value of a flag.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.all(name).last().map(String::as_str)
    }
    /// Whether a boolean flag is set.
    pub fn flag(&self, name: &str) -> bool {
        self.one(name) == Some("true")
    }
}

/// Parses a multiaddr.
pub fn multiaddr(flag: &str, value: &str) -> Result<Multiaddr, CliError> {
    value.parse().map_err(|e| CliError::usage(format!("--{flag} {value}: not a valid multiaddr ({e})")))
}

/// Parses a multiaddr that names its peer, and returns the peer too.
pub fn peer_addr(flag: &str, value: &str) -> Result<(Multiaddr, PeerId), CliError> {
    let addr = multiaddr(flag, value)?;
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Ok((addr, peer)),
        _ => Err(CliError::usage(format!("--{flag} {value}: the multiaddr must end in /p2p/<peer id>"))),
    }
}

/// Writes a command's results to stdout: human lines, or with `json` one
/// JSON object per line, each in one write. Safe for concurrent use.
pub struct Output {
    pub json: bool,
    lock: Mutex<()>,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output { json, lock: Mutex::new(()) }
    }

    /// Prints `value` as a JSON line in JSON mode, `human` otherwise.
    pub fn print<T: Serialize>(&self, value: &T, human: &str) -> Result<(), CliError> {
        let line = if self.json { serde_json::to_string(value).expect("JSON of an event") } else { human.to_string() };
        let _guard = self.lock.lock().expect("stdout lock");
        let mut out = std::io::stdout().lock();
        out.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| CliError::failed(format!("writing the result to stdout: {e}")))
    }
}

/// A seq for JSON, as exper-dht prints it: a number while a double holds it
/// exactly, a decimal string beyond 2^53-1.
pub fn json_seq(seq: u64) -> serde_json::Value {
    if seq < (1 << 53) {
        seq.into()
    } else {
        seq.to_string().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags_anywhere() {
        let args = parse("put", &strings(&["k", "--peer", "P", "v", "--json", "-quorum=2"]), &[("peer", true), ("json", false), ("quorum", true)]).unwrap();
        assert_eq!(args.positional, ["k", "v"]);
        assert_eq!((args.one("peer"), args.one("quorum"), args.flag("json")), (Some("P"), Some("2"), true));
    }

    #[test]
    fn refuses_unknown_and_valueless_flags() {
        assert_eq!(parse("get", &strings(&["--nope"]), &[]).unwrap_err().code, EXIT_USAGE);
        assert_eq!(parse("get", &strings(&["--peer"]), &[("peer", true)]).unwrap_err().code, EXIT_USAGE);
    }

    #[test]
    fn prints_big_seqs_as_strings() {
        assert_eq!(json_seq(5), serde_json::json!(5));
        assert_eq!(json_seq(u64::MAX), serde_json::json!("18446744073709551615"));
    }
}
