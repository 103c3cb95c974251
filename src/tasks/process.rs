//! The processes backends start (a command, an activity's worker, a local function's runtime)
//! run in a process group of their own, so that stopping one (a timeout, a call abandoned, the
//! run's end) also stops what it started: a shell's children, a wrapper script's program. Were
//! only the first process killed, its children would hold its output pipes open and the call
//! would never end.

use std::process::{Child, Command};

/// Starts `command`'s process as the leader of a new process group.
pub fn own_group(command: &mut Command) -> &mut Command {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    command
}

/// Kills the process group `child` leads (see [`own_group`]), then waits for `child`.
pub fn kill_group(child: &mut Child) {
    signal_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the process group led by the process `pid` (see [`own_group`]). Call it while the
/// leader is not yet waited for, or while another process of its group still runs (one that
/// holds its output open): a group's id is not given to another process while it is in use.
pub fn signal_group(pid: u32) {
    #[cfg(unix)]
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        // The group may be gone already (it ended by itself): nothing to do then.
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = pid;
}
