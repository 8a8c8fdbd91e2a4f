"""The run folder contract (docs/run-folder.md, DESIGN.md 3.1): the only code that knows the files of a run folder.

<results>/runs/<run_id>/ holds spec.json, state.json, events.jsonl, trials/<scenario>__<rep>.json, worker.log,
worker.lock and summary.json. One writer per folder (the worker; the launcher only creates spec.json and the first
state.json). JSON files are replaced atomically; events.jsonl is append-only and read by byte offset, whole lines
only. One job a module:

- `layout`: file names, paths, run ids, trial keys
- `json_files`: atomic JSON writes and reads
- `formats`: spec.json, state.json and summary.json (pydantic models)
- `artifact`: the trial artifact and its parts (pydantic models)
- `run_files`: create a run folder; read and write its spec, state and summary
- `stored`: the harness and fixture a spec names, kept once per results folder by content hash
- `stored_cleanup`: the stored files no run names any more (`clean`), and the lock launches share with it
- `trials`: trial artifacts on disk; hidden temp files a killed writer left
- `events`: the event models (one a type) and the parser of a line
- `event_log`: events.jsonl writer and reader
- `liveness`: pid liveness, the worker.lock record and the status a reader shows
- `worker_log`: worker.log rotated at a size, so no run fills a disk with logs
- `listing`: RunInfo, read_run, load_run, list_runs, find_run (the one check of a run id)

Callers import from this package (`from jira_bench_tui.engine import run_folder`), not from its modules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jira_bench_tui.engine.run_folder.artifact import (
        KNOWN_STEPS,
        AnswerStep,
        CheckResult,
        FieldChange,
        IssueChange,
        Message,
        ModelStep,
        OtherStep,
        Outcome,
        PromptStep,
        Step,
        ToolCallStep,
        TrialArtifact,
        parse_artifact,
        parse_change,
        parse_check,
        parse_step,
    )
    from jira_bench_tui.engine.run_folder.errors import StoreError, UnknownRunError, disk_error, disk_sentence
    from jira_bench_tui.engine.run_folder.event_log import (
        SET_ASIDE_FIELD,
        EventReader,
        EventWriter,
        finished_in_events,
    )
    from jira_bench_tui.engine.run_folder.events import (
        EVENT_TYPES,
        KNOWN_EVENTS,
        AgentMessageEvent,
        AnyEvent,
        CheckResultEvent,
        Event,
        EventSink,
        LogEvent,
        RunFinishedEvent,
        RunStartedEvent,
        ToolCallEvent,
        ToolResultEvent,
        TrialEvent,
        TrialFinishedEvent,
        TrialStartedEvent,
        UnknownEvent,
        event_of,
        parse_event,
        parse_event_line,
        scenario_of,
    )
    from jira_bench_tui.engine.run_folder.formats import (
        FINAL_STATUSES,
        MAX_NOTE,
        Counts,
        Distribution,
        PerTrial,
        RunSpec,
        RunState,
        RunStatus,
        RunSummary,
        ScenarioScore,
        ServerChoice,
        StoredFile,
        UsageTotals,
        WorkerLimits,
    )
    from jira_bench_tui.engine.run_folder.json_files import read_json, read_small_bytes, write_json_atomic
    from jira_bench_tui.engine.run_folder.layout import (
        CORRUPT_SUFFIX,
        EVENTS,
        RUN_ID_PATTERN,
        SPEC,
        STATE,
        SUMMARY,
        TRIAL_KEY_SEPARATOR,
        TRIALS,
        WORKER_LOCK,
        WORKER_LOG,
        events_path,
        is_run_id,
        new_run_id,
        parse_trial_key,
        run_dir,
        runs_dir,
        spec_path,
        state_path,
        summary_path,
        trial_key,
        trial_path,
        trials_dir,
        worker_lock_path,
        worker_log_path,
    )
    from jira_bench_tui.engine.run_folder.listing import (
        RunInfo,
        check_run_files,
        find_run,
        list_runs,
        load_run,
        read_run,
    )
    from jira_bench_tui.engine.run_folder.liveness import (
        HEARTBEAT_STALE_S,
        LIVE_STATUSES,
        QUEUED_STALE_S,
        DisplayStatus,
        WorkerLock,
        display_status,
        folder_status,
        lock_alive,
        lock_state,
        parse_worker_lock,
        pid_alive,
        process_start,
        read_lock_file,
        read_worker_lock,
    )
    from jira_bench_tui.engine.run_folder.run_files import (
        SpaceReserve,
        check_writable,
        create_run,
        read_spec,
        read_state,
        read_summary,
        write_state,
        write_state_data,
        write_summary,
    )
    from jira_bench_tui.engine.run_folder.stored import (
        FIXTURES,
        HARNESSES,
        check_stored,
        read_stored,
        spec_fixture,
        spec_harness,
        store_json,
    )
    from jira_bench_tui.engine.run_folder.stored_cleanup import (
        STORED_GRACE_S,
        StoredUse,
        remove_unused_stored,
        stored_lock,
        unused_stored,
    )
    from jira_bench_tui.engine.run_folder.trials import (
        TrialScan,
        finished_trials,
        read_trial,
        read_trial_data,
        remove_temp_files,
        scan_trials,
        set_aside_trial,
        write_trial,
    )
    from jira_bench_tui.engine.run_folder.worker_log import (
        WORKER_LOG_MAX_BYTES,
        keep_worker_log_small,
        rotated_log_path,
        worker_log_cap,
    )

_MODULE_OF: dict[str, str] = {
    **dict.fromkeys([
        "KNOWN_STEPS", "AnswerStep", "CheckResult", "FieldChange", "IssueChange", "Message", "ModelStep",
        "OtherStep", "Outcome", "PromptStep", "Step", "ToolCallStep", "TrialArtifact", "parse_artifact",
        "parse_change", "parse_check", "parse_step"
    ], "artifact"),
    **dict.fromkeys([
        "StoreError", "UnknownRunError", "disk_error", "disk_sentence"
    ], "errors"),
    **dict.fromkeys([
        "SET_ASIDE_FIELD", "EventReader", "EventWriter", "finished_in_events"
    ], "event_log"),
    **dict.fromkeys([
        "EVENT_TYPES", "KNOWN_EVENTS", "AgentMessageEvent", "AnyEvent", "CheckResultEvent", "Event",
        "EventSink", "LogEvent", "RunFinishedEvent", "RunStartedEvent", "ToolCallEvent", "ToolResultEvent",
        "TrialEvent", "TrialFinishedEvent", "TrialStartedEvent", "UnknownEvent", "event_of", "parse_event",
        "parse_event_line", "scenario_of"
    ], "events"),
    **dict.fromkeys([
        "FINAL_STATUSES", "MAX_NOTE", "Counts", "Distribution", "PerTrial", "RunSpec", "RunState", "RunStatus",
        "RunSummary", "ScenarioScore", "ServerChoice", "StoredFile", "UsageTotals", "WorkerLimits"
    ], "formats"),
    **dict.fromkeys([
        "read_json", "read_small_bytes", "write_json_atomic"
    ], "json_files"),
    **dict.fromkeys([
        "CORRUPT_SUFFIX", "EVENTS", "RUN_ID_PATTERN", "SPEC", "STATE", "SUMMARY", "TRIAL_KEY_SEPARATOR",
        "TRIALS", "WORKER_LOCK", "WORKER_LOG", "events_path", "is_run_id", "new_run_id", "parse_trial_key",
        "run_dir", "runs_dir", "spec_path", "state_path", "summary_path", "trial_key", "trial_path",
        "trials_dir", "worker_lock_path", "worker_log_path"
    ], "layout"),
    **dict.fromkeys([
        "RunInfo", "check_run_files", "find_run", "list_runs", "load_run", "read_run"
    ], "listing"),
    **dict.fromkeys([
        "HEARTBEAT_STALE_S", "LIVE_STATUSES", "QUEUED_STALE_S", "DisplayStatus", "WorkerLock", "display_status",
        "folder_status", "lock_alive", "lock_state", "parse_worker_lock", "pid_alive", "process_start",
        "read_lock_file", "read_worker_lock"
    ], "liveness"),
    **dict.fromkeys([
        "SpaceReserve", "check_writable", "create_run", "read_spec", "read_state", "read_summary",
        "write_state", "write_state_data", "write_summary"
    ], "run_files"),
    **dict.fromkeys([
        "FIXTURES", "HARNESSES", "check_stored", "read_stored", "spec_fixture", "spec_harness", "store_json"
    ], "stored"),
    **dict.fromkeys([
        "STORED_GRACE_S", "StoredUse", "remove_unused_stored", "stored_lock", "unused_stored"
    ], "stored_cleanup"),
    **dict.fromkeys([
        "TrialScan", "finished_trials", "read_trial", "read_trial_data", "remove_temp_files", "scan_trials",
        "set_aside_trial", "write_trial"
    ], "trials"),
    **dict.fromkeys([
        "WORKER_LOG_MAX_BYTES", "keep_worker_log_small", "rotated_log_path", "worker_log_cap"
    ], "worker_log"),
}
"""Which module defines each name: a name is imported on first use (PEP 562), so a reader that needs only the
spec and state (`view list`) does not build the event and artifact models."""


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "CORRUPT_SUFFIX", "EVENTS", "EVENT_TYPES", "FINAL_STATUSES", "HEARTBEAT_STALE_S", "KNOWN_EVENTS", "KNOWN_STEPS", "LIVE_STATUSES", "MAX_NOTE",
    "QUEUED_STALE_S", "RUN_ID_PATTERN", "SET_ASIDE_FIELD", "SPEC", "STATE", "SUMMARY", "TRIAL_KEY_SEPARATOR", "TRIALS", "WORKER_LOCK", "WORKER_LOG",
    "AgentMessageEvent", "AnswerStep", "AnyEvent", "CheckResult", "CheckResultEvent", "Counts", "DisplayStatus",
    "Distribution", "Event", "EventReader", "EventSink", "EventWriter", "FieldChange", "IssueChange", "LogEvent",
    "Message", "ModelStep", "OtherStep", "Outcome", "PerTrial", "PromptStep", "RunFinishedEvent", "RunInfo", "RunSpec",
    "RunStartedEvent", "RunState", "RunStatus", "RunSummary", "ScenarioScore", "ServerChoice", "Step", "StoreError",
    "ToolCallEvent", "ToolCallStep", "ToolResultEvent", "TrialArtifact", "TrialEvent", "TrialFinishedEvent",
    "TrialScan", "TrialStartedEvent", "UnknownEvent", "UnknownRunError", "UsageTotals", "WorkerLimits", "WorkerLock", "SpaceReserve", "check_writable", "WORKER_LOG_MAX_BYTES",
    "keep_worker_log_small", "rotated_log_path", "worker_log_cap",
    "FIXTURES", "HARNESSES", "StoredFile", "check_stored", "read_stored", "spec_fixture", "spec_harness", "store_json",
    "STORED_GRACE_S", "StoredUse", "remove_unused_stored", "stored_lock", "unused_stored",
    "check_run_files", "disk_error", "disk_sentence", "finished_in_events", "folder_status", "is_run_id", "lock_alive", "lock_state", "parse_worker_lock", "process_start",
    "read_lock_file", "read_run", "read_small_bytes", "read_worker_lock",
    "create_run", "display_status", "event_of", "events_path", "find_run", "finished_trials", "list_runs",
    "load_run", "new_run_id", "parse_artifact", "parse_change", "parse_check", "parse_event", "parse_event_line", "parse_step",
    "parse_trial_key", "pid_alive", "read_json", "read_spec", "read_state", "read_summary", "read_trial",
    "read_trial_data", "remove_temp_files", "run_dir", "runs_dir", "scan_trials", "scenario_of", "set_aside_trial", "spec_path",
    "state_path", "summary_path", "trial_key", "trial_path", "trials_dir", "worker_lock_path", "worker_log_path",
    "write_json_atomic", "write_state", "write_state_data", "write_summary", "write_trial",
]
