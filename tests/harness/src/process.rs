//! Starting control-plane processes so that none outlives the test binary.
//!
//! Three layers make that hold whatever way the binary ends:
//! - normal exit: an `atexit` hook stops every process and removes the scratch folders
//!   (libtest ends with `std::process::exit`, which runs `atexit` hooks but no destructors of
//!   statics);
//! - a panic or a kill: each child asks the kernel for SIGKILL when its parent dies
//!   (`PR_SET_PDEATHSIG`);
//! - a kill -9 that skipped the hook: the next run removes scratch folders whose process is
//!   gone.
//!
//! `PR_SET_PDEATHSIG` fires when the *thread* that forked the child ends, not the process, and
//! libtest runs every test on a thread of its own. So all children are forked by one
//! supervisor thread that lives as long as the process.

#![allow(unsafe_code)]

use std::fs;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc::{self, Sender};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Where each test binary keeps its control plane's files: `<root>/<pid>`.
pub fn scratch_root() -> PathBuf {
    std::env::temp_dir().join("appasset-e2e")
}

type Reply = Sender<io::Result<Child>>;

struct Registry {
    pids: Vec<u32>,
    folders: Vec<PathBuf>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    pids: Vec::new(),
    folders: Vec::new(),
});
static SUPERVISOR: OnceLock<Mutex<Sender<(Command, Reply)>>> = OnceLock::new();

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts `command` on the supervisor thread. The child is killed when this process ends.
pub fn spawn(command: Command) -> io::Result<Child> {
    let supervisor = SUPERVISOR.get_or_init(start_supervisor);
    let (reply, answer) = mpsc::channel();
    supervisor
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((command, reply))
        .map_err(|_| io::Error::other("the process supervisor thread is gone"))?;
    let child = answer
        .recv()
        .map_err(|_| io::Error::other("the process supervisor thread is gone"))??;
    registry().pids.push(child.id());
    Ok(child)
}

/// Removes `folder` when the process exits.
pub fn remove_at_exit(folder: &Path) {
    registry().folders.push(folder.to_path_buf());
}

fn start_supervisor() -> Mutex<Sender<(Command, Reply)>> {
    // SAFETY: `stop_everything` is an `extern "C" fn()` that never unwinds.
    unsafe { libc::atexit(stop_everything) };

    let (requests, incoming) = mpsc::channel::<(Command, Reply)>();
    thread::Builder::new()
        .name("control-plane-supervisor".into())
        .spawn(move || {
            for (mut command, reply) in incoming {
                let _ = reply.send(spawn_tied_to_parent(&mut command));
            }
            // The sender lives in a static, so the loop only ends with the process; parking
            // keeps this thread, and so its children's parent-death signal, alive regardless.
            loop {
                thread::park();
            }
        })
        .expect("the process supervisor thread starts");
    Mutex::new(requests)
}

fn spawn_tied_to_parent(command: &mut Command) -> io::Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: prctl, getppid and _exit are async-signal-safe, as code between fork and exec
    // must be.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    command.spawn()
}

extern "C" fn stop_everything() {
    let mut registry = registry();
    let pids: Vec<libc::pid_t> = registry
        .pids
        .drain(..)
        .map(|pid| pid as libc::pid_t)
        .collect();
    signal_and_reap(&pids);
    for folder in registry.folders.drain(..) {
        let _ = fs::remove_dir_all(folder);
    }
}

/// SIGTERM first so etcd and the API server can close cleanly, SIGKILL for any still
/// running after a short grace period.
fn signal_and_reap(pids: &[libc::pid_t]) {
    for &pid in pids {
        // SAFETY: plain syscall on a pid this process started and has not reaped.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut running: Vec<libc::pid_t> = pids.to_vec();
    while !running.is_empty() && Instant::now() < deadline {
        running.retain(|&pid| !reaped(pid));
        thread::sleep(Duration::from_millis(20));
    }
    for &pid in &running {
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    for &pid in &running {
        // SAFETY: blocking waitpid on our own child, which has just been sent SIGKILL.
        unsafe { libc::waitpid(pid, std::ptr::null_mut(), 0) };
    }
}

fn reaped(pid: libc::pid_t) -> bool {
    // SAFETY: non-blocking waitpid on our own child.
    let result = unsafe { libc::waitpid(pid, std::ptr::null_mut(), libc::WNOHANG) };
    result == pid || result == -1
}

/// Removes scratch folders left by test binaries that were killed before their `atexit` hook
/// ran. A folder is named after the pid of its binary; it is stale once that pid is gone.
pub fn sweep_stale_folders(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.parse::<u32>().ok()) else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
