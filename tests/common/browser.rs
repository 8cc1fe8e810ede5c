//! Headless Chromium for the page tests: is it installed (under CI it must be), the DOM it
//! builds from a page after its script ran, and screenshots decoded for checking.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a page may take to load before the test fails (instead of hanging CI): generous,
/// since the machine may be busy; the tests never assert how fast a page opens.
pub const PATIENCE: Duration = Duration::from_secs(300);

/// Headless Chromium, or `None` (and a loud note) when it is not installed. Under CI (`CI` or
/// `IVR_REQUIRE_CHROMIUM` set) it must be: `.ci/run` installs it.
pub fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(name);
        }
    }
    assert!(
        std::env::var_os("CI").is_none() && std::env::var_os("IVR_REQUIRE_CHROMIUM").is_none(),
        "CI is set but Chromium is not installed: the browser tests cannot run"
    );
    eprintln!("SKIPPED: Chromium is not installed, so the report was not checked in a browser");
    None
}

/// Chromium's arguments: headless, no network features, a throwaway profile.
pub fn browser(name: &str, profile: &Path) -> Command {
    let mut command = Command::new(name);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// Runs Chromium to the end, or kills it and fails the test after [`PATIENCE`].
fn finish(mut command: Command, page: &Path) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium runs");
    // Read while waiting: a page's DOM is larger than a pipe holds.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium runs") {
            break status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium did not finish {} within {PATIENCE:?}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout read"),
        stderr: stderr.join().expect("stderr read"),
    }
}

/// The DOM Chromium builds from a page, after its script ran.
pub fn dump_dom(name: &str, page: &Path, profile: &Path) -> String {
    let mut command = browser(name, profile);
    command
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()));
    let output = finish(command, page);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 DOM")
}

/// A screenshot of a page, decoded: (width, height, RGBA bytes).
pub fn screenshot(name: &str, page: &Path, png: &Path, profile: &Path) -> (u32, u32, Vec<u8>) {
    let mut command = browser(name, profile);
    command
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()));
    let output = finish(command, page);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png).expect("a screenshot"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

/// How many distinct colours a picture has (a blank page has one).
pub fn colours(pixels: &[u8], channels: usize) -> usize {
    let mut seen: Vec<&[u8]> = pixels.chunks(channels).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// The value of attribute `name` in a tag.
pub fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// A copy of a page with one more script at the end, run after the page's own.
pub fn with_script(page: &Path, name: &str, script: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(page).unwrap();
    let copy = page.with_file_name(name);
    std::fs::write(
        &copy,
        text.replace("</body>", &format!("<script>{script}</script></body>")),
    )
    .unwrap();
    copy
}
