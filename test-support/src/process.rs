//! A server binary run as a child process, the way it runs in production: its own address,
//! its own memory, real signals. Tests read its log and its resident memory.

use std::{
    io::{BufRead, BufReader, Read},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    sync::{mpsc, Arc, Mutex},
    time::{Duration, Instant},
};

/// A running server process. Dropping it kills the process.
pub struct Process {
    child: Child,
    /// `http://host:port`, read from the server's own start-up line.
    pub base: String,
    log: Arc<Mutex<String>>,
}

impl Process {
    /// Starts `program` with `envs` and waits (up to 60 s) for the log line containing
    /// `ready` followed by the URL the server listens on.
    pub fn start(program: &Path, envs: &[(&str, &str)], ready: &str) -> Self {
        let (mut child, log, first_lines) = spawn(program, envs);

        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            let wait = deadline.saturating_duration_since(Instant::now());
            match first_lines.recv_timeout(wait) {
                Ok(line) => {
                    if let Some(rest) = line.split(ready).nth(1) {
                        let url = rest.split_whitespace().next().unwrap_or_default();
                        break url.trim_end_matches('/').to_owned();
                    }
                }
                Err(_) => {
                    let _ = child.kill();
                    panic!(
                        "{} did not report `{ready}`; its log:\n{}",
                        program.display(),
                        log.lock().unwrap()
                    );
                }
            }
        };
        Self { child, base, log }
    }

    /// Everything the process has written so far, stdout and stderr interleaved by line.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The process ID, for signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB, from `/proc/<pid>/status`.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the process is alive");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/<pid>/status")
    }

    /// Sends SIGTERM, the signal a service manager stops a service with.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Sends SIGKILL: the process gets no chance to flush or clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL delivered");
        self.child.wait().expect("reaped");
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Runs `program` with `envs` to its exit, which must come within `limit`: its exit status and
/// everything it wrote. For programs that must refuse to start.
pub fn run_to_exit(program: &Path, envs: &[(&str, &str)], limit: Duration) -> (ExitStatus, String) {
    let (mut child, log, _) = spawn(program, envs);
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "{} still running after {limit:?}; its log:\n{}",
                program.display(),
                log.lock().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(100)); // let the pumps read the last lines
    let log = log.lock().unwrap().clone();
    (status, log)
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `program` with `envs`, its output copied into a shared log and sent line by line.
fn spawn(
    program: &Path,
    envs: &[(&str, &str)],
) -> (Child, Arc<Mutex<String>>, mpsc::Receiver<String>) {
    let mut child = Command::new(program)
        .env("NO_COLOR", "1")
        // This project's own tests run with refresh-token rotation; `envs` may turn it off.
        .env("DESCOPE_LOCAL_REFRESH_ROTATION", "true")
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let log = Arc::new(Mutex::new(String::new()));
    let (lines, received) = mpsc::channel();
    pump(child.stdout.take().unwrap(), log.clone(), lines.clone());
    pump(child.stderr.take().unwrap(), log.clone(), lines);
    (child, log, received)
}

/// Copies a stream into the log, line by line, also sending each line to `lines`.
fn pump(stream: impl Read + Send + 'static, log: Arc<Mutex<String>>, lines: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
            let _ = lines.send(line);
        }
    });
}
