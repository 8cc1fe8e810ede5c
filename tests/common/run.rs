//! Running the `ivr` binary: plainly, or under a time guard for inputs built to make it hang
//! or eat memory.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a run of `ivr` left: its exit code (`None`: killed by a signal) and its output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// The stderr of a run that must have exited with `code` and printed nothing on stdout.
    #[track_caller]
    pub fn failure(self, code: i32) -> String {
        assert_eq!(self.code, Some(code), "exit code; stderr:\n{}", self.stderr);
        assert!(
            self.stdout.is_empty(),
            "stdout of a failed run:\n{}",
            self.stdout
        );
        self.stderr
    }

    /// stderr with the diagnostic renderer's line wrapping undone (its `│` continuation lines
    /// joined with spaces), so that a long message can be searched for whole.
    pub fn stderr_unwrapped(&self) -> String {
        self.stderr
            .lines()
            .map(|l| l.trim().trim_start_matches('│').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// stdout read as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// `ivr ARGS` from the crate root (so paths in the output are relative and stable).
pub fn ivr(args: &[&str]) -> Run {
    Ivr::new(args).run()
}

/// `ivr ARGS` from `dir`.
pub fn ivr_in(dir: &Path, args: &[&str]) -> Run {
    Ivr::new(args).current_dir(dir).run()
}

/// One run of the binary to be: arguments, folder, stdin and extra environment. Output is never
/// coloured and never wrapped to a terminal's width.
#[derive(Clone, Debug)]
pub struct Ivr {
    args: Vec<OsString>,
    dir: PathBuf,
    stdin: Option<Vec<u8>>,
    env: Vec<(OsString, OsString)>,
    /// A program `ivr` is run through, with its arguments (`setpriv ...`); empty: run directly.
    wrapper: Vec<OsString>,
}

impl Ivr {
    pub fn new(args: &[&str]) -> Ivr {
        Ivr {
            args: args.iter().map(OsString::from).collect(),
            dir: super::root().to_path_buf(),
            stdin: None,
            env: Vec::new(),
            wrapper: Vec::new(),
        }
    }

    /// Runs `ivr` through another program: `program ARGS... ivr ...`.
    pub fn through(mut self, program: &[&str]) -> Ivr {
        self.wrapper = program.iter().map(OsString::from).collect();
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Ivr {
        self.dir = dir.to_path_buf();
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Ivr {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Ivr {
        self.env.push((name.into(), value.into()));
        self
    }

    fn command(&self) -> Command {
        let ivr = env!("CARGO_BIN_EXE_ivr");
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(ivr);
                command
            }
            None => Command::new(ivr),
        };
        command
            .args(&self.args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        command
    }

    fn shown(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        format!("`ivr {}`", args.join(" "))
    }

    /// Runs to the end and captures the output.
    pub fn run(self) -> Run {
        let mut child = self
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the ivr binary runs");
        // stdin is written from another thread: a child that prints before it has read all of
        // it would otherwise wait on us while we wait on it.
        let writer = self.stdin.clone().map(|bytes| {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            std::thread::spawn(move || {
                // The child may exit without reading everything; that is its answer, not ours.
                let _ = pipe.write_all(&bytes);
            })
        });
        let output = child.wait_with_output().expect("wait for ivr");
        if let Some(writer) = writer {
            writer.join().expect("stdin writer");
        }
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout)
                .unwrap_or_else(|e| panic!("{}: stdout is not UTF-8: {e}", self.shown())),
            stderr: String::from_utf8(output.stderr)
                .unwrap_or_else(|e| panic!("{}: stderr is not UTF-8: {e}", self.shown())),
        }
    }

    /// Runs with stdout and stderr both on `/dev/full`, where every write fails, and returns
    /// the exit code.
    pub fn run_on_full_disk(self) -> Option<i32> {
        let full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
        self.command()
            .stdout(full().expect("/dev/full"))
            .stderr(full().expect("/dev/full"))
            .status()
            .expect("the ivr binary runs")
            .code()
    }

    /// Runs under a guard for hostile inputs: fails the test if the run takes longer than
    /// `limit` (the child is killed), or if `ivr` panicked. Not a speed check, a hang check, so
    /// limits are generous. Output goes to files, not pipes: a pipe nobody reads while we poll
    /// could fill up and stall the child.
    pub fn run_guarded(self, limit: Duration) -> Run {
        let out = super::scratch();
        let stdout_path = out.path().join("stdout.txt");
        let stderr_path = out.path().join("stderr.txt");
        let mut child = self
            .command()
            .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
            .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
            .spawn()
            .expect("the ivr binary runs");
        if let Some(bytes) = &self.stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            let bytes = bytes.clone();
            std::thread::spawn(move || {
                let _ = pipe.write_all(&bytes);
            });
        }
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for ivr") {
                break status;
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{} ran for more than {limit:?}", self.shown());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let run = Run {
            code: status.code(),
            stdout: std::fs::read_to_string(&stdout_path).expect("UTF-8 stdout"),
            stderr: std::fs::read_to_string(&stderr_path).expect("UTF-8 stderr"),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "{} panicked:\n{}",
            self.shown(),
            head(&run.stderr)
        );
        run
    }
}

/// The start of a long output, for failure messages.
pub fn head(text: &str) -> &str {
    &text[..text.floor_char_boundary(4000)]
}

/// `ivr sim ARGS --format json` from the crate root, which must succeed.
pub fn sim_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["sim"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = ivr(&all);
    assert!(run.success(), "ivr {}: {}", all.join(" "), run.stderr);
    run.json()
}

/// A `sim --format json` report without its flow sections (`nodes`, `edges`), which `sim`
/// adds and a comparison's sides or a sweep's points leave out; panics if they are missing.
pub fn without_flow(mut report: serde_json::Value) -> serde_json::Value {
    let fields = report.as_object_mut().expect("a report object");
    assert!(
        fields.remove("nodes").is_some() && fields.remove("edges").is_some(),
        "a sim report has `nodes` and `edges`"
    );
    report
}
